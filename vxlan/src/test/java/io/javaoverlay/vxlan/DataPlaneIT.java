package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.IpPrefix;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.IpamData;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.testing.InMemoryKvStore;
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
import static io.javaoverlay.vxlan.testing.ItSupport.deleteNs;
import static io.javaoverlay.vxlan.testing.ItSupport.exitCode;
import static io.javaoverlay.vxlan.testing.ItSupport.fdbSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.neighSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.newNs;
import static io.javaoverlay.vxlan.testing.ItSupport.openHandle;
import static io.javaoverlay.vxlan.testing.ItSupport.requirePrivileged;
import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * End-to-end data plane without Docker: two "host" namespaces joined by an underlay veth
 * (198.18.0.0/24, MTU 1400), each running its own {@link VxlanNetworkService} on one shared store.
 * The test plays Docker: it moves the container end returned by Join into a "container"
 * namespace, renames it eth0, sets MAC and address and brings it up, then pings across.
 */
@Tag("privileged")
class DataPlaneIT {
    static final Duration WATCH = Duration.ofMillis(300);

    final List<String> namespaces = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();
    String hostA;
    String hostB;
    VxlanNetworkService a;
    VxlanNetworkService b;

    @BeforeEach
    void setUp() throws Exception {
        requirePrivileged(true);
        hostA = ns("ha");
        hostB = ns("hb");
        sh("ip", "-n", hostA, "link", "add", "u0", "mtu", "1400", "type", "veth", "peer", "name", "u0", "netns", hostB);
        sh("ip", "-n", hostB, "link", "set", "u0", "mtu", "1400");
        sh("ip", "-n", hostA, "addr", "add", "198.18.0.1/24", "dev", "u0");
        sh("ip", "-n", hostB, "addr", "add", "198.18.0.2/24", "dev", "u0");
        sh("ip", "-n", hostA, "link", "set", "u0", "up");
        sh("ip", "-n", hostB, "link", "set", "u0", "up");
        InMemoryKvStore kv = new InMemoryKvStore();
        a = service(hostA, "host-a", "u0", kv);
        b = service(hostB, "host-b", "198.18.0.2", kv);
    }

    private String ns(String tag) {
        String n = newNs(tag);
        namespaces.add(n);
        return n;
    }

    private VxlanNetworkService service(String ns, String hostId, String advertise, InMemoryKvStore kv) throws Exception {
        NetlinkHandle h = openHandle(ns);
        closeables.add(h);
        VxlanConfig cfg = VxlanConfig.builder(hostId, Underlay.resolve(h, Optional.of(advertise)))
                .watchWait(WATCH).resyncInterval(Duration.ofSeconds(30)).build();
        VxlanNetworkService s = new VxlanNetworkService(h, kv, cfg);
        closeables.add(0, s);
        s.start();
        return s;
    }

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        namespaces.forEach(n -> deleteNs(n));
    }

    static NetworkSpec network(String id) {
        return new NetworkSpec(id, List.of(new IpamData("JavaOverlayGlobal", IpPrefix.parse("10.20.0.0/24"),
                Optional.of(IpPrefix.parse("10.20.0.1/24")), Map.of())), List.of(), Map.of(), false, false);
    }

    /** CreateEndpoint + Join on {@code host}, then what Docker does with SrcName. Returns the container ns. */
    String container(VxlanNetworkService host, String hostNs, String nid, String eid, String cidr) {
        EndpointGrant g = host.createEndpoint(new EndpointSpec(nid, eid, Optional.of(IpPrefix.parse(cidr)),
                Optional.empty(), Optional.empty()));
        JoinResult j = host.join(nid, eid, "/var/run/docker/netns/" + eid);
        assertEquals("eth", j.dstPrefix());
        assertEquals(Optional.empty(), j.gateway(), "no gateway: Docker adds docker_gwbridge for egress");
        String c = ns("c" + eid);
        sh("ip", "-n", hostNs, "link", "set", j.srcName(), "netns", c);
        sh("ip", "-n", c, "link", "set", j.srcName(), "name", "eth0");
        sh("ip", "-n", c, "link", "set", "eth0", "address", g.assignedMac().orElseThrow().toString());
        sh("ip", "-n", c, "addr", "add", cidr, "dev", "eth0");
        sh("ip", "-n", c, "link", "set", "eth0", "up");
        return c;
    }

    static int ping(String ns, String ip, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "1"));
        cmd.addAll(List.of(extra));
        cmd.add(ip);
        return exitCode(cmd.toArray(String[]::new));
    }

    @Test
    void containersOnTwoHostsPingAcrossTheOverlay() throws Exception {
        a.createNetwork(network("n1"));
        String ca = container(a, hostA, "n1", "ea000001", "10.20.0.5/24");
        String cb = container(b, hostB, "n1", "eb000001", "10.20.0.6/24");
        await("A learns B's endpoint through the store", () -> fdbSummary(hostA, "jo-vx-1").size() == 1);
        assertEquals(0, ping(ca, "10.20.0.6"), "ping A→B");
        assertEquals(0, ping(cb, "10.20.0.5"), "ping B→A");
        assertEquals(0, ping(ca, "10.20.0.6", "-M", "do", "-s", "1322"), "1322 + 28 = 1350 fits the container MTU");
        assertNotEquals(0, ping(ca, "10.20.0.6", "-M", "do", "-s", "1323"), "1323 + 28 exceeds 1350");

        b.deleteEndpoint("n1", "eb000001");
        await("A drops B's FDB and neighbour entries", () -> fdbSummary(hostA, "jo-vx-1").isEmpty()
                && neighSummary(hostA, "jo-vx-1").stream().noneMatch(s -> s.endsWith("PERMANENT")));
        assertNotEquals(0, ping(ca, "10.20.0.6"));
    }

    @Test
    void twoNetworksCannotReachEachOther() throws Exception {
        a.createNetwork(network("n1"));
        a.createNetwork(network("n2")); // same subnet on purpose: only the overlay separates them
        String ca = container(a, hostA, "n1", "ea000001", "10.20.0.5/24");
        container(b, hostB, "n1", "eb000001", "10.20.0.6/24");
        String ca2 = container(a, hostA, "n2", "ea000002", "10.20.0.7/24");
        await("A learns B's endpoint", () -> fdbSummary(hostA, "jo-vx-1").size() == 1);
        assertEquals(0, ping(ca, "10.20.0.6"), "same network across hosts works");
        assertNotEquals(0, ping(ca2, "10.20.0.6"), "n2 must not reach n1 on another host");
        assertNotEquals(0, ping(ca2, "10.20.0.5"), "n2 must not reach n1 on the same host");
    }
}
