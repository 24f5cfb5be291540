package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 16, IPv6 part, end to end: a dual-stack javaoverlay network
 * ({@code --ipv6 --subnet 198.18.140.0/24 --subnet fd00:140::/64}) created once on h1 and present on
 * every host; containers on every host get both families; ping and ping6 between every pair of hosts;
 * IPv6 neighbour entries programmed like IPv4's; TCP over IPv6; the largest don't-fragment ping6 the
 * MTU allows passes and one byte more fails; the IPv6 address is released when the container goes;
 * the IPAM's default IPv6 pool works across hosts. The VTEPs use the underlay's family.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DualStackSuite extends DataPlaneTestbed {

    static final String DS = "ds";
    static final String DS_V4 = "198.18.140.0/24";
    static final String DS_V6 = "fd00:140::/64";

    /** Cluster ID of {@link #DS} (its Docker ID on h1). */
    String dsId;
    /** host → container on {@link #DS}. */
    final Map<String, String> dsContainers = new TreeMap<>();

    String ds(String host) {
        return "ds-" + host;
    }

    /** Creates {@link #DS} and a container per host once (the first test that needs them). */
    void requireDualStack() {
        if (dsId != null) {
            return;
        }
        dsId = createEverywhere(DS, "--ipv6", "--subnet", DS_V4, "--subnet", DS_V6);
        for (String h : tb.hostNames()) {
            run(h, ds(h), DS);
            dsContainers.put(h, ds(h));
        }
    }

    @Test
    @Order(1)
    void dualStackNetworkCreatedOnH1IsEverywhereAndContainersGetBothFamilies() {
        requireDualStack();
        List<String> all = new ArrayList<>();
        for (String h : tb.hostNames()) {
            String subnets = tb.dockerOk(h, "network", "inspect", "-f",
                    "{{.EnableIPv6}} {{range .IPAM.Config}}{{.Subnet}} {{end}}", DS);
            assertEquals("true " + DS_V4 + " " + DS_V6, subnets.strip(), "network " + DS + " on " + h);
            String a4 = v4(h, ds(h), DS);
            String a6 = v6(h, ds(h), DS);
            assertTrue(a4.startsWith("198.18.140.") && a6.startsWith("fd00:140:"), ds(h) + " on " + h + ": " + a4 + " " + a6);
            all.add(a4);
            all.add(a6);
        }
        assertEquals(all.size(), all.stream().distinct().count(), "one cluster-wide IPAM for both families: " + all);
    }

    @Test
    @Order(2)
    void pingAndPing6BetweenEveryPairOfHosts() {
        requireDualStack();
        for (String from : tb.hostNames()) {
            for (String to : tb.hostNames()) {
                if (!from.equals(to)) {
                    pingUntilAnswered(from, ds(from), v4(to, ds(to), DS));
                    pingUntilAnswered(from, ds(from), v6(to, ds(to), DS));
                }
            }
        }
    }

    @Test
    @Order(3)
    void ipv6NeighboursArePermanentEntriesLikeIpv4AndVtepsUseTheUnderlayFamily() {
        requireDualStack();
        for (String h : tb.hostNames()) {
            String dev = vxlanDevice(h, dsId);
            JsonNode link = OverlayProbe.json(tb.exec(h, "ip", "-j", "-d", "link", "show", "dev", dev).requireOk().stdout());
            assertEquals(tb.underlayIp(h), localOf(link.get(0).path("linkinfo").path("info_data")),
                    "the vxlan device's local address on " + h + " is its VTEP: " + link);
            JsonNode neigh = OverlayProbe.neigh(tb, h, dev);
            JsonNode fdb = OverlayProbe.fdb(tb, h, dev);
            for (String peer : tb.hostNames()) {
                if (peer.equals(h)) {
                    continue;
                }
                String mac = OverlayProbe.mac(tb, peer, ds(peer), DS);
                for (String ip : List.of(v4(peer, ds(peer), DS), v6(peer, ds(peer), DS))) {
                    assertTrue(permanentNeighbour(neigh, ip, mac), h + " " + dev + " has no permanent neighbour " + ip
                            + " lladdr " + mac + ": " + neigh);
                }
                assertTrue(OverlayProbe.hasPeerFdb(fdb, mac, tb.underlayIp(peer)),
                        h + " " + dev + " has no FDB entry " + mac + " dst " + tb.underlayIp(peer) + ": " + fdb);
            }
        }
    }

    /** The vxlan device's local address as {@code ip -j -d link} prints it: {@code local}, or {@code local6}. */
    private static String localOf(JsonNode infoData) {
        return infoData.has("local6") ? infoData.path("local6").asText() : infoData.path("local").asText();
    }

    private static boolean permanentNeighbour(JsonNode neigh, String ip, String mac) {
        for (JsonNode e : neigh) {
            if (e.path("dst").asText().equals(ip) && e.path("lladdr").asText().equalsIgnoreCase(mac)
                    && e.path("state").toString().contains("PERMANENT")) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Order(4)
    void tcpOverIpv6AcrossHosts() {
        requireDualStack();
        String server = tb.hostNames().get(1);
        String target = v6(server, ds(server), DS);
        tb.dockerOk(server, "exec", "-d", ds(server), "iperf3", "-s", "-1", "-p", "5201");
        Testbed.Result[] last = new Testbed.Result[1];
        await(Duration.ofSeconds(20), "4 MB over TCP/IPv6 from h1 to " + target, () -> {
            last[0] = tb.docker("h1", "exec", ds("h1"), "iperf3", "-6", "-c", target, "-p", "5201", "-n", "4M");
            return last[0].ok() ? Optional.empty() : Optional.of(last[0].describe());
        });
        assertTrue(last[0].stdout().contains("receiver"), last[0].describe());
    }

    @Test
    @Order(5)
    void largestDontFragmentPingPassesAndOneByteMoreFailsInBothFamilies() {
        requireDualStack();
        String peer = tb.hostNames().get(1);
        int mtu = containerMtu("h1", ds("h1"));
        assertEquals(UNDERLAY_MTU - overhead(), mtu, "container MTU = underlay MTU " + UNDERLAY_MTU + " - VXLAN overhead "
                + overhead());
        String t6 = v6(peer, ds(peer), DS);
        String t4 = v4(peer, ds(peer), DS);
        Testbed.Result fits6 = dontFragmentPing("h1", ds("h1"), t6, mtu - 48);
        assertTrue(fits6.ok(), "IPv6 DF ping of " + (mtu - 48) + " bytes (a " + mtu + "-byte packet) must pass: "
                + fits6.describe());
        Testbed.Result tooBig6 = dontFragmentPing("h1", ds("h1"), t6, mtu - 47);
        assertFalse(tooBig6.ok(), "IPv6 DF ping one byte over the MTU must fail: " + tooBig6.describe());
        Testbed.Result fits4 = dontFragmentPing("h1", ds("h1"), t4, mtu - 28);
        assertTrue(fits4.ok(), "IPv4 DF ping of " + (mtu - 28) + " bytes must pass: " + fits4.describe());
        assertFalse(dontFragmentPing("h1", ds("h1"), t4, mtu - 27).ok(), "IPv4 DF ping one byte over must fail");
    }

    @Test
    @Order(6)
    void ipv6AddressIsReleasedAndItsNeighbourWithdrawnWhenTheContainerGoes() {
        requireDualStack();
        String h = tb.hostNames().get(1);
        String a4 = v4(h, ds(h), DS);
        String a6 = v6(h, ds(h), DS);
        assertEquals(1, addressKeys(a6).size(), "IPv6 address " + a6 + " is claimed in the cluster IPAM");
        assertEquals(1, addressKeys(a4).size(), "IPv4 address " + a4 + " is claimed in the cluster IPAM");
        tb.dockerOk(h, "rm", "-f", ds(h));
        await(CONVERGE, "addresses " + a4 + " and " + a6 + " released", () -> {
            List<String> left = new ArrayList<>(addressKeys(a6));
            left.addAll(addressKeys(a4));
            return left.isEmpty() ? Optional.empty() : Optional.of("still claimed: " + left);
        });
        String dev = vxlanDevice("h1", dsId);
        await(CONVERGE, "neighbour entries of " + a4 + " and " + a6 + " withdrawn on h1", () -> {
            JsonNode n = OverlayProbe.neigh(tb, "h1", dev);
            return OverlayProbe.hasNeigh(n, a6) || OverlayProbe.hasNeigh(n, a4) ? Optional.of(n.toString()) : Optional.empty();
        });
        run(h, ds(h), DS); // back for the tests that follow
    }

    @Test
    @Order(7)
    void ipamDefaultIpv6PoolWorksAcrossHosts() {
        String net = "ds-auto";
        Map<String, String> containers = new TreeMap<>();
        try {
            createEverywhere(net, "--ipv6");
            for (String h : tb.hostNames()) {
                String cfg = tb.dockerOk(h, "network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", net);
                assertTrue(cfg.contains("fd5a:7661:6f76:"), "the IPv6 pool comes from the IPAM default fd5a:7661:6f76::/48 on "
                        + h + ": " + cfg);
            }
            for (String h : List.of("h1", tb.hostNames().get(1))) {
                run(h, "auto-" + h, net);
                containers.put(h, "auto-" + h);
            }
            String peer = tb.hostNames().get(1);
            String target = v6(peer, "auto-" + peer, net);
            assertTrue(target.startsWith("fd5a:7661:6f76:"), "address from the default pool: " + target);
            pingUntilAnswered("h1", "auto-h1", target);
        } finally {
            removeEverywhere(net, containers);
        }
    }
}
