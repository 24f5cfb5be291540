package io.javaoverlay.kvstore.consul;

import org.apache.http.HttpRequestInterceptor;
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

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;

/**
 * Builds the Apache HttpClient handed to Ecwid's {@code ConsulRawClient}: our own pool and
 * timeouts (Ecwid's default transport waits up to 10 min), PEM TLS, and the ACL token as the
 * {@code X-Consul-Token} default header so it never appears in a URL or an access log.
 */
final class ConsulHttp {
    static final String TOKEN_HEADER = "X-Consul-Token";

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
        String token = config.token();
        // Not setDefaultHeaders: Ecwid's Request-based calls (PUT /v1/kv, raw requests) always
        // add an X-Consul-Token header, empty when no token argument is passed, and a default
        // header never replaces one the request already has. So the last interceptor
        // overwrites whatever Ecwid set with our token (or removes it when we have none).
        HttpRequestInterceptor setToken = (request, context) -> {
            request.removeHeaders(TOKEN_HEADER);
            if (token != null) {
                request.addHeader(TOKEN_HEADER, token);
            }
        };
        return HttpClientBuilder.create()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(requests)
                .addInterceptorLast(setToken)
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
