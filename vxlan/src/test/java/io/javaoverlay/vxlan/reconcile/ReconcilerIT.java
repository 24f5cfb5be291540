package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.Underlay;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.vxlan.testing.LogRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javaoverlay.vxlan.testing.ItSupport.await;
import static io.javaoverlay.vxlan.testing.ItSupport.bridgeEntries;
import static io.javaoverlay.vxlan.testing.ItSupport.deleteNs;
import static io.javaoverlay.vxlan.testing.ItSupport.fdbSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.linkExists;
import static io.javaoverlay.vxlan.testing.ItSupport.linkSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.neighSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.newNs;
import static io.javaoverlay.vxlan.testing.ItSupport.openHandle;
import static io.javaoverlay.vxlan.testing.ItSupport.portLearning;
import static io.javaoverlay.vxlan.testing.ItSupport.requirePrivileged;
import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciler against the real kernel, in throw-away namespaces: a local endpoint joined (so the
 * network has a port here), a remote endpoint seeded into the store; passes cross-checked with
 * iproute2; the kernel broken and repaired; the store losing the network (freeze) and getting it
 * back; the last port taking the devices; start-up GC on the kernel's evidence; the MTU refusal.
 */
@Tag("privileged")
class ReconcilerIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String REMOTE_MAC = "02:42:c6:13:00:06";

    final List<String> namespaces = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();
    String ns;
    NetlinkHandle handle;
    InMemoryKvStore kv;
    VxlanNetworkService service;

    /** A namespace with an underlay veth u0 of {@code mtu} at {@code addr}/24. */
    String host(String tag, int mtu, String addr) {
        String n = newNs(tag);
        namespaces.add(n);
        sh("ip", "-n", n, "link", "add", "u0", "mtu", "" + mtu, "type", "veth", "peer", "name", "u1", "mtu", "" + mtu);
        sh("ip", "-n", n, "link", "set", "u1", "up");
        sh("ip", "-n", n, "addr", "add", addr + "/24", "dev", "u0");
        sh("ip", "-n", n, "link", "set", "u0", "up");
        return n;
    }

    VxlanNetworkService service(String n, String hostId, String addr) throws Exception {
        NetlinkHandle h = openHandle(n);
        closeables.add(h);
        VxlanNetworkService s = new VxlanNetworkService(h, kv, VxlanConfig.builder(hostId,
                Underlay.resolve(h, Optional.of(addr))).resyncInterval(Duration.ofMinutes(10))
                .watchWait(Duration.ofMillis(500)).build());
        closeables.add(0, s);
        return s;
    }

    @BeforeEach
    void setUp() throws Exception {
        requirePrivileged(false);
        ns = host("rec", 1400, "198.18.1.1");
        kv = new InMemoryKvStore();
        service = service(ns, "host-a", "198.18.1.1");
        handle = openHandle(ns);
        closeables.add(handle);
        assertEquals(1400, Underlay.resolve(handle, Optional.of("198.18.1.1")).mtu());
        service.createNetwork(new NetworkSpec("n1", List.of(NetworkRecord.Pool.of("JavaOverlayGlobal",
                IpPrefix.parse("198.19.0.0/24"), Optional.of(IpPrefix.parse("198.19.0.1/24")), Map.of())),
                List.of(NetworkRecord.Pool.of("JavaOverlayGlobal", IpPrefix.parse("2001:db8:20::/64"), Optional.empty(), Map.of())),
                Map.of("javaoverlay.vni", "42"), true, false));
        service.createEndpoint("n1", "n1", new EndpointSpec("elocal", Optional.of(IpPrefix.parse("198.19.0.5/24")),
                Optional.empty(), Optional.empty()));
        new OverlayStore(kv).createEndpoint(EndpointRecord.of("n1", "eremote", "host-b", IpAddress.parse("198.18.1.2"),
                MacAddress.parse(REMOTE_MAC), Optional.of(IpPrefix.parse("198.19.0.6/24")),
                Optional.of(IpPrefix.parse("2001:db8:20::6/64"))));
    }

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the namespaces go anyway
            }
        }
        kv.close();
        namespaces.forEach(n -> deleteNs(n));
    }

    ReconcileReport pass() {
        ReconcileReport r = service.reconcilers().of("n1").reconcileNow(WAIT);
        assertTrue(r.converged(), r.summary());
        return r;
    }

    void join() {
        service.join("n1", "elocal", "/var/run/docker/netns/none");
    }

    void assertProgrammed() {
        assertEquals("kind=bridge master= mtu=1350 alias=javaoverlay:n1 up=true", linkSummary(ns, "jo-br-42"));
        assertEquals("kind=vxlan id=42 local=198.18.1.1 port=4789 learning=false proxy=true master=jo-br-42 mtu=1350"
                + " alias=javaoverlay:n1 up=true", linkSummary(ns, "jo-vx-42"));
        assertFalse(portLearning(ns, "jo-vx-42"), "the bridge does not learn on the vxlan port");
        assertEquals(List.of(REMOTE_MAC + ">198.18.1.2 permanent"), fdbSummary(ns, "jo-vx-42"));
        assertEquals(List.of(REMOTE_MAC + " static"), bridgeEntries(ns, "jo-vx-42"));
        assertEquals(List.of("198.19.0.6>" + REMOTE_MAC + " PERMANENT", "2001:db8:20::6>" + REMOTE_MAC + " PERMANENT"),
                neighSummary(ns, "jo-vx-42"));
    }

    List<String> kernelState() {
        List<String> out = new ArrayList<>(List.of(linkSummary(ns, "jo-br-42"), linkSummary(ns, "jo-vx-42"),
                linkSummary(ns, "jo-h-elocal")));
        out.addAll(fdbSummary(ns, "jo-vx-42"));
        out.addAll(bridgeEntries(ns, "jo-vx-42"));
        out.addAll(neighSummary(ns, "jo-vx-42"));
        return out;
    }

    @Test
    void joinAndAPassProgramDevicesPortVxlanAndStaticBridgeEntriesAndTheNextPassPlansNothing() {
        join();
        assertEquals("kind=veth master=jo-br-42 mtu=1350 alias=javaoverlay:n1/elocal up=true", linkSummary(ns, "jo-h-elocal"));
        assertEquals("kind=veth master= mtu=1350 alias= up=false", linkSummary(ns, "jo-c-elocal"));
        assertEquals("02:42:c6:13:00:05", io.javaoverlay.vxlan.testing.ItSupport.ipJson(ns, "link", "show", "jo-c-elocal")
                .get(0).path("address").asText());
        pass();
        assertProgrammed();
        assertEquals(List.of(), pass().planned());
    }

    @Test
    void brokenKernelStateIsRepairedByTheNextPass() {
        join();
        pass();
        sh("bridge", "-n", ns, "fdb", "del", REMOTE_MAC, "dev", "jo-vx-42", "dst", "198.18.1.2", "self");
        sh("bridge", "-n", ns, "fdb", "del", REMOTE_MAC, "dev", "jo-vx-42", "master");
        sh("ip", "-n", ns, "neigh", "del", "198.19.0.6", "dev", "jo-vx-42");
        assertEquals(3, pass().planned().size());
        assertProgrammed();
        sh("ip", "-n", ns, "link", "del", "jo-vx-42");
        pass();
        assertProgrammed();
        sh("ip", "-n", ns, "link", "set", "jo-br-42", "mtu", "1300");
        sh("ip", "-n", ns, "link", "set", "jo-vx-42", "nomaster");
        sh("bridge", "-n", ns, "link", "set", "dev", "jo-h-elocal", "learning", "on"); // not ours to change
        pass();
        assertProgrammed();
        sh("bridge", "-n", ns, "link", "set", "dev", "jo-vx-42", "learning", "on");
        assertEquals(List.of(new Action.SetLearning("jo-vx-42", false)), pass().planned());
        assertProgrammed();
        assertEquals(List.of(), pass().planned());
    }

    @Test
    void theLastPortTakesTheBridgeAndVxlanDeviceAlong() throws Exception {
        join();
        pass();
        service.deleteEndpoint("n1", "elocal");
        assertFalse(linkExists(ns, "jo-h-elocal"));
        assertFalse(linkExists(ns, "jo-c-elocal"));
        await("no local endpoint left: the devices go", () -> !linkExists(ns, "jo-vx-42") && !linkExists(ns, "jo-br-42"));
        assertTrue(new OverlayStore(kv).findEndpoint("n1", "elocal").isEmpty());
    }

    @Test
    void linkEventTriggersRepair() throws Exception {
        service.start();
        join();
        await("the pass after Join", () -> fdbSummary(ns, "jo-vx-42").size() == 1);
        sh("ip", "-n", ns, "link", "del", "jo-vx-42");
        await("link event recreates jo-vx-42 with its entries", () -> linkExists(ns, "jo-vx-42")
                && fdbSummary(ns, "jo-vx-42").size() == 1 && bridgeEntries(ns, "jo-vx-42").size() == 1
                && neighSummary(ns, "jo-vx-42").size() == 2);
        assertProgrammed();
    }

    /** The store loses the network under a running container: nothing changes, one ERROR, and back. */
    @Test
    void aMissingNetworkRecordFreezesTheDataPlaneUntilItReturns() throws Exception {
        service.start();
        join();
        await("programmed", () -> bridgeEntries(ns, "jo-vx-42").size() == 1);
        List<String> before = kernelState();
        List<KvEntry> backup = kv.list("");
        try (LogRecorder log = new LogRecorder("io.javaoverlay.vxlan.reconcile")) {
            kv.deletePrefix(""); // a wipe: the watches fire, every pass finds nothing
            await("the freeze is reported", () -> !log.errors().isEmpty());
            ReconcileReport frozen = service.reconcilers().of("n1").reconcileNow(WAIT);
            assertTrue(frozen.frozen().isPresent(), frozen.summary());
            assertEquals(before, kernelState(), "devices, port and entries untouched");
            assertEquals(1, log.errors().size(), log.errors().toString());
            assertTrue(log.errors().get(0).contains("the store has no record of network n1")
                    && log.errors().get(0).contains(kv.describe()), log.errors().get(0));
            for (KvEntry e : backup) {
                if (!e.key().equals(NetworkKeys.endpoint("n1", "eremote"))) {
                    kv.put(e.key(), e.value()); // back, without the endpoint that left meanwhile
                }
            }
            await("converged again, the departed peer withdrawn", () -> fdbSummary(ns, "jo-vx-42").isEmpty()
                    && bridgeEntries(ns, "jo-vx-42").isEmpty());
            assertTrue(linkExists(ns, "jo-h-elocal") && linkExists(ns, "jo-br-42"));
            assertTrue(log.infos().stream().anyMatch(m -> m.contains("has its records again")), log.infos().toString());
        }
    }

    @Test
    void startUpGcKeepsPortsAndTheirDevicesAndCollectsTheRestWhateverTheStoreSays() throws Exception {
        join();
        pass();
        kv.deletePrefix(""); // even an empty store removes nothing that carries a port
        sh("ip", "-n", ns, "link", "add", "jo-br-77", "type", "bridge");
        sh("ip", "-n", ns, "link", "set", "jo-br-77", "alias", "javaoverlay:gone");
        sh("ip", "-n", ns, "link", "add", "jo-vx-77", "type", "vxlan", "id", "77", "dstport", "4789", "local", "198.18.1.1");
        sh("ip", "-n", ns, "link", "set", "jo-vx-77", "alias", "javaoverlay:gone");
        sh("ip", "-n", ns, "link", "add", "jo-br-79", "type", "bridge");
        sh("ip", "-n", ns, "link", "add", "jo-h-ghost", "type", "veth", "peer", "name", "jo-c-ghost");
        sh("ip", "-n", ns, "link", "add", "jo-br-78", "type", "bridge");
        sh("ip", "-n", ns, "link", "set", "jo-br-78", "alias", "someone-else");
        sh("ip", "-n", ns, "link", "add", "br-foreign", "type", "bridge");
        var result = service.reconcilers().collectGarbage();
        assertTrue(result.failures().isEmpty(), result.toString());
        for (String gone : List.of("jo-br-77", "jo-vx-77", "jo-br-79", "jo-h-ghost", "jo-c-ghost")) {
            assertFalse(linkExists(ns, gone), gone + " should be collected");
        }
        for (String kept : List.of("jo-br-78", "br-foreign", "u0", "jo-br-42", "jo-vx-42", "jo-h-elocal")) {
            assertTrue(linkExists(ns, kept), kept + " must survive");
        }
    }

    /** One MTU per network: this network is 1350 (created on a 1400 underlay); a 1300 underlay cannot carry it. */
    @Test
    void joinOnAnUnderlayThatCannotCarryTheNetworksMtuIsRefusedWithTheNumbers() throws Exception {
        String small = host("mtu", 1300, "198.18.2.1");
        VxlanNetworkService c = service(small, "host-c", "198.18.2.1");
        c.createEndpoint("n1", "n1", new EndpointSpec("esmall", Optional.of(IpPrefix.parse("198.19.0.9/24")),
                Optional.empty(), Optional.empty()));
        OverlayException e = assertThrows(OverlayException.class, () -> c.join("n1", "esmall", "/k"));
        assertEquals(OverlayException.Kind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("network n1 has MTU 1350") && e.getMessage().contains("has MTU 1300")
                && e.getMessage().contains("at most 1250"), e.getMessage());
        for (String none : List.of("jo-br-42", "jo-vx-42", "jo-h-esmall", "jo-c-esmall")) {
            assertFalse(linkExists(small, none), none + " must not be created");
        }
    }
}
