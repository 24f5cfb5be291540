package io.javaoverlay.vxlan;

import io.javaoverlay.vxlan.testing.TwoHostTopology;
import io.javaoverlay.vxlan.testing.TwoHostTopology.Container;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.javaoverlay.vxlan.testing.ItSupport.await;
import static io.javaoverlay.vxlan.testing.ItSupport.bridgeEntries;
import static io.javaoverlay.vxlan.testing.ItSupport.portLearning;
import static io.javaoverlay.vxlan.testing.ItSupport.exitCode;
import static io.javaoverlay.vxlan.testing.ItSupport.fdbSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.neighSummary;
import static io.javaoverlay.vxlan.testing.ItSupport.requirePrivileged;
import static io.javaoverlay.vxlan.testing.TwoHostTopology.network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * End-to-end data plane without Docker: two "host" namespaces joined by an underlay veth
 * (198.18.0.0/24, MTU 1400), each running its own {@link VxlanNetworkService} on one shared store
 * ({@link TwoHostTopology}). The test plays Docker with the container end returned by Join, then
 * pings across.
 */
@Tag("privileged")
class DataPlaneIT {
    TwoHostTopology t;

    /** The topology under test; the Consul variant overrides it. */
    protected TwoHostTopology topology() throws Exception {
        return new TwoHostTopology(Duration.ofMillis(300));
    }

    @BeforeEach
    void setUp() throws Exception {
        requirePrivileged(true);
        t = topology();
    }

    @AfterEach
    void tearDown() {
        if (t != null) {
            t.close();
        }
    }

    static int ping(String ns, String ip, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "1"));
        cmd.addAll(List.of(extra));
        cmd.add(ip);
        return exitCode(cmd.toArray(String[]::new));
    }

    @Test
    void containersOnTwoHostsPingAcrossTheOverlay() throws Exception {
        t.a.createNetwork(network("n1"));
        Container ca = t.container(t.a, t.hostA, "n1", "ea000001", "198.19.0.5/24");
        Container cb = t.container(t.b, t.hostB, "n1", "eb000001", "198.19.0.6/24");
        assertEquals("eth", ca.join().dstPrefix());
        assertEquals(Optional.empty(), ca.join().gateway(), "no gateway: Docker adds docker_gwbridge for egress");
        await("A learns B's endpoint through the store", () -> fdbSummary(t.hostA, "jo-vx-1").size() == 1);
        assertEquals(0, ping(ca.ns(), "198.19.0.6"), "ping A→B");
        assertEquals(0, ping(cb.ns(), "198.19.0.5"), "ping B→A");
        assertEquals(0, ping(ca.ns(), "198.19.0.6", "-M", "do", "-s", "1322"), "1322 + 28 = 1350 fits the container MTU");
        assertNotEquals(0, ping(ca.ns(), "198.19.0.6", "-M", "do", "-s", "1323"), "1323 + 28 exceeds 1350");

        t.b.deleteEndpoint("n1", "eb000001");
        await("A drops B's FDB and neighbour entries", () -> fdbSummary(t.hostA, "jo-vx-1").isEmpty()
                && neighSummary(t.hostA, "jo-vx-1").stream().noneMatch(s -> s.endsWith("PERMANENT")));
        assertNotEquals(0, ping(ca.ns(), "198.19.0.6"));
    }

    /**
     * Issue 10.6: the bridge never learns a remote MAC (learning is off on the vxlan port), each peer
     * has a static bridge entry next to its vxlan entry, and a peer that goes leaves neither behind.
     */
    @Test
    void noLearnedEntryAfterTrafficAndAPeerThatGoesLeavesNoEntry() throws Exception {
        t.a.createNetwork(network("n1"));
        Container ca = t.container(t.a, t.hostA, "n1", "ea000001", "198.19.0.5/24");
        Container cb = t.container(t.b, t.hostB, "n1", "eb000001", "198.19.0.6/24");
        String macB = "02:42:c6:13:00:06";
        String macA = "02:42:c6:13:00:05";
        await("both hosts program the other's container", () -> bridgeEntries(t.hostA, "jo-vx-1").size() == 1
                && bridgeEntries(t.hostB, "jo-vx-1").size() == 1);
        assertEquals(0, ping(ca.ns(), "198.19.0.6"), "ping A→B");
        assertEquals(0, ping(cb.ns(), "198.19.0.5"), "ping B→A");
        assertFalse(portLearning(t.hostA, "jo-vx-1"));
        assertFalse(portLearning(t.hostB, "jo-vx-1"));
        assertEquals(List.of(macB + " static"), bridgeEntries(t.hostA, "jo-vx-1"), "static, nothing learned");
        assertEquals(List.of(macA + " static"), bridgeEntries(t.hostB, "jo-vx-1"), "static, nothing learned");
        t.b.deleteEndpoint("n1", "eb000001");
        await("A drops every entry of B's container", () -> fdbSummary(t.hostA, "jo-vx-1").isEmpty()
                && bridgeEntries(t.hostA, "jo-vx-1").isEmpty()
                && neighSummary(t.hostA, "jo-vx-1").stream().noneMatch(n -> n.endsWith("PERMANENT")));
    }

    @Test
    void twoNetworksCannotReachEachOther() throws Exception {
        t.a.createNetwork(network("n1"));
        // Overlapping subnet on purpose, so that only the overlay separates them (an identical subnet
        // would be the same network: a subnet is one network cluster-wide).
        t.a.createNetwork(TwoHostTopology.network("n2", "198.19.0.0/25", "198.19.0.1/25"));
        Container ca = t.container(t.a, t.hostA, "n1", "ea000001", "198.19.0.5/24");
        t.container(t.b, t.hostB, "n1", "eb000001", "198.19.0.6/24");
        Container ca2 = t.container(t.a, t.hostA, "n2", "ea000002", "198.19.0.7/24");
        await("A learns B's endpoint", () -> fdbSummary(t.hostA, "jo-vx-1").size() == 1);
        assertEquals(0, ping(ca.ns(), "198.19.0.6"), "same network across hosts works");
        assertNotEquals(0, ping(ca2.ns(), "198.19.0.6"), "n2 must not reach n1 on another host");
        assertNotEquals(0, ping(ca2.ns(), "198.19.0.5"), "n2 must not reach n1 on the same host");
    }

    @Test
    void dualStackContainersPingOverIpv6Too() throws Exception {
        t.a.createNetwork(TwoHostTopology.dualStackNetwork("n6"));
        Container ca = t.container(t.a, t.hostA, "n6", "ea000006", "198.19.0.5/24", Optional.of("2001:db8:20::5/64"));
        t.container(t.b, t.hostB, "n6", "eb000006", "198.19.0.6/24", Optional.of("2001:db8:20::6/64"));
        await("A learns B's endpoint with both addresses", () -> neighSummary(t.hostA, "jo-vx-1").stream()
                .filter(s -> s.endsWith("PERMANENT")).count() == 2);
        assertEquals(0, ping(ca.ns(), "2001:db8:20::6", "-6"), "IPv6 ping A→B (ND answered by the vxlan proxy)");
        assertEquals(0, ping(ca.ns(), "2001:db8:20::6", "-6", "-M", "do", "-s", "1302"), "1302 + 48 = 1350");
        assertNotEquals(0, ping(ca.ns(), "2001:db8:20::6", "-6", "-M", "do", "-s", "1303"), "1303 + 48 > 1350");
        assertEquals(0, ping(ca.ns(), "198.19.0.6"), "IPv4 on the same network");
    }
}
