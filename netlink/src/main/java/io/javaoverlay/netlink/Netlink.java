package io.javaoverlay.netlink;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Entry point of the netlink module: opens handles and namespaces, and probes availability.
 * Everything here is static because it only creates objects; there is no global handle.
 */
public final class Netlink {
    private Netlink() {}

    /** True when rtnetlink sockets can be opened and libc loads (root is not required for reads). */
    public static boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /** Throws the reason netlink cannot be used, if any. */
    public static void ensureAvailable() {
        unavailabilityCause().ifPresent(t -> {
            throw new IllegalStateException("netlink unavailable: " + t.getMessage(), t);
        });
    }

    /** The reason netlink cannot be used, or empty. Computed once. */
    public static Optional<Throwable> unavailabilityCause() {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /** Opens a handle in the namespace of the calling process (the host namespace for the daemon). */
    public static NetlinkHandle open() throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /**
     * Opens a handle bound to {@code ns}: on a dedicated platform thread it enters {@code ns},
     * opens the socket and returns to its original namespace. The socket stays in {@code ns}.
     */
    public static NetlinkHandle openIn(NetNs ns) throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /** Creates a named namespace like {@code ip netns add NAME} and returns it open. */
    public static NetNs createNamedNs(String name) throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /** Opens {@code /run/netns/NAME}. @throws NotFoundException if it does not exist */
    public static NetNs openNamedNs(String name) throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /** Deletes a named namespace like {@code ip netns del NAME}; absent is fine. */
    public static void deleteNamedNs(String name) throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /** Opens a namespace file such as {@code /proc/PID/ns/net} or a Docker sandbox key. */
    public static NetNs openNsPath(Path path) throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }

    /** Opens the namespace of process {@code pid}. */
    public static NetNs openNsOfPid(int pid) throws NetlinkException {
        throw new UnsupportedOperationException("TODO netlink helper");
    }
}
