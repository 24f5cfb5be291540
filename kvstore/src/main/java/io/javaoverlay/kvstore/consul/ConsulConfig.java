package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvKeys;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach Consul: agent address, ACL token, optional TLS material (PEM files), datacenter,
 * key prefix and timeouts. Immutable; use the {@code with*} methods to derive variants.
 *
 * @param address        agent HTTP(S) address, e.g. {@code http://127.0.0.1:8500}
 * @param token          ACL token sent as the {@code X-Consul-Token} header (never in the URL), or null
 * @param caFile         PEM CA bundle to trust for https, or null for the JVM's default trust store
 * @param certFile       PEM client certificate (mutual TLS), or null; requires {@code keyFile}
 * @param keyFile        PEM private key of {@code certFile} (PKCS#8, PKCS#1 RSA or SEC1 EC), or null
 * @param datacenter     datacenter to address ({@code ?dc=}), or null for the agent's own
 * @param prefix         key prefix all keys live under; empty or ending in {@code /}
 * @param connectTimeout bound on establishing a TCP/TLS connection
 * @param requestTimeout bound on waiting for an answer to an ordinary (non-blocking) request
 * @param maxWatchWait   longest wait of one blocking query; longer watches are cut to this
 */
public record ConsulConfig(URI address, String token, Path caFile, Path certFile, Path keyFile,
                           String datacenter, String prefix, Duration connectTimeout,
                           Duration requestTimeout, Duration maxWatchWait) {

    /** The key prefix used unless configured otherwise. */
    public static final String DEFAULT_PREFIX = "javaoverlay/v1/";
    /** The agent address used unless configured otherwise. */
    public static final URI DEFAULT_ADDRESS = URI.create("http://127.0.0.1:8500");

    public ConsulConfig {
        Objects.requireNonNull(address, "address");
        String scheme = address.getScheme() == null ? "" : address.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("Consul address '" + address + "' must start with http:// or https://");
        }
        if (address.getHost() == null) {
            throw new IllegalArgumentException("Consul address '" + address + "' has no host");
        }
        if (address.getPort() == -1) {
            address = URI.create(scheme + "://" + hostForUri(address.getHost()) + ":" + (scheme.equals("https") ? 8501 : 8500));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("Consul TLS: client certificate and key must be given together (cert "
                    + certFile + ", key " + keyFile + ")");
        }
        if (datacenter != null && datacenter.isBlank()) {
            datacenter = null;
        }
        prefix = normalizePrefix(prefix == null ? DEFAULT_PREFIX : prefix);
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(maxWatchWait, "maxWatchWait");
    }

    /** Local agent on 127.0.0.1:8500, no token, no TLS, prefix {@value #DEFAULT_PREFIX}, 2 s / 10 s / 5 min. */
    public static ConsulConfig defaults() {
        return new ConsulConfig(DEFAULT_ADDRESS, null, null, null, null, null, DEFAULT_PREFIX,
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /** {@link #defaults()} overridden by the process environment; see {@link #fromEnv(Map)}. */
    public static ConsulConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * {@link #defaults()} overridden by Consul's standard variables: {@code CONSUL_HTTP_ADDR}
     * ({@code host:port}, {@code http://...} or {@code https://...}), {@code CONSUL_HTTP_TOKEN},
     * {@code CONSUL_HTTP_SSL=true} (https when the address has no scheme), {@code CONSUL_CACERT},
     * {@code CONSUL_CLIENT_CERT} and {@code CONSUL_CLIENT_KEY}.
     */
    public static ConsulConfig fromEnv(Map<String, String> env) {
        ConsulConfig c = defaults();
        boolean ssl = "true".equalsIgnoreCase(env.getOrDefault("CONSUL_HTTP_SSL", ""));
        String addr = env.get("CONSUL_HTTP_ADDR");
        if (addr != null && !addr.isBlank()) {
            c = c.withAddress(parseAddress(addr, ssl));
        } else if (ssl) {
            c = c.withAddress(URI.create("https://127.0.0.1:8501"));
        }
        c = c.withToken(env.get("CONSUL_HTTP_TOKEN"));
        Path ca = pathOrNull(env.get("CONSUL_CACERT"));
        Path cert = pathOrNull(env.get("CONSUL_CLIENT_CERT"));
        Path key = pathOrNull(env.get("CONSUL_CLIENT_KEY"));
        if (ca != null || cert != null || key != null) {
            c = c.withTls(ca, cert, key);
        }
        return c;
    }

    /**
     * Parses an agent address as Consul's CLI does: {@code host:port} (http, or https when
     * {@code defaultHttps}), or a full {@code http://} / {@code https://} URL.
     */
    public static URI parseAddress(String addr, boolean defaultHttps) {
        String a = addr.trim();
        if (a.startsWith("unix://")) {
            throw new IllegalArgumentException("Consul address '" + addr + "': unix sockets are not supported");
        }
        if (!a.contains("://")) {
            a = (defaultHttps ? "https://" : "http://") + a;
        }
        try {
            URI u = URI.create(a);
            return URI.create(u.getScheme() + "://" + u.getRawAuthority());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Consul address '" + addr + "' is not a valid host:port or URL", e);
        }
    }

    /** This config with another agent address ({@code http://} or {@code https://}). */
    public ConsulConfig withAddress(URI newAddress) {
        return new ConsulConfig(newAddress, token, caFile, certFile, keyFile, datacenter, prefix,
                connectTimeout, requestTimeout, maxWatchWait);
    }

    /** This config with another ACL token (null or blank for none). */
    public ConsulConfig withToken(String newToken) {
        return new ConsulConfig(address, newToken, caFile, certFile, keyFile, datacenter, prefix,
                connectTimeout, requestTimeout, maxWatchWait);
    }

    /** This config with PEM TLS files: CA (null = JVM default), client cert and key (both or neither). */
    public ConsulConfig withTls(Path ca, Path cert, Path key) {
        return new ConsulConfig(address, token, ca, cert, key, datacenter, prefix,
                connectTimeout, requestTimeout, maxWatchWait);
    }

    /** This config addressing datacenter {@code dc} (null for the agent's own). */
    public ConsulConfig withDatacenter(String dc) {
        return new ConsulConfig(address, token, caFile, certFile, keyFile, dc, prefix,
                connectTimeout, requestTimeout, maxWatchWait);
    }

    /** This config with another key prefix (normalised to end in {@code /}). */
    public ConsulConfig withPrefix(String newPrefix) {
        return new ConsulConfig(address, token, caFile, certFile, keyFile, datacenter, newPrefix,
                connectTimeout, requestTimeout, maxWatchWait);
    }

    /** This config with other connect and request timeouts. */
    public ConsulConfig withTimeouts(Duration connect, Duration request) {
        return new ConsulConfig(address, token, caFile, certFile, keyFile, datacenter, prefix,
                connect, request, maxWatchWait);
    }

    /** This config with another cap on one blocking query's wait (keep it at most 5 min). */
    public ConsulConfig withMaxWatchWait(Duration wait) {
        return new ConsulConfig(address, token, caFile, certFile, keyFile, datacenter, prefix,
                connectTimeout, requestTimeout, wait);
    }

    /** True when the address is https. */
    public boolean https() {
        return address.getScheme().equalsIgnoreCase("https");
    }

    /** Short form for logs; never shows the token. */
    public String describe() {
        return (https() ? "consul+https://" : "consul://") + address.getRawAuthority() + "/" + prefix
                + (datacenter == null ? "" : "?dc=" + datacenter);
    }

    @Override
    public String toString() {
        return "ConsulConfig[" + describe() + ", token " + (token == null ? "none" : "set (redacted)")
                + ", ca " + caFile + ", cert " + certFile + ", key " + keyFile + ", connect " + connectTimeout
                + ", request " + requestTimeout + ", maxWatchWait " + maxWatchWait + "]";
    }

    private static String normalizePrefix(String p) {
        String s = p.startsWith("/") ? p.substring(1) : p;
        if (!s.isEmpty() && !s.endsWith("/")) {
            s = s + "/";
        }
        return KvKeys.requireValidPrefix(s);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("Consul " + what + " must be positive, got " + d);
        }
    }

    private static Path pathOrNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
