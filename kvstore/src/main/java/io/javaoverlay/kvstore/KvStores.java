package io.javaoverlay.kvstore;

import io.javaoverlay.kvstore.consul.ConsulConfig;
import io.javaoverlay.kvstore.consul.ConsulKvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens a store from a one-line spec, as given on the command line:
 * <ul>
 *   <li>{@code consul://HOST:PORT[/PREFIX]}: Consul at that agent (https if the base config is
 *       https or carries TLS files), keys under PREFIX (default {@code javaoverlay/v1/});</li>
 *   <li>{@code consul:} or {@code consul://}: Consul configured entirely by the base config
 *       (by default from CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, ...);</li>
 *   <li>{@code file:///path/to/dir}: the embedded local store in that directory.</li>
 * </ul>
 * The ACL token never goes in the spec; it comes from the base config (flag or CONSUL_HTTP_TOKEN).
 */
public final class KvStores {
    private KvStores() {
    }

    /** Opens {@code spec} with Consul settings from the environment ({@link ConsulConfig#fromEnv()}). */
    public static KvStore open(String spec) throws KvStoreException {
        return open(spec, ConsulConfig.fromEnv());
    }

    /** Opens {@code spec}; {@code consulBase} supplies token, TLS, datacenter and timeouts for Consul. */
    public static KvStore open(String spec, ConsulConfig consulBase) throws KvStoreException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(consulBase, "consulBase");
        String trimmed = spec.trim();
        if (trimmed.equals("consul:") || trimmed.equals("consul://")) {
            // Not valid URIs (no scheme-specific part / empty authority), but they read naturally.
            return ConsulKvStore.open(consulBase);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("store spec '" + spec + "' is not a URI: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (scheme.equals("file")) {
            if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
                throw new IllegalArgumentException("store spec '" + spec + "' must name a directory, e.g. file:///var/lib/javaoverlay");
            }
            return LocalKvStore.open(Path.of(uri.getPath()));
        }
        if (scheme.equals("consul")) {
            return ConsulKvStore.open(consulConfigFor(uri, consulBase));
        }
        throw new IllegalArgumentException("store spec '" + spec
                + "' is not supported; use consul://HOST:PORT[/PREFIX] or file:///DIR");
    }

    /** The Consul configuration a {@code consul:} spec denotes on top of {@code base}. */
    public static ConsulConfig consulConfigFor(URI uri, ConsulConfig base) {
        ConsulConfig c = base;
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("store spec '" + uri + "' has no valid host:port");
            }
            boolean https = base.https() || base.caFile() != null || base.certFile() != null;
            c = c.withAddress(ConsulConfig.parseAddress(uri.getRawAuthority(), https));
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            c = c.withPrefix(path.substring(1));
        }
        return c;
    }
}
