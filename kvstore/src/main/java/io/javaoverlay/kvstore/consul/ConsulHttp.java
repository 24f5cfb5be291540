package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.StoreUnavailableException;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP to the Consul agent on the JDK's {@link HttpURLConnection}: our timeouts, PEM TLS, the ACL
 * token in the {@code X-Consul-Token} header (never in a URL or an access log), no proxy, no
 * redirects, no caches. Connections are kept alive and reused by the JDK's keep-alive cache.
 *
 * <p>Not Apache HttpClient (which Ecwid's own client is built on): its ~300 classes cost the daemon
 * about 1.5 MB of RSS (metaspace, symbols, compiled code) more than the JDK's client, measured in one
 * JVM doing the same 2000 PUTs (BENCHMARKS.md, "1000 endpoints with Consul as the store").
 *
 * <p>Requests that carry a body (every PUT, even an empty one) are sent in fixed-length streaming
 * mode, which the JDK never retries on its own: a retried CAS write could report a conflict for a
 * write that in fact succeeded. A GET or DELETE may be re-sent once by the JDK when a kept-alive
 * connection turns out to be closed (after a Consul restart); both are idempotent.
 *
 * <p>{@link #close()} fails the calls in flight (a blocking watch among them) and refuses new ones.
 */
final class ConsulHttp implements AutoCloseable {
    static final String TOKEN_HEADER = "X-Consul-Token";

    /** Reads an answer: its status, {@code X-Consul-Index} (0 if absent) and body (empty if none). */
    interface Reader<T> {
        T read(int status, long index, InputStream body) throws IOException;
    }

    private final String base;
    private final String token;
    private final SSLSocketFactory tls;
    private final int connectMs;
    private final int readMs;
    private final Set<HttpURLConnection> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * A client for {@code config}'s agent.
     *
     * @param ssl         the TLS context for an https address, else null
     * @param readTimeout socket read timeout: the request timeout for ordinary calls, more than the
     *                    longest blocking wait for the watch client
     */
    ConsulHttp(ConsulConfig config, SSLContext ssl, Duration readTimeout) {
        URI agent = config.address();
        this.base = agent.getScheme() + "://" + agent.getRawAuthority();
        this.token = config.token();
        this.tls = ssl == null ? null : ssl.getSocketFactory();
        this.connectMs = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        this.readMs = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    /** The agent's {@code scheme://host:port}, the start of every request URL. */
    String base() {
        return base;
    }

    /**
     * One request and its answer, read by {@code reader} while the connection is open.
     *
     * @param url  the whole URL ({@link #base()} + path + query)
     * @param body the request body, or null for none (a PUT should always send one, if empty)
     * @throws StoreUnavailableException when Consul could not be reached or did not answer in time
     * @throws KvStoreException          when the answer cannot be read, or the client is closed
     */
    <T> T exchange(String what, String method, String url, byte[] body, Reader<T> reader) throws KvStoreException {
        if (closed) {
            throw new KvStoreException(what + ": the Consul client is closed");
        }
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) new URL(url).openConnection(Proxy.NO_PROXY);
        } catch (IOException | IllegalArgumentException e) {
            throw new KvStoreException(what + ": cannot form the Consul URL " + url + ": " + e.getMessage(), e);
        }
        inFlight.add(c);
        try {
            if (tls != null && c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls);
            }
            c.setConnectTimeout(connectMs);
            c.setReadTimeout(readMs);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(method);
            c.setRequestProperty("Accept", "application/json");
            if (token != null) {
                c.setRequestProperty(TOKEN_HEADER, token);
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                c.setRequestProperty("Content-Type", "application/octet-stream");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            long index = consulIndex(c.getHeaderField("X-Consul-Index"));
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            try (InputStream answer = in == null ? InputStream.nullInputStream() : in) {
                T result = reader.read(status, index, answer);
                answer.transferTo(OutputStream.nullOutputStream()); // read to the end: the connection is reused
                return result;
            }
        } catch (KvStoreException e) {
            c.disconnect();
            throw e; // Consul's own answer, judged by the reader (a KvStoreException is an IOException)
        } catch (IOException e) {
            c.disconnect();
            if (closed) {
                throw new KvStoreException(what + ": the Consul client was closed during the call", e);
            }
            throw new StoreUnavailableException(what + ": Consul is unreachable (" + e + ")", e);
        } catch (RuntimeException e) {
            c.disconnect();
            throw new KvStoreException(what + ": unexpected failure talking to Consul (" + e + ")", e);
        } finally {
            inFlight.remove(c);
        }
    }

    /** {@code X-Consul-Index} as a number; 0 when absent or unreadable. */
    static long consulIndex(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Refuses new calls and breaks the connections of those in flight. */
    @Override
    public void close() {
        closed = true;
        for (HttpURLConnection c : inFlight) {
            c.disconnect();
        }
    }

    /** The SSLContext for an https address, or null for http. */
    static SSLContext sslContextFor(ConsulConfig config) throws IOException {
        if (!config.https()) {
            return null;
        }
        return PemTls.sslContext(config.caFile(), config.certFile(), config.keyFile());
    }
}
