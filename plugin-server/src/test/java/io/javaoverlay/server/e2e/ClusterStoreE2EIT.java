package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.address;
import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static io.javaoverlay.server.e2e.OverlayProbe.consulKeys;
import static io.javaoverlay.server.e2e.OverlayProbe.dontFragmentPing;
import static io.javaoverlay.server.e2e.OverlayProbe.fdb;
import static io.javaoverlay.server.e2e.OverlayProbe.hasNeigh;
import static io.javaoverlay.server.e2e.OverlayProbe.hasPeerFdb;
import static io.javaoverlay.server.e2e.OverlayProbe.mac;
import static io.javaoverlay.server.e2e.OverlayProbe.neigh;
import static io.javaoverlay.server.e2e.OverlayProbe.ownedDevices;
import static io.javaoverlay.server.e2e.OverlayProbe.pingUntilAnswered;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static io.javaoverlay.server.e2e.OverlayProbe.vxlanOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import io.javaoverlay.testing.Requirements;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, end to end: two Docker 20.10 hosts with {@code --cluster-store=consul://198.18.0.1:8500}
 * and the real javaoverlay daemon on each ({@code --scope global}, same Consul). Everything is driven
 * through the Docker CLI and checked the way an operator would: {@code docker network inspect},
 * pings between containers, {@code ip}/{@code bridge} in each host, Consul's KV API.
 *
 * <p>The underlay has MTU 1400, so the overlay MTU is 1350 (VXLAN over IPv4 costs 50 bytes): a
 * don't-fragment ping with 1322 payload bytes (1350 on the wire) must pass, 1323 must not.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
class ClusterStoreE2EIT {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String SLEEP = "3600";

    private static Testbed tb;
    private static PluginProcess plugin1;
    private static PluginProcess plugin2;

    @BeforeAll
    static void up() {
        Testbed.require();
        // busybox ping (the image's) cannot set don't-fragment; the host's iputils ping runs in the
        // container's network namespace instead.
        Requirements.require(Requirements.onPath("ping"), "iputils ping on PATH (package iputils-ping; .ci/run installs it)");
        Requirements.require(Requirements.onPath("iptables"), "iptables on PATH (the daemon adds a FORWARD rule)");
        tb = Testbed.up(2, Testbed.DockerVersion.V20, true);
        plugin1 = startPlugin("h1", "cluster");
        plugin2 = startPlugin("h2", "cluster");
    }

    private static PluginProcess startPlugin(String host, String logName) {
        return PluginProcess.start(tb, host, logName, "--store", "consul://" + tb.consulAddress(), "--scope", "global",
                "--advertise-addr", Testbed.hostIp(host));
    }

    @AfterAll
    static void down() {
        PluginProcess.tearDown(tb, plugin1, plugin2);
    }

    @Test
    void networkCreatedOnH1SpansBothHostsWithTheRightMtuAndCleansUpAfterItself() {
        String net = "multihost";
        String netId = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "10.77.0.0/24", net);
        assertEquals(netId.substring(0, 12) + " javaoverlay global", tb.dockerOk("h2", "network", "ls", "--filter",
                "name=" + net, "--format", "{{.ID}} {{.Driver}} {{.Scope}}"), "h2 must list the network created on h1");

        run(tb, "h1", "c1", net, List.of(), "sleep", SLEEP);
        run(tb, "h2", "c2", net, List.of(), "sleep", SLEEP);
        String ip1 = address(tb, "h1", "c1", net);
        String ip2 = address(tb, "h2", "c2", net);
        String mac2 = mac(tb, "h2", "c2", net);
        assertTrue(ip1.startsWith("10.77.0.") && ip2.startsWith("10.77.0.") && !ip1.equals(ip2), ip1 + " " + ip2);

        // docker network inspect (on either host) shows both endpoints with their addresses.
        for (String h : List.of("h1", "h2")) {
            String eps = tb.dockerOk(h, "network", "inspect", "-f",
                    "{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}", net);
            assertTrue(eps.contains("c1=" + ip1 + "/24") && eps.contains("c2=" + ip2 + "/24"),
                    "network inspect on " + h + ": " + eps);
        }

        // Docker's FORWARD policy is DROP and br_netfilter is on: the daemon's ACCEPT rule for frames
        // bridged in jo-br-* is what lets the pings below through (HostFirewall).
        for (String h : tb.hostNames()) {
            Testbed.Result rule = tb.exec(h, "iptables", "-w", "-C", "FORWARD", "-i", "jo-br-+", "-o", "jo-br-+", "-j", "ACCEPT");
            assertTrue(rule.ok(), "FORWARD ACCEPT rule for jo-br-+ on " + h + ": " + rule.describe());
        }
        pingUntilAnswered(tb, "h1", "c1", ip2);
        pingUntilAnswered(tb, "h2", "c2", ip1);
        // Docker 20.10's embedded DNS serves remote endpoints of a global-scope network (protocol §6).
        Testbed.Result byName = pingUntilAnswered(tb, "h1", "c1", "c2");
        assertTrue(byName.stdout().contains("(" + ip2 + ")"), "c2 resolves to " + ip2 + " on h1: " + byName.stdout());

        // MTU: the container end got 1350, and exactly 1350-byte IP packets cross with DF set, both ways.
        for (String[] hc : new String[][] {{"h1", "c1"}, {"h2", "c2"}}) {
            assertEquals("1350", tb.dockerOk(hc[0], "exec", hc[1], "cat", "/sys/class/net/eth0/mtu"),
                    "MTU of eth0 in " + hc[1]);
        }
        for (String[] way : new String[][] {{"h1", "c1", ip2}, {"h2", "c2", ip1}}) {
            Testbed.Result fits = dontFragmentPing(tb, way[0], way[1], way[2], 1322);
            assertTrue(fits.ok() && fits.stdout().contains("1 received"),
                    "DF ping of 1322 bytes " + way[1] + " -> " + way[2] + ": " + fits.describe());
            Testbed.Result tooBig = dontFragmentPing(tb, way[0], way[1], way[2], 1323);
            assertFalse(tooBig.ok(), "DF ping of 1323 bytes " + way[1] + " -> " + way[2] + " must fail: "
                    + tooBig.describe());
        }

        // h1 knows c2 through the peer entries on its VXLAN device: FDB MAC -> h2's VTEP, and ARP.
        String vx1 = vxlanOf(tb, "h1", netId).orElseThrow().path("ifname").asText();
        assertTrue(hasPeerFdb(fdb(tb, "h1", vx1), mac2, Testbed.hostIp("h2")), "FDB on h1 " + vx1 + " for c2");
        assertTrue(hasNeigh(neigh(tb, "h1", vx1), ip2), "neighbour on h1 " + vx1 + " for c2");
        assertTrue(consulKeys(tb, "javaoverlay/").stream().anyMatch(k -> k.endsWith("/" + ip2)),
                "c2's address is allocated in Consul");

        // docker rm -f on h2: the address returns to the pool (in Consul) and h1 forgets the peer.
        tb.dockerOk("h2", "rm", "-f", "c2");
        await(CONVERGE, "release of c2's address and removal of its peer entries on h1", () -> {
            if (consulKeys(tb, "javaoverlay/").stream().anyMatch(k -> k.endsWith("/" + ip2))) {
                return Optional.of("a key for " + ip2 + " is still in Consul");
            }
            if (hasPeerFdb(fdb(tb, "h1", vx1), mac2, Testbed.hostIp("h2"))) {
                return Optional.of("FDB entry " + mac2 + " dst " + Testbed.hostIp("h2") + " still on h1 " + vx1);
            }
            if (hasNeigh(neigh(tb, "h1", vx1), ip2)) {
                return Optional.of("neighbour " + ip2 + " still on h1 " + vx1);
            }
            return Optional.empty();
        });

        // docker network rm (on the host that did not create it): no jo-* device left on any host,
        // and no key of the network left in Consul.
        tb.dockerOk("h1", "rm", "-f", "c1");
        tb.dockerOk("h2", "network", "rm", net);
        await(CONVERGE, "removal of every javaoverlay device and key of " + net, () -> {
            for (String h : tb.hostNames()) {
                List<String> left = ownedDevices(tb, h);
                if (!left.isEmpty()) {
                    return Optional.of(h + " still has " + left);
                }
            }
            List<String> keys = consulKeys(tb, "javaoverlay/").stream()
                    .filter(k -> k.contains(netId) || k.contains("10.77.0.")).toList();
            return keys.isEmpty() ? Optional.empty() : Optional.of("Consul still has " + keys);
        });
        assertTrue(plugin1.isAlive() && plugin2.isAlive(), "both daemons still run");
    }

    @Test
    void secondNetworkOnTheSameHostsCannotReachTheFirst() {
        String netA = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "10.77.10.0/24", "iso-a");
        String netB = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "10.77.11.0/24", "iso-b");
        run(tb, "h1", "a1", "iso-a", List.of(), "sleep", SLEEP);
        run(tb, "h2", "a2", "iso-a", List.of(), "sleep", SLEEP);
        // b2 may route iso-a's subnet straight onto its own overlay link, so the only thing that can
        // stop it is the L2 separation of the two networks (different VNIs), not routing.
        run(tb, "h2", "b2", "iso-b", List.of("--cap-add", "NET_ADMIN"), "sleep", SLEEP);
        tb.dockerOk("h2", "exec", "b2", "ip", "route", "add", "10.77.10.0/24", "dev", "eth0");
        String ipA1 = address(tb, "h1", "a1", "iso-a");

        pingUntilAnswered(tb, "h2", "a2", ipA1); // control: a1 is reachable from its own network
        Testbed.Result cross = tb.docker("h2", "exec", "b2", "ping", "-c", "3", "-W", "2", ipA1);
        assertFalse(cross.ok(), "b2 on iso-b must not reach a1 on iso-a: " + cross.describe());

        JsonNode vxA = vxlanOf(tb, "h2", netA).orElseThrow();
        JsonNode vxB = vxlanOf(tb, "h2", netB).orElseThrow();
        assertNotEquals(vxA.path("linkinfo").path("info_data").path("id").asInt(),
                vxB.path("linkinfo").path("info_data").path("id").asInt(), "the two networks have different VNIs");

        tb.dockerOk("h1", "rm", "-f", "a1");
        tb.dockerOk("h2", "rm", "-f", "a2", "b2");
        tb.dockerOk("h1", "network", "rm", "iso-a", "iso-b");
    }

    @Test
    void containerReachesTheUnderlayGatewayAndAPublishedPortAnswersFromTheOtherHost() {
        tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "10.77.20.0/24", "edge");
        // The driver returns no Gateway, so Docker adds docker_gwbridge for egress (eth1, default route).
        run(tb, "h1", "e1", "edge", List.of(), "sleep", SLEEP);
        String routes = tb.dockerOk("h1", "exec", "e1", "ip", "route");
        assertTrue(routes.contains("default via") && routes.contains("dev eth1"), "default route via docker_gwbridge: " + routes);
        Testbed.Result egress = tb.docker("h1", "exec", "e1", "ping", "-c", "1", "-W", "2", "198.18.0.1");
        assertTrue(egress.ok(), "e1 reaches the underlay gateway 198.18.0.1: " + egress.describe());

        run(tb, "h1", "web", "edge", List.of("-p", "8080:80"), "sh", "-c",
                "mkdir -p /www && echo hello-javaoverlay > /www/index.html && exec httpd -f -p 80 -h /www");
        await(CONVERGE, "the published port answering from h2", () -> {
            Testbed.Result r = tb.exec("h2", "curl", "-sS", "-m", "3", "http://" + Testbed.hostIp("h1") + ":8080/");
            return r.ok() && r.stdout().strip().equals("hello-javaoverlay") ? Optional.empty()
                    : Optional.of(r.describe());
        });

        tb.dockerOk("h1", "rm", "-f", "e1", "web");
        tb.dockerOk("h1", "network", "rm", "edge");
    }

    @Test
    void daemonRestartOnH2KeepsTrafficAndServesTheNetworkItLearnedBefore() {
        tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "10.77.40.0/24", "restart");
        run(tb, "h1", "r1", "restart", List.of(), "sleep", SLEEP);
        run(tb, "h2", "r2", "restart", List.of(), "sleep", SLEEP);
        String ip1 = address(tb, "h1", "r1", "restart");
        pingUntilAnswered(tb, "h2", "r2", ip1);

        // Docker does not notice a legacy plugin's restart (protocol §5.5): the new process must
        // reload the network from Consul and keep the kernel state it finds.
        plugin2.close();
        Testbed.Result during = tb.docker("h2", "exec", "r2", "ping", "-c", "1", "-W", "2", ip1);
        assertTrue(during.ok(), "traffic does not depend on the daemon process: " + during.describe());
        plugin2 = startPlugin("h2", "cluster-restarted"); // a new log: keep the first life's
        pingUntilAnswered(tb, "h2", "r2", ip1);

        run(tb, "h2", "r3", "restart", List.of(), "sleep", SLEEP);
        String ip3 = address(tb, "h2", "r3", "restart");
        pingUntilAnswered(tb, "h1", "r1", ip3);

        tb.dockerOk("h1", "rm", "-f", "r1");
        tb.dockerOk("h2", "rm", "-f", "r2", "r3");
        tb.dockerOk("h2", "network", "rm", "restart");
        await(CONVERGE, "removal of the restart network's devices", () -> {
            for (String h : tb.hostNames()) {
                List<String> left = ownedDevices(tb, h);
                if (!left.isEmpty()) {
                    return Optional.of(h + " still has " + left);
                }
            }
            return Optional.empty();
        });
    }
}
