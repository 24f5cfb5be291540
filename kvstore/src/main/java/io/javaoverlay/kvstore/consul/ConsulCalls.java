package io.javaoverlay.kvstore.consul;

import com.ecwid.consul.Utils;
import com.ecwid.consul.UrlParameters;
import com.fasterxml.jackson.databind.JsonNode;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.StoreUnavailableException;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One call to the Consul agent through {@link ConsulHttp}, with Ecwid's {@link UrlParameters}
 * ({@code QueryParams}, {@code PutParams}) for the query string. Every answer comes back with its
 * status for the caller to judge ({@link ConsulErrors}); only a call that got no answer throws, as
 * {@link StoreUnavailableException}.
 *
 * <p>Not Ecwid's {@code ConsulClient}/{@code ConsulRawClient}: the raw client's class initialiser
 * builds a default Apache HttpClient of its own, with a TLS context over the JVM's trust store and
 * Apache's public-suffix list, that nothing uses and nothing frees. Measured in the daemon at 1000
 * endpoints, that alone was about 8 MB of RSS (classes, their code, and ~3 MB of live heap);
 * BENCHMARKS.md, "1000 endpoints with Consul as the store".
 */
final class ConsulCalls {
    /** Consul's answer: the HTTP status, the body (empty when there is none) and {@code X-Consul-Index} (0 if absent). */
    record Answer(int status, byte[] body, long index) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ConsulHttp http;

    ConsulCalls(ConsulHttp http) {
        this.http = http;
    }

    /** {@code GET path}; {@code what} names the operation for messages. */
    Answer get(String what, String path, UrlParameters... params) throws KvStoreException {
        return call(what, "GET", path, null, params);
    }

    /** {@code PUT path} with {@code body} (an empty body when null). */
    Answer put(String what, String path, byte[] body, UrlParameters... params) throws KvStoreException {
        return call(what, "PUT", path, body == null ? new byte[0] : body, params);
    }

    /** {@code PUT path} with {@code body} as JSON. */
    Answer putJson(String what, String path, JsonNode body, UrlParameters... params) throws KvStoreException {
        byte[] bytes;
        try {
            bytes = ConsulTxn.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new KvStoreException(what + ": cannot encode the request: " + e, e);
        }
        return put(what, path, bytes, params);
    }

    /** {@code DELETE path}. */
    Answer delete(String what, String path, UrlParameters... params) throws KvStoreException {
        return call(what, "DELETE", path, null, params);
    }

    /**
     * Keys and the root use only [A-Za-z0-9._/:-] (KvKeys, ConsulConfig); other path segments are
     * escaped by the caller ({@link #segment}). Null parameters are skipped.
     */
    private Answer call(String what, String method, String path, byte[] body, UrlParameters... params)
            throws KvStoreException {
        String url = Utils.generateUrl(http.base() + path, params);
        return http.exchange(what, method, url, body, (status, index, in) -> new Answer(status, in.readAllBytes(), index));
    }

    /** One URL path segment (a session, service or check ID, a service name), escaped. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
