package io.javaoverlay.kvstore.consul;

import org.apache.http.Header;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.Registry;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.message.BasicHeader;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Apache HttpClient handed to Ecwid's {@code ConsulRawClient}: our own pool and
 * timeouts (Ecwid's default transport waits up to 10 min), PEM TLS, and the ACL token as the
 * {@code X-Consul-Token} default header so it never appears in a URL or an access log.
 */
final class ConsulHttp {
    private ConsulHttp() {
    }

    /**
     * A client for {@code config}.
     *
     * @param readTimeout socket read timeout: the request timeout for ordinary calls, more than
     *                    the longest blocking wait for the watch client
     * @param maxConnections pool size (the watch client holds one connection per waiting watch)
     */
    static CloseableHttpClient build(ConsulConfig config, SSLContext ssl, Duration readTimeout, int maxConnections) {
        RegistryBuilder<ConnectionSocketFactory> sockets = RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory());
        if (ssl != null) {
            sockets.register("https", new SSLConnectionSocketFactory(ssl,
                    SSLConnectionSocketFactory.getDefaultHostnameVerifier()));
        }
        Registry<ConnectionSocketFactory> registry = sockets.build();
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(registry);
        pool.setMaxTotal(maxConnections);
        pool.setDefaultMaxPerRoute(maxConnections);
        // A pooled connection idle this long is checked before reuse: after a Consul restart the
        // old keep-alive sockets are dead, and we do not retry automatically (a retried CAS PUT
        // could report a conflict for a write that in fact succeeded).
        pool.setValidateAfterInactivity(500);
        int readMs = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
        pool.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(readMs).setTcpNoDelay(true).build());
        RequestConfig requests = RequestConfig.custom()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setConnectionRequestTimeout((int) config.requestTimeout().toMillis())
                .setSocketTimeout(readMs)
                .build();
        List<Header> headers = new ArrayList<>();
        if (config.token() != null) {
            headers.add(new BasicHeader("X-Consul-Token", config.token()));
        }
        return HttpClientBuilder.create()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(requests)
                .setDefaultHeaders(headers)
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableRedirectHandling()
                .build();
    }

    /** The SSLContext for an https address, or null for http. */
    static SSLContext sslContextFor(ConsulConfig config) throws IOException {
        if (!config.https()) {
            return null;
        }
        return PemTls.sslContext(config.caFile(), config.certFile(), config.keyFile());
    }
}
