package io.javaoverlay.netlink;

import io.javaoverlay.netlink.internal.FdNetNs;
import io.javaoverlay.netlink.internal.GenlClient;
import io.javaoverlay.netlink.internal.Namespaces;
import io.javaoverlay.netlink.internal.RtnlHandle;
import io.javaoverlay.netlink.internal.sys.Native;
import io.javaoverlay.netlink.internal.sys.SysTransport;
import io.javaoverlay.netlink.internal.wire.Genl;
import io.javaoverlay.netlink.internal.wire.NetlinkSocket;
import java.nio.file.Path;
import java.util.Objects;
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
        return Probe.CAUSE;
    }

    private static final class Probe {
        static final Optional<Throwable> CAUSE = Native.probe();
    }

    /** Request sockets give up on a kernel that does not answer within this time (EAGAIN). */
    private static final int REQUEST_TIMEOUT_MILLIS = 30_000;

    /**
     * Opens a handle in the namespace of the calling thread (the host namespace for the daemon).
     * The handle stays bound to that namespace, link subscriptions included, whichever thread
     * uses it later.
     */
    public static NetlinkHandle open() throws NetlinkException {
        // Through openIn, not a socket opened right here: the handle's further sockets (link
        // subscriptions) must be opened in this namespace too, not in whatever namespace the
        // thread calling subscribeLinks happens to be in.
        try (FdNetNs self = FdNetNs.open("self", "/proc/thread-self/ns/net")) {
            return openIn(self);
        }
    }

    /**
     * Opens a handle bound to {@code ns}: on a dedicated platform thread it enters {@code ns},
     * opens the socket and returns to its original namespace. The socket stays in {@code ns}.
     * The handle keeps its own reference to the namespace, so {@code ns} may be closed afterwards.
     * Equivalent to running {@code ip -n NS ...} commands.
     */
    public static NetlinkHandle openIn(NetNs ns) throws NetlinkException {
        Objects.requireNonNull(ns, "ns");
        // Both the socket and our own reference to the namespace are opened while inside it.
        Opened opened = Namespaces.onDedicatedThread(ns, ns.name(), () -> {
            NetNs own = FdNetNs.open(ns.name(), "/proc/thread-self/ns/net");
            try {
                return new Opened(own, SysTransport.open(0, REQUEST_TIMEOUT_MILLIS));
            } catch (NetlinkException | RuntimeException e) {
                own.close();
                throw e;
            }
        });
        NetNs own = opened.ns();
        RtnlHandle.TransportFactory inNs = (groups, timeout) ->
                Namespaces.onDedicatedThread(own, own.name(), () -> SysTransport.open(groups, timeout));
        return new RtnlHandle(new NetlinkSocket(opened.transport()), own, inNs);
    }

    private record Opened(NetNs ns, SysTransport transport) {}

    /**
     * Opens a generic netlink handle (family look-up, ethtool features) in the namespace of the
     * calling thread. Equivalent to running {@code ethtool} / {@code genl} there.
     */
    public static GenlHandle openGenl() throws NetlinkException {
        try (FdNetNs self = FdNetNs.open("self", "/proc/thread-self/ns/net")) {
            return openGenlIn(self);
        }
    }

    /**
     * Opens a generic netlink handle bound to {@code ns}, the way {@link #openIn} does for rtnetlink.
     * Equivalent to {@code ip netns exec NS ethtool ...}.
     */
    public static GenlHandle openGenlIn(NetNs ns) throws NetlinkException {
        Objects.requireNonNull(ns, "ns");
        Opened opened = Namespaces.onDedicatedThread(ns, ns.name(), () -> {
            NetNs own = FdNetNs.open(ns.name(), "/proc/thread-self/ns/net");
            try {
                return new Opened(own, SysTransport.open(Genl.NETLINK_GENERIC, 0, REQUEST_TIMEOUT_MILLIS));
            } catch (NetlinkException | RuntimeException e) {
                own.close();
                throw e;
            }
        });
        return new GenlClient(new NetlinkSocket(opened.transport()), opened.ns());
    }

    /**
     * Creates a named namespace like {@code ip netns add NAME} and returns it open.
     *
     * @throws AlreadyExistsException if {@code /run/netns/NAME} exists
     */
    public static NetNs createNamedNs(String name) throws NetlinkException {
        return Namespaces.create(name);
    }

    /** Opens {@code /run/netns/NAME}. @throws NotFoundException if it does not exist */
    public static NetNs openNamedNs(String name) throws NetlinkException {
        return FdNetNs.open(name, Namespaces.pathOf(name));
    }

    /** Deletes a named namespace like {@code ip netns del NAME}; absent is fine. */
    public static void deleteNamedNs(String name) throws NetlinkException {
        Namespaces.delete(name);
    }

    /** Opens a namespace file such as {@code /proc/PID/ns/net} or a Docker sandbox key. */
    public static NetNs openNsPath(Path path) throws NetlinkException {
        return FdNetNs.open(path.toString(), path.toString());
    }

    /** Opens the namespace of process {@code pid}. */
    public static NetNs openNsOfPid(int pid) throws NetlinkException {
        if (pid <= 0) {
            throw new IllegalArgumentException("invalid pid " + pid);
        }
        return FdNetNs.open("pid:" + pid, "/proc/" + pid + "/ns/net");
    }
}
