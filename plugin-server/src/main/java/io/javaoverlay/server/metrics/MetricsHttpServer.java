package io.javaoverlay.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The opt-in TCP listener for a Prometheus scrape ({@code --metrics-addr}): {@code GET /metrics}
 * only, on the JDK's built-in HTTP server with one thread of its own, so a scrape never takes a
 * worker from Docker's plugin socket. Nothing else is served on TCP.
 */
public final class MetricsHttpServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(MetricsHttpServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} and serves {@code metrics}.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static MetricsHttpServer start(String host, int port, Metrics metrics) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(ex);
        s.createContext("/", exchange -> handle(exchange, metrics));
        s.start();
        LOG.log(Level.INFO, "serving Prometheus metrics on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + s.getAddress().getPort() + "/metrics (--metrics-addr)");
        return new MetricsHttpServer(s, ex);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange ex, Metrics metrics) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (!path.equals("/metrics")) {
                reply(ex, 404, "text/plain; charset=utf-8", "only /metrics is served here\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().add("Allow", "GET, HEAD");
                reply(ex, 405, "text/plain; charset=utf-8", "use GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            metrics.write(body);
            reply(ex, 200, metrics.contentType(), method.equals("HEAD") ? null : body.toByteArray());
        }
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening (in-flight scrapes get up to a second). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(1);
        executor.shutdownNow();
    }
}
