package io.javaoverlay.server.uds;

import java.io.IOException;
import java.nio.file.Path;

/** Another live process already serves the socket path (a second instance must not steal it). */
public final class SocketInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /** @param path the socket path another process serves */
    public SocketInUseException(Path path) {
        super("socket " + path + " is already served by another live process (is javaoverlay already running?)");
        this.path = path;
    }

    /** The contested socket path. */
    public Path path() {
        return path;
    }
}
