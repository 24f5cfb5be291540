package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.Underlay;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javaoverlay.vxlan.testing.ItSupport.await;
import static io.javaoverlay.vxlan.testing.ItSupport.deleteNs;
import static io.javaoverlay.vxlan.testing.ItSupport.fdbSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.linkExists;
import static io.javaoverlay.vxlan.testing.ItSupport.linkSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.neighSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.newNs;
import static io.javaoverlay.vxlan.testing.ItSupport.openHandle;
import static io.javaoverlay.vxlan.testing.ItSupport.requirePrivileged;
import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciler against the real kernel, in a throw-away namespace: seed the store, run a pass,
 * cross-check with iproute2; break the kernel state and check the repair; GC.
 */
@Tag("privileged")
class ReconcilerIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String REMOTE_MAC = "02:42:c6:13:00:06";

    String ns;
    NetlinkHandle handle;
    InMemoryKvStore kv;
    VxlanNetworkService service;

    @BeforeEach
    void setUp() throws Exception {
        requirePrivileged(false);
        ns = newNs("rec");
        sh("ip", "-n", ns, "link", "add", "u0", "mtu", "1400", "type", "veth", "peer", "name", "u1", "mtu", "1400");
        sh("ip", "-n", ns, "link", "set", "u1", "up");
        sh("ip", "-n", ns, "addr", "add", "198.18.1.1/24", "dev", "u0");
        sh("ip", "-n", ns, "link", "set", "u0", "up");
        handle = openHandle(ns);
        Underlay underlay = Underlay.resolve(handle, Optional.of("198.18.1.1"));
        assertEquals(1400, underlay.mtu());
        kv = new InMemoryKvStore();
        service = new VxlanNetworkService(handle, kv, VxlanConfig.builder("host-a", underlay)
                .resyncInterval(Duration.ofMinutes(10)).watchWait(Duration.ofMillis(500)).build());
        service.createNetwork(new NetworkSpec("n1", List.of(NetworkRecord.Pool.of("JavaOverlayGlobal",
                IpPrefix.parse("198.19.0.0/24"), Optional.of(IpPrefix.parse("198.19.0.1/24")), Map.of())),
                List.of(NetworkRecord.Pool.of("JavaOverlayGlobal", IpPrefix.parse("2001:db8:20::/64"), Optional.empty(), Map.of())),
                Map.of("javaoverlay.vni", "42"), true, false));
        service.createEndpoint(new EndpointSpec("n1", "elocal", Optional.of(IpPrefix.parse("198.19.0.5/24")),
                Optional.empty(), Optional.empty()));
        new OverlayStore(kv).createEndpoint(EndpointRecord.of("n1", "eremote", "host-b", IpAddress.parse("198.18.1.2"),
                MacAddress.parse(REMOTE_MAC), Optional.of(IpPrefix.parse("198.19.0.6/24")),
                Optional.of(IpPrefix.parse("2001:db8:20::6/64"))));
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
        if (handle != null) {
            handle.close();
        }
        if (ns != null) {
            deleteNs(ns);
        }
    }

    ReconcileReport pass() {
        ReconcileReport r = service.reconcilers().of("n1").reconcileNow(WAIT);
        assertTrue(r.converged(), r.summary());
        return r;
    }

    void assertProgrammed() {
        assertEquals("kind=bridge master= mtu=1350 alias=javaoverlay:n1 up=true", linkSummary(ns, "jo-br-42"));
        assertEquals("kind=vxlan id=42 local=198.18.1.1 port=4789 learning=false proxy=true master=jo-br-42 mtu=1350"
                + " alias=javaoverlay:n1 up=true", linkSummary(ns, "jo-vx-42"));
        assertEquals(List.of(REMOTE_MAC + ">198.18.1.2 permanent"), fdbSummary(ns, "jo-vx-42"));
        assertEquals(List.of("198.19.0.6>" + REMOTE_MAC + " PERMANENT", "2001:db8:20::6>" + REMOTE_MAC + " PERMANENT"),
                neighSummary(ns, "jo-vx-42"));
    }

    @Test
    void passProgramsDevicesFdbAndNeighboursAndASecondPassPlansNothing() {
        assertFalse(pass().planned().isEmpty());
        assertProgrammed();
        assertEquals(List.of(), pass().planned());
    }

    @Test
    void brokenKernelStateIsRepairedByTheNextPass() {
        pass();
        sh("bridge", "-n", ns, "fdb", "del", REMOTE_MAC, "dev", "jo-vx-42", "dst", "198.18.1.2", "self");
        sh("ip", "-n", ns, "neigh", "del", "198.19.0.6", "dev", "jo-vx-42");
        assertEquals(2, pass().planned().size());
        assertProgrammed();
        sh("ip", "-n", ns, "link", "del", "jo-vx-42");
        pass();
        assertProgrammed();
        sh("ip", "-n", ns, "link", "set", "jo-br-42", "mtu", "1300");
        sh("ip", "-n", ns, "link", "set", "jo-vx-42", "nomaster");
        pass();
        assertProgrammed();
        assertEquals(List.of(), pass().planned());
    }

    @Test
    void joinPlumbsTheVethAndDeleteEndpointTearsDown() {
        service.join("n1", "elocal", "/var/run/docker/netns/none");
        assertEquals("kind=veth master=jo-br-42 mtu=1350 alias=javaoverlay:n1/elocal up=true", linkSummary(ns, "jo-h-elocal"));
        assertEquals("kind=veth master= mtu=1350 alias= up=false", linkSummary(ns, "jo-c-elocal"));
        assertEquals("02:42:c6:13:00:05", io.javaoverlay.vxlan.testing.ItSupport.ipJson(ns, "link", "show", "jo-c-elocal")
                .get(0).path("address").asText());
        assertProgrammed();
        service.deleteEndpoint("n1", "elocal");
        assertFalse(linkExists(ns, "jo-h-elocal"));
        assertFalse(linkExists(ns, "jo-c-elocal"));
        assertFalse(linkExists(ns, "jo-vx-42"), "no local endpoint left: lazy teardown");
        assertFalse(linkExists(ns, "jo-br-42"));
    }

    @Test
    void linkEventTriggersRepair() throws Exception {
        service.start();
        await("start-up pass", () -> linkExists(ns, "jo-vx-42") && fdbSummary(ns, "jo-vx-42").size() == 1);
        sh("ip", "-n", ns, "link", "del", "jo-vx-42");
        await("link event recreates jo-vx-42 with its FDB entry", () -> linkExists(ns, "jo-vx-42")
                && fdbSummary(ns, "jo-vx-42").size() == 1 && neighSummary(ns, "jo-vx-42").size() == 2);
        assertProgrammed();
    }

    @Test
    void gcRemovesOwnedDevicesOfDeletedNetworksButNeverForeignOnes() throws Exception {
        pass();
        sh("ip", "-n", ns, "link", "add", "jo-br-77", "type", "bridge");
        sh("ip", "-n", ns, "link", "set", "jo-br-77", "alias", "javaoverlay:gone");
        sh("ip", "-n", ns, "link", "add", "jo-vx-77", "type", "vxlan", "id", "77", "dstport", "4789", "local", "198.18.1.1");
        sh("ip", "-n", ns, "link", "set", "jo-vx-77", "alias", "javaoverlay:gone");
        sh("ip", "-n", ns, "link", "add", "jo-br-79", "type", "bridge");
        sh("ip", "-n", ns, "link", "add", "jo-h-ghost", "type", "veth", "peer", "name", "jo-c-ghost");
        sh("ip", "-n", ns, "link", "set", "jo-h-ghost", "alias", "javaoverlay:n1/ghost");
        sh("ip", "-n", ns, "link", "add", "jo-br-78", "type", "bridge");
        sh("ip", "-n", ns, "link", "set", "jo-br-78", "alias", "someone-else");
        sh("ip", "-n", ns, "link", "add", "br-foreign", "type", "bridge");
        var result = service.reconcilers().collectGarbage();
        assertTrue(result.failures().isEmpty(), result.toString());
        for (String gone : List.of("jo-br-77", "jo-vx-77", "jo-br-79", "jo-h-ghost", "jo-c-ghost")) {
            assertFalse(linkExists(ns, gone), gone + " should be collected");
        }
        for (String kept : List.of("jo-br-78", "br-foreign", "u0", "jo-br-42", "jo-vx-42")) {
            assertTrue(linkExists(ns, kept), kept + " must survive");
        }
    }
}
