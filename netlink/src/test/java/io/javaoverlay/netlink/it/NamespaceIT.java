package io.javaoverlay.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.internal.FdNetNs;
import io.javaoverlay.netlink.internal.Namespaces;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Named namespaces like {@code ip netns}, namespace-bound handles, and link events. */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class NamespaceIT {

    private static long threadNs() throws Exception {
        return ((Number) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino")).longValue();
    }

    private static long statInode(String path) {
        return Long.parseLong(IpRoute2.check("stat", "-L", "-c", "%i", path).trim());
    }

    @Test
    void createdNamespaceIsWhatIpNetnsSees(TestNetns t) throws Exception {
        long before = threadNs();
        String name = TestNetns.randomName("jo-it-ns-");
        try (NetNs ns = Netlink.createNamedNs(name)) {
            assertEquals(before, threadNs(), "the calling thread never changes namespace");
            assertTrue(IpRoute2.check("ip", "netns", "list").contains(name));
            assertEquals(statInode("/run/netns/" + name), ns.inode());
            assertNotEquals(before, ns.inode());
            assertEquals(name, ns.name());
            assertThrows(AlreadyExistsException.class, () -> Netlink.createNamedNs(name));
            // ip netns exec sees a fresh namespace: only lo
            assertEquals("1", IpRoute2.check("sh", "-c", "ip -n " + name + " -o link show | wc -l").trim());
        } finally {
            Netlink.deleteNamedNs(name);
        }
        assertFalse(Files.exists(Path.of("/run/netns/" + name)));
        assertFalse(IpRoute2.check("ip", "netns", "list").contains(name));
        Netlink.deleteNamedNs(name); // absent is fine
        assertThrows(NotFoundException.class, () -> Netlink.openNamedNs(name));
    }

    @Test
    void namespaceMadeByIpIsUsableAndHandleStaysBound(TestNetns t) throws Exception {
        String name = TestNetns.randomName("jo-it-ip-");
        IpRoute2.check("ip", "netns", "add", name);
        try {
            long before = threadNs();
            try (NetNs ns = Netlink.openNamedNs(name); NetlinkHandle h = Netlink.openIn(ns)) {
                assertEquals(before, threadNs());
                assertEquals(statInode("/run/netns/" + name), ns.inode());
                assertEquals(ns.inode(), h.namespace().inode());
                IpRoute2.check("ip", "-n", name, "link", "add", "jo-br9", "type", "bridge");
                assertInstanceOf(Bridge.class, h.linkByName("jo-br9"));
                // the handle's socket keeps working from another thread, in its namespace
                Thread other = new Thread(() -> {
                    try {
                        h.linkAdd(new Bridge(LinkAttrs.named("jo-br8")));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                other.start();
                other.join();
                assertEquals("bridge", IpRoute2.link(name, "jo-br8").get("kind"));
                assertTrue(t.handle().findLinkByName("jo-br8").isEmpty());
            }
            assertEquals(before, threadNs());
        } finally {
            IpRoute2.run("ip", "netns", "del", name);
        }
    }

    @Test
    void dedicatedThreadRunsInsideTheNamespaceAndCallerNeverMoves(TestNetns t) throws Exception {
        long before = threadNs();
        String caller = Thread.currentThread().getName();
        long[] seen = new long[1];
        String[] worker = new String[1];
        Namespaces.onDedicatedThread(t.ns(), t.name(), () -> {
            seen[0] = FdNetNs.currentThreadInode();
            worker[0] = Thread.currentThread().getName();
            return null;
        });
        assertEquals(t.ns().inode(), seen[0]);
        assertNotEquals(caller, worker[0]);
        assertEquals(before, threadNs());
        // a failure inside is reported to the caller, typed, and still leaves the caller alone
        assertThrows(NotFoundException.class, () -> Namespaces.onDedicatedThread(t.ns(), t.name(),
                () -> t.handle().linkByName("jo-absent")));
        assertEquals(before, threadNs());
    }

    @Test
    void openByPidAndPath(TestNetns t) throws Exception {
        try (NetNs self = Netlink.openNsOfPid((int) ProcessHandle.current().pid());
             NetNs byPath = Netlink.openNsPath(Path.of("/run/netns/" + t.name()))) {
            assertEquals(statInode("/proc/self/ns/net"), self.inode());
            assertEquals(t.ns().inode(), byPath.inode());
            assertTrue(self.name().startsWith("pid:"));
        }
        assertThrows(NotFoundException.class, () -> Netlink.openNsPath(Path.of("/run/netns/jo-it-absent-x")));
    }

    @Test
    void availabilityProbe() {
        assertTrue(Netlink.isAvailable());
        assertTrue(Netlink.unavailabilityCause().isEmpty());
        Netlink.ensureAvailable();
        assertFalse(Requirements.isCi() && !Requirements.isRoot());
    }

    @Test
    void linkEventsArriveOnTheirOwnThread(TestNetns t) throws Exception {
        LinkedBlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        long before = threadNs();
        LinkSubscription sub = t.handle().subscribeLinks(events::add);
        try {
            assertEquals(before, threadNs());
            t.ip("link", "add", "jo-ev0", "type", "bridge");
            LinkEvent.Changed added = awaitEvent(events, LinkEvent.Changed.class, "jo-ev0");
            assertInstanceOf(Bridge.class, added.link());
            t.ip("link", "del", "jo-ev0");
            awaitEvent(events, LinkEvent.Deleted.class, "jo-ev0");
        } finally {
            sub.close();
        }
    }

    @Test
    void linkEventsOfAPlainHandleComeFromTheNamespaceItWasOpenedIn(TestNetns t) throws Exception {
        // Netlink.open() binds to the opening thread's namespace; its subscriptions must too,
        // even when subscribeLinks is called later from a thread in another namespace.
        NetlinkHandle h = Namespaces.onDedicatedThread(t.ns(), t.name(), Netlink::open);
        LinkedBlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        try (h; LinkSubscription sub = h.subscribeLinks(events::add)) {
            assertEquals(t.ns().inode(), h.namespace().inode());
            t.ip("link", "add", "jo-ev1", "type", "bridge");
            awaitEvent(events, LinkEvent.Changed.class, "jo-ev1");
        }
    }

    private static <T extends LinkEvent> T awaitEvent(LinkedBlockingQueue<LinkEvent> q, Class<T> type, String name)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            LinkEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e)) {
                T typed = type.cast(e);
                String n = typed instanceof LinkEvent.Changed c ? c.link().name()
                        : ((LinkEvent.Deleted) typed).link().name();
                if (n.equals(name)) {
                    return typed;
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " event for " + name);
    }

    @Test
    void bigDumpSpansManyDatagrams(TestNetns t) throws Exception {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            batch.append("link add jo-d").append(i).append(" type bridge\n");
        }
        Path file = Files.createTempFile("jo-batch", ".txt");
        try {
            Files.writeString(file, batch);
            IpRoute2.check("ip", "-n", t.name(), "-batch", file.toString());
        } finally {
            Files.delete(file);
        }
        // ~300 links of ~1.5 KiB each: the kernel needs a dozen or more datagrams for this dump.
        int ip = IpRoute2.json("ip", "-n", t.name(), "-j", "link", "show").size();
        assertEquals(301, ip);
        assertEquals(ip, t.handle().linkList().size());
    }
}
