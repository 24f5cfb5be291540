package io.javaoverlay.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where state lives: {@code consul://HOST:PORT[/PREFIX]} or {@code file:///DIR} (the embedded
 * single-host store). {@code consul://} without a host uses {@code CONSUL_HTTP_ADDR}, else
 * {@code 127.0.0.1:8500}.
 */
public sealed interface StoreLocation permits StoreLocation.Consul, StoreLocation.File {

    /** Default embedded store directory. */
    String DEFAULT = "file:///var/lib/javaoverlay";

    /** A Consul agent; {@code prefix} is the KV root ("" = javaoverlay's default layout root). */
    record Consul(String host, int port, String prefix) implements StoreLocation {
        public Consul {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(prefix, "prefix");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Consul port " + port + " out of range 1..65535");
            }
        }

        @Override
        public String toString() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return "consul://" + h + ":" + port + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }

    /** The embedded file-backed store (one host only). */
    record File(Path directory) implements StoreLocation {
        public File {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public String toString() {
            return "file://" + directory;
        }
    }

    /**
     * Parses a {@code --store} value.
     *
     * @param env for {@code CONSUL_HTTP_ADDR} when a consul URI has no host
     * @throws IllegalArgumentException with a message naming the bad value
     */
    static StoreLocation parse(String text, Map<String, String> env) {
        String s = text.trim();
        if (s.equalsIgnoreCase("consul://") || s.equalsIgnoreCase("consul:")) {
            s = "consul:///";       // java.net.URI rejects an empty authority without a path
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--store '" + s + "' is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("file")) {
            String path = uri.getPath();
            if (path == null || path.isEmpty() || !path.startsWith("/")) {
                throw new IllegalArgumentException("--store '" + s + "' needs an absolute path, e.g. file:///var/lib/javaoverlay");
            }
            return new File(Path.of(path));
        }
        if (!scheme.equals("consul")) {
            throw new IllegalArgumentException("--store '" + s + "' must start with consul:// or file://");
        }
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        if (uri.getHost() != null) {
            return new Consul(uri.getHost().replaceAll("^\\[|\\]$", ""), uri.getPort() < 0 ? 8500 : uri.getPort(), prefix);
        }
        if (uri.getRawAuthority() != null) {
            throw new IllegalArgumentException("--store '" + s + "' has an invalid host:port");
        }
        String addr = env.getOrDefault("CONSUL_HTTP_ADDR", "");
        Consul base = addr.isBlank() ? new Consul("127.0.0.1", 8500, "") : fromConsulHttpAddr(addr);
        return new Consul(base.host(), base.port(), prefix);
    }

    /** {@code CONSUL_HTTP_ADDR} is {@code host:port}, {@code http://host:port} or {@code https://host:port}. */
    static Consul fromConsulHttpAddr(String addr) {
        String a = addr.trim();
        // The scheme (http/https) is not part of the location: the kvstore reads it, with the TLS
        // settings, from CONSUL_HTTP_ADDR / CONSUL_HTTP_SSL / CONSUL_CACERT itself.
        a = a.replaceFirst("^https?://", "");
        URI uri;
        try {
            uri = new URI("consul://" + a);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("CONSUL_HTTP_ADDR '" + addr + "' is not HOST:PORT");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("CONSUL_HTTP_ADDR '" + addr + "' is not HOST:PORT");
        }
        return new Consul(uri.getHost().replaceAll("^\\[|\\]$", ""), uri.getPort() < 0 ? 8500 : uri.getPort(), "");
    }
}
