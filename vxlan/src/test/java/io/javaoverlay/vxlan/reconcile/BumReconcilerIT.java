package io.javaoverlay.vxlan.reconcile;

import static io.javaoverlay.vxlan.testing.ItSupport.bridgeJson;
import static io.javaoverlay.vxlan.testing.ItSupport.deleteNs;
import static io.javaoverlay.vxlan.testing.ItSupport.fdbSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.newNs;
import static io.javaoverlay.vxlan.testing.ItSupport.openHandle;
import static io.javaoverlay.vxlan.testing.ItSupport.requirePrivileged;
import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.kvstore.testing.InMemoryKvStore;
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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Head-end replication ({@code -o javaoverlay.bum=replicate}) on the real kernel, in a namespace:
 * the reconciler appends one all-zero-MAC entry per peer VTEP, turns unicast flooding off at the
 * vxlan port, follows peers that come and go, and repairs what is changed by hand.
 */
@Tag("privileged")
class BumReconcilerIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String ZERO = "00:00:00:00:00:00";

    String ns;
    NetlinkHandle handle;
    InMemoryKvStore kv;
    VxlanNetworkService service;

    @BeforeEach
    void setUp() throws Exception {
        requirePrivileged(false);
        ns = newNs("bum");
        sh("ip", "-n", ns, "link", "add", "u0", "mtu", "1400", "type", "veth", "peer", "name", "u1", "mtu", "1400");
        sh("ip", "-n", ns, "link", "set", "u1", "up");
        sh("ip", "-n", ns, "addr", "add", "198.18.1.1/24", "dev", "u0");
        sh("ip", "-n", ns, "link", "set", "u0", "up");
        kv = new InMemoryKvStore();
        handle = openHandle(ns);
        service = new VxlanNetworkService(handle, kv, VxlanConfig.builder("host-a",
                Underlay.resolve(handle, Optional.of("198.18.1.1"))).resyncInterval(Duration.ofMinutes(10))
                .watchWait(Duration.ofMillis(500)).build());
        service.createNetwork(new NetworkSpec("n1", List.of(NetworkRecord.Pool.of("JavaOverlayGlobal",
                IpPrefix.parse("198.19.0.0/24"), Optional.of(IpPrefix.parse("198.19.0.1/24")), Map.of())), List.of(),
                Map.of("javaoverlay.vni", "43", "javaoverlay.bum", "replicate"), false, false));
        service.createEndpoint("n1", "n1", new EndpointSpec("elocal", Optional.of(IpPrefix.parse("198.19.0.5/24")),
                Optional.empty(), Optional.empty()));
        remote("eb1", "host-b", "198.18.1.2", 6);
        remote("eb2", "host-b", "198.18.1.2", 7);
        remote("ec1", "host-c", "198.18.1.3", 8);
        service.join("n1", "elocal", "/var/run/docker/netns/none");
    }

    void remote(String eid, String host, String vtep, int n) {
        new OverlayStore(kv).createEndpoint(EndpointRecord.of("n1", eid, host, IpAddress.parse(vtep),
                MacAddress.parse(String.format("02:42:c6:13:00:%02x", n)),
                Optional.of(IpPrefix.parse("198.19.0." + n + "/24")), Optional.empty()));
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.close();
        }
        if (handle != null) {
            handle.close();
        }
        if (kv != null) {
            kv.close();
        }
        deleteNs(ns);
    }

    ReconcileReport pass() {
        ReconcileReport r = service.reconcilers().of("n1").reconcileNow(WAIT);
        assertTrue(r.converged(), r.summary());
        return r;
    }

    List<String> floodList() {
        return fdbSummary(ns, "jo-vx-43").stream().filter(s -> s.startsWith(ZERO)).toList();
    }

    boolean unicastFlood() {
        com.fasterxml.jackson.databind.JsonNode port = bridgeJson(ns, "-d", "link", "show", "dev", "jo-vx-43").get(0);
        assertTrue(port.path("flood").isBoolean(), "bridge -d link show reports flood: " + port);
        return port.path("flood").asBoolean();
    }

    @Test
    void oneEntryPerPeerHostUnicastFloodingOffAndTheNextPassPlansNothing() {
        pass();
        assertEquals(List.of(ZERO + ">198.18.1.2 permanent", ZERO + ">198.18.1.3 permanent"), floodList());
        assertEquals(false, unicastFlood(), "unknown unicast must not reach the vxlan port");
        assertEquals(List.of(), pass().planned());
    }

    @Test
    void peersThatComeAndGoAndChangesByHandAreFollowed() {
        pass();
        new OverlayStore(kv).deleteEndpoint("n1", "ec1");
        pass();
        assertEquals(List.of(ZERO + ">198.18.1.2 permanent"), floodList(), "host-c has no endpoint left");
        new OverlayStore(kv).deleteEndpoint("n1", "eb1");
        pass();
        assertEquals(List.of(ZERO + ">198.18.1.2 permanent"), floodList(), "host-b still has eb2");
        remote("ed1", "host-d", "198.18.1.4", 9);
        pass();
        assertEquals(List.of(ZERO + ">198.18.1.2 permanent", ZERO + ">198.18.1.4 permanent"), floodList());

        sh("bridge", "-n", ns, "fdb", "del", ZERO, "dev", "jo-vx-43", "dst", "198.18.1.4", "self");
        sh("bridge", "-n", ns, "fdb", "append", ZERO, "dev", "jo-vx-43", "dst", "198.18.1.99", "self", "permanent");
        sh("bridge", "-n", ns, "link", "set", "dev", "jo-vx-43", "flood", "on");
        pass();
        assertEquals(List.of(ZERO + ">198.18.1.2 permanent", ZERO + ">198.18.1.4 permanent"), floodList());
        assertEquals(false, unicastFlood());
    }
}
