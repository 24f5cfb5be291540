package io.javaoverlay.server.uds;

import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.KeepAlive;
import org.glassfish.grizzly.http.server.ServerFilterConfiguration;
import org.glassfish.grizzly.nio.RegisterChannelResult;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.grizzly.utils.DelayedExecutor;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainerProvider;
import org.glassfish.jersey.server.ResourceConfig;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Jersey on Grizzly, served only on a Unix socket (the "hybrid" design): Grizzly's
 * {@link TCPNIOTransport} is the selector/worker engine but is never bound, so it opens no TCP
 * port. A platform thread accepts on the JDK UNIX {@code ServerSocketChannel} and registers each
 * connection with the transport. The filter chain is what {@code HttpServer} would build, plus
 * {@link EmptyHostFixFilter}, and with a {@link KeepAlive} (without it every response closes).
 *
 * <p>Building Jersey (HK2, the resource model) is most of the daemon's start-up. With
 * {@link EarlyAnswers} it is built on a background thread after the socket already serves: the
 * registration calls are answered at once, every other call waits for Jersey
 * ({@link DeferredJerseyHandler}).
 */
public final class UdsHttpServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(UdsHttpServer.class.getName());
    private static final int MAX_HEADER_SIZE = 8192;

    private final UdsListener listener;
    private final TCPNIOTransport transport;
    private final DelayedExecutor delayedExecutor;
    private final Supplier<ResourceConfig> app;
    private final DeferredJerseyHandler handler;
    private final FilterChain chain;
    private final Thread acceptor;
    private final Options options;
    private volatile Thread builder;
    private volatile boolean closed;

    /**
     * How a server is run: its name in logs, its own worker pool, and which accepted connections it
     * serves ({@code admit} sees each one before any byte is read; refused ones are closed).
     */
    public record Options(String name, String poolName, int coreWorkers, int maxWorkers,
                          java.util.function.Predicate<SocketChannel> admit) {
        /** Docker's plugin API: 4..32 workers, every connection served. */
        // Join/CreateEndpoint may wait on a network's reconciler for seconds; a small fixed
        // pool (2 x cores) would then queue Docker's registration and IPAM calls behind them.
        public static final Options PLUGIN = new Options("the Docker plugin API", "plugin-worker", 4, 32, ch -> true);
    }

    private UdsHttpServer(UdsListener listener, Supplier<ResourceConfig> app, EarlyAnswers early, Options options) {
        this.listener = listener;
        this.options = options;
        this.transport = TCPNIOTransportBuilder.newInstance()
                .setSelectorRunnersCount(1)   // no accepting in Grizzly; one selector is plenty
                .setKeepAlive(false)
                .setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                        .setPoolName(options.poolName()).setCorePoolSize(options.coreWorkers())
                        .setMaxPoolSize(options.maxWorkers()))
                .build();
        this.delayedExecutor = IdleTimeoutFilter.createDefaultIdleDelayedExecutor();
        this.app = app;
        this.handler = new DeferredJerseyHandler(early);
        var server = new org.glassfish.grizzly.http.server.HttpServerFilter(new ServerFilterConfiguration(), delayedExecutor);
        server.setHttpHandler(handler);
        this.chain = FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(new org.glassfish.grizzly.http.HttpServerFilter(true, MAX_HEADER_SIZE, null, new KeepAlive(), delayedExecutor))
                .add(new EmptyHostFixFilter())
                .add(server)
                .build();
        this.acceptor = new Thread(this::acceptLoop, "uds-acceptor-" + options.poolName());
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts serving {@code app} on {@code listener}; takes ownership of the listener.
     *
     * @throws IOException if the Grizzly transport does not start
     */
    public static UdsHttpServer start(UdsListener listener, ResourceConfig app) throws IOException {
        return start(listener, app, Options.PLUGIN);
    }

    /**
     * Starts serving {@code app} on {@code listener} with {@code options}; takes ownership of the listener.
     *
     * @throws IOException if the Grizzly transport does not start
     */
    public static UdsHttpServer start(UdsListener listener, ResourceConfig app, Options options) throws IOException {
        UdsHttpServer s = new UdsHttpServer(listener, () -> app, null, options);
        s.buildJersey();
        s.startServing();
        LOG.log(Level.INFO, "serving " + options.name() + " on unix://" + listener.path());
        return s;
    }

    /**
     * Starts serving {@code early} on {@code listener} at once, then creates {@code app} and builds
     * Jersey for it on a background thread; calls other than {@code early}'s wait for it. Takes
     * ownership of the listener.
     *
     * @throws IOException if the Grizzly transport does not start
     */
    public static UdsHttpServer start(UdsListener listener, Supplier<ResourceConfig> app, EarlyAnswers early) throws IOException {
        UdsHttpServer s = new UdsHttpServer(listener, app, java.util.Objects.requireNonNull(early, "early"), Options.PLUGIN);
        s.startServing();
        Thread t = new Thread(s::buildInBackground, "jersey-start");
        t.setDaemon(true);
        s.builder = t;
        t.start();
        LOG.log(Level.INFO, "serving Docker's registration calls on unix://" + listener.path() + "; starting Jersey");
        return s;
    }

    private void startServing() throws IOException {
        delayedExecutor.start();
        transport.setProcessor(chain);
        transport.start();
        acceptor.start();
    }

    private void buildJersey() {
        GrizzlyHttpContainer c = new GrizzlyHttpContainerProvider().createContainer(GrizzlyHttpContainer.class, app.get());
        c.start();
        handler.ready(c);
    }

    private void buildInBackground() {
        long t0 = System.nanoTime();
        try {
            buildJersey();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.ERROR, "Jersey did not start; only Docker's registration calls are answered", e);
            handler.failed(e.toString());
            return;
        }
        if (closed) {
            return;
        }
        warmUp();
        LOG.log(Level.DEBUG, "Jersey serves unix://" + listener.path() + " (built and warmed up in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");
    }

    /** Jersey's first request costs ~100 ms (lazy providers, routing): pay it here, not on Docker's clock. */
    private void warmUp() {
        String req = "POST /NetworkDriver.GetCapabilities HTTP/1.1\r\nHost: plugin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(listener.path()));
            ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (ch.read(buf) >= 0 && buf.hasRemaining()) {
                // until the server closes (Connection: close)
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Jersey warm-up request failed: " + e);
        }
    }

    /** The socket path served. */
    public UdsListener listener() {
        return listener;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "accept on " + listener.path() + " failed: " + e.getMessage());
                sleepQuietly();
                continue;
            }
            boolean admitted;
            try {
                admitted = options.admit().test(ch);
            } catch (RuntimeException e) {
                admitted = false;
            }
            if (!admitted) {
                closeQuietly(ch);
                continue;
            }
            try {
                register(ch);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "dropping a connection that could not be registered: " + e);
                closeQuietly(ch);
            }
        }
    }

    private void register(SocketChannel ch) throws IOException {
        ch.configureBlocking(false);
        UdsConnection conn = new UdsConnection(transport, ch);
        conn.setProcessor(chain);
        transport.getNIOChannelDistributor().registerChannelAsync(ch, SelectionKey.OP_READ, conn,
                new EmptyCompletionHandler<RegisterChannelResult>() {
                    @Override
                    public void completed(RegisterChannelResult result) {
                        conn.registered(result);
                    }

                    @Override
                    public void failed(Throwable t) {
                        LOG.log(Level.WARNING, "registering a connection failed: " + t);
                        closeQuietly(ch);
                    }
                });
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: the peer is gone either way
        }
    }

    /** Stops accepting, unlinks the socket if owned, then stops Jersey and Grizzly. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close();
        } finally {
            try {
                acceptor.join(2000);
                Thread b = builder;
                if (b != null) {
                    b.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            GrizzlyHttpContainer c = handler.container();
            if (c != null) {
                c.destroy();
            }
            transport.shutdownNow();
            delayedExecutor.stop();
            delayedExecutor.destroy();
        }
    }
}
