package io.javaoverlay.server;

import io.javaoverlay.types.IpAddress;


/** The seam between the daemon and the concrete kvstore/ipam/vxlan implementations. */
@FunctionalInterface
public interface BackendFactory {

    /**
     * Connects to the store and builds the services. Called repeatedly (with back-off) until it
     * succeeds, unless it throws {@link NotWiredException}.
     *
     * @param vtep this host's resolved advertise address
     * @throws Exception on any failure; the message becomes the daemon's status line
     */
    Backend open(DaemonConfig config, IpAddress vtep) throws Exception;

    /** A permanent failure: retrying cannot help (for example, no implementation is wired in). */
    final class NotWiredException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message why no implementation is available */
        public NotWiredException(String message) {
            super(message);
        }
    }
}
