package io.javaoverlay.server;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for Consul: a CA bundle to trust, a client certificate and key (mutual TLS), and whether
 * a {@code consul://HOST:PORT} store is spoken to over https ({@link DaemonConfig#consulTls()}).
 */
public record ConsulTls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean https) {
    /** No TLS settings. */
    public static final ConsulTls NONE = new ConsulTls(Optional.empty(), Optional.empty(), Optional.empty(), false);

    public ConsulTls {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("--consul-client-cert and --consul-client-key must be given together");
        }
    }

    /** True when any TLS setting is given. */
    public boolean any() {
        return https || caFile.isPresent() || certFile.isPresent();
    }
}
