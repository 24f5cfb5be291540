package io.javaoverlay.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.PermissionDeniedException;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.Requirements;
import io.javaoverlay.netlink.testing.TestNetns;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The daemon needs only CAP_NET_ADMIN in its own namespace: a Docker managed plugin gets exactly
 * that (plus Docker's defaults, which lack CAP_SYS_ADMIN). Capabilities are per thread, and threads
 * inherit them from the thread that starts them, so the test drops CAP_SYS_ADMIN from one test
 * thread's effective set with capset(2) and works from there: opening a handle in the thread's own
 * namespace must not need setns(2), while entering another namespace still must (which shows the
 * capability really is gone).
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class WithoutSysAdminIT {

    /** capget(2)/capset(2) with the v3 header (two 32-bit words per set). */
    public interface Caps {
        int capget(Pointer header, Pointer data);

        int capset(Pointer header, Pointer data);
    }

    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int CAP_SYS_ADMIN = 21;

    /** Clears CAP_SYS_ADMIN from the calling thread's effective set. */
    private static void dropSysAdminFromThisThread() {
        Caps caps = LibraryLoader.create(Caps.class).load("c");
        Runtime rt = Runtime.getRuntime(caps);
        Pointer header = jnr.ffi.Memory.allocateDirect(rt, 8);
        header.putInt(0, LINUX_CAPABILITY_VERSION_3);
        header.putInt(4, 0); // this thread
        Pointer data = jnr.ffi.Memory.allocateDirect(rt, 24); // {effective, permitted, inheritable} x 2
        assertEquals(0, caps.capget(header, data), "capget");
        data.putInt(0, data.getInt(0) & ~(1 << CAP_SYS_ADMIN));
        assertEquals(0, caps.capset(header, data), "capset");
    }

    private static boolean effectiveHasSysAdmin() throws Exception {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & (1L << CAP_SYS_ADMIN)) != 0;
            }
        }
        throw new IllegalStateException("no CapEff in /proc/thread-self/status");
    }

    @Test
    void aHandleInTheOwnNamespaceNeedsNoSysAdmin(TestNetns t) throws Exception {
        Requirements.assumeOrFail(Requirements.isRoot(), "root (CAP_NET_ADMIN)");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // The test thread enters the fresh namespace first (as root), then gives up CAP_SYS_ADMIN:
        // that namespace is "its own" from then on, like the host namespace is the plugin's.
        Thread worker = new Thread(() -> {
            // The namespace the thread starts in, opened while it may still do so.
            try (NetNs fresh = Netlink.openNamedNs(t.name());
                 NetNs other = Netlink.openNsPath(java.nio.file.Path.of("/proc/thread-self/ns/net"))) {
                io.javaoverlay.netlink.internal.sys.Native.setnsNet(fresh.fd(), fresh.name());
                dropSysAdminFromThisThread();
                assertFalse(effectiveHasSysAdmin(), "CAP_SYS_ADMIN dropped");
                try (NetlinkHandle h = Netlink.open()) {
                    assertEquals(fresh.inode(), h.namespace().inode());
                    h.linkAdd(new Bridge(LinkAttrs.named("jo-nosa0")));
                    assertInstanceOf(Bridge.class, h.linkByName("jo-nosa0"));
                    try (io.javaoverlay.netlink.LinkSubscription sub = h.subscribeLinks(e -> { })) {
                        // a link subscription opens a further socket in the handle's namespace
                    }
                }
                assertThrows(PermissionDeniedException.class, () -> Netlink.openIn(other),
                        "entering another namespace still needs CAP_SYS_ADMIN");
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "jo-no-sys-admin");
        worker.start();
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError("without CAP_SYS_ADMIN: " + failure.get(), failure.get());
        }
        IpRoute2.check("ip", "-n", t.name(), "link", "show", "jo-nosa0");
    }
}
