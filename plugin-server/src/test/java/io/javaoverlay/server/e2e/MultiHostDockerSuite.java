package io.javaoverlay.server.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.javaoverlay.server.e2e.OverlayProbe.address;
import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static io.javaoverlay.server.e2e.OverlayProbe.consulKeys;
import static io.javaoverlay.server.e2e.OverlayProbe.pingUntilAnswered;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7, end to end, for every Docker without a cluster store (24+), and for Docker 20.10 with one
 * when the plugin runs in its default local scope: a legacy plugin's network
 * exists only on the host that created it. Three hosts and a real Consul, the real javaoverlay daemon
 * on each with its defaults ({@code Scope: local}): a network created on h1 appears on h2 and h3
 * through javaoverlay's replicator, containers on all hosts reach each other, removal on h2 removes
 * it everywhere once no containers are attached, a fourth host started later gets it, and
 * conflicting definitions are refused clearly with nothing left behind.
 *
 * <p>One subclass per Docker version ({@link MultiHostDocker20IT}, {@link MultiHostDocker26IT},
 * {@link MultiHostDocker28IT}), so Failsafe runs the suite on each.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MultiHostDockerSuite {

    private static final System.Logger LOG = System.getLogger(MultiHostDockerSuite.class.getName());
    /** "Within a few seconds": the replicator polls Docker every 2 s and reacts to Consul at once. */
    private static final Duration REPLICATE = Duration.ofSeconds(10);
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String SLEEP = "3600";

    private Testbed tb;
    private final Map<String, PluginProcess> plugins = new TreeMap<>();

    /** The Docker the hosts run. */
    abstract Testbed.DockerVersion dockerVersion();

    /** The hosts' underlay family (IPv4 unless a subclass says otherwise). */
    Testbed.Underlay underlay() {
        return Testbed.Underlay.IPV4;
    }

    @BeforeAll
    void up() {
        Testbed.require();
        tb = Testbed.up(3, dockerVersion(), true, underlay());
        for (String h : List.of("h1", "h2", "h3")) {
            startPlugin(h);
        }
    }

    private void startPlugin(String host) {
        plugins.put(host, PluginProcess.start(tb, host, "multihost" + dockerVersion().flag(), "--store",
                "consul://" + tb.consulAddress(), "--advertise-addr", tb.underlayIp(host), "--host-id", host));
    }

    @AfterAll
    void down() {
        PluginProcess.tearDown(tb, plugins.values());
    }

    private boolean present(String host, String net) {
        return tb.docker(host, "network", "inspect", net).ok();
    }

    private Optional<String> missingOn(List<String> hosts, String net, boolean wanted) {
        for (String h : hosts) {
            if (present(h, net) != wanted) {
                return Optional.of("network " + net + (wanted ? " missing on " : " still on ") + h);
            }
        }
        return Optional.empty();
    }

    private String subnet(String host, String net) {
        return tb.dockerOk(host, "network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", net);
    }

    private String log(String host) {
        try {
            return Files.readString(plugins.get(host).log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> clusterKeys() {
        List<String> keys = new ArrayList<>();
        for (String k : consulKeys(tb, "javaoverlay/v1/")) {
            if (k.contains("/clusternets/") || k.contains("/netalias/") || k.contains("/networks/") || k.contains("/vni/")) {
                keys.add(k);
            }
        }
        return keys;
    }

    @Test
    @Order(1)
    void createdOnH1IsEverywhereContainersPingAcrossHostsALateHostJoinsAndRemovalOnH2RemovesItEverywhere() {
        String net = "blue";
        long t0 = System.nanoTime();
        String id1 = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.120.0/24", net);
        await(REPLICATE, "network " + net + " on h2 and h3", () -> missingOn(List.of("h2", "h3"), net, true));
        LOG.log(Level.INFO, "network present on h2 and h3 " + (System.nanoTime() - t0) / 1_000_000 + " ms after create on h1");
        for (String h : List.of("h2", "h3")) {
            assertEquals("198.18.120.0/24", subnet(h, net), "subnet on " + h);
            assertEquals(id1, tb.dockerOk(h, "network", "inspect", "-f",
                    "{{index .Options \"javaoverlay.cluster-id\"}}", net), "cluster identity on " + h);
        }

        Map<String, String> ips = new TreeMap<>();
        for (String h : List.of("h1", "h2", "h3")) {
            run(tb, h, "c" + h, net, List.of(), "sleep", SLEEP);
            ips.put(h, address(tb, h, "c" + h, net));
        }
        assertEquals(3, ips.values().stream().distinct().count(), "one cluster-wide IPAM: " + ips);
        for (String[] p : new String[][] {{"h1", "h2"}, {"h2", "h3"}, {"h3", "h1"}, {"h1", "h3"}}) {
            pingUntilAnswered(tb, p[0], "c" + p[0], ips.get(p[1]));
        }
        // The fast path carried them: h1's container frames to the other hosts went around the bridge.
        long redirected = OverlayProbe.fastPathPackets(tb, "h1", id1);
        assertTrue(redirected > 0, "h1's fast path redirected no packet to the tunnel");
        LOG.log(Level.INFO, "h1's fast path redirected " + redirected + " packets to the tunnel");

        // A restarted plugin converges again without touching the network (same Docker ID, still pinging).
        String id2 = tb.dockerOk("h2", "network", "inspect", "-f", "{{.Id}}", net);
        plugins.remove("h2").close();
        startPlugin("h2");
        pingUntilAnswered(tb, "h2", "ch2", ips.get("h3"));
        PluginProcess.sleep(3000); // a few replication passes
        assertEquals(id2, tb.dockerOk("h2", "network", "inspect", "-f", "{{.Id}}", net), "h2's network was kept");
        assertFalse(log("h2").contains("created network") || log("h2").contains("removed network"), log("h2"));

        // A host that joins later gets the network and reaches the others.
        Testbed.run(List.of("add", "h4"), Duration.ofMinutes(3)).requireOk();
        startPlugin("h4");
        await(REPLICATE, "network " + net + " on the late host h4", () -> missingOn(List.of("h4"), net, true));
        // The network's first container on h4 sends at once, and its very first packet is answered: its Join
        // programmed the peers before Docker started it (issue 14). Were the proxy entry missing, the ARP would
        // be retried after a second and the reply would take over 1000 ms.
        String first = tb.dockerOk("h4", "run", "--rm", "--net", net, OverlayProbe.IMAGE,
                "ping", "-c", "1", "-W", "3", ips.get("h1"));
        java.util.regex.Matcher rtt = java.util.regex.Pattern.compile("seq=0 ttl=\\d+ time=([0-9.]+) ms").matcher(first);
        assertTrue(rtt.find() && Double.parseDouble(rtt.group(1)) < 500,
                "the first container on h4 got its first ping answered at once: " + first);
        LOG.log(Level.INFO, "the first container on the late host h4: first ping answered in " + rtt.group(1) + " ms");
        run(tb, "h4", "ch4", net, List.of(), "sleep", SLEEP);
        ips.put("h4", address(tb, "h4", "ch4", net));
        pingUntilAnswered(tb, "h4", "ch4", ips.get("h1"));
        pingUntilAnswered(tb, "h1", "ch1", ips.get("h4"));

        // Removal on h2: the hosts with containers say so and wait; the rest follow at once.
        tb.dockerOk("h2", "rm", "-f", "ch2");
        tb.dockerOk("h2", "network", "rm", net);
        assertFalse(present("h2", net));
        await(CONVERGE, "hosts with containers report that they hold up the removal", () ->
                log("h3").contains("network blue removal requested on h2 waits for host h3: 1 container attached")
                        ? Optional.empty() : Optional.of("no waiting message in h3's log"));
        assertTrue(present("h1", net) && present("h3", net) && present("h4", net), "containers keep it alive");
        pingUntilAnswered(tb, "h3", "ch3", ips.get("h1")); // and still working meanwhile
        assertFalse(present("h2", net), "h2 does not bring back a network being removed");
        for (String h : List.of("h1", "h3", "h4")) {
            tb.dockerOk(h, "rm", "-f", "c" + h);
        }
        await(CONVERGE, "network " + net + " gone everywhere, with its store records",
                () -> missingOn(List.of("h1", "h2", "h3", "h4"), net, false)
                        .or(() -> clusterKeys().isEmpty() ? Optional.empty() : Optional.of("left in Consul: " + clusterKeys())));
        assertTrue(consulKeys(tb, "javaoverlay/v1/ipam/pools/").isEmpty(), "the pool is released by the last host");

        // The same name can be created again, from any host.
        tb.dockerOk("h3", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.120.0/24", net);
        await(REPLICATE, "re-created network " + net + " everywhere", () -> missingOn(List.of("h1", "h2", "h4"), net, true));
        tb.dockerOk("h1", "network", "rm", net);
        await(CONVERGE, "re-created network removed everywhere", () -> missingOn(List.of("h1", "h2", "h3", "h4"), net, false));
    }

    @Test
    @Order(2)
    void conflictingDefinitionsAreRefusedClearlyAndLeaveNothingBehind() {
        String net = "green";
        String cid = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.121.0/24", "-o", "com.docker.network.driver.mtu=1300", net);
        await(REPLICATE, "network " + net + " everywhere", () -> missingOn(List.of("h2", "h3"), net, true));
        List<String> before = clusterKeys();
        List<String> poolsBefore = consulKeys(tb, "javaoverlay/v1/ipam/");

        // By hand on h2: the same subnet (so the same network) with another MTU.
        Testbed.Result sameSubnet = tb.docker("h2", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.121.0/24", "green-by-hand");
        assertFalse(sameSubnet.ok(), sameSubnet.describe());
        assertTrue(sameSubnet.stderr().contains("cannot join javaoverlay network " + cid)
                && sameSubnet.stderr().contains("because the definitions differ: option com.docker.network.driver.mtu:"
                + " '1300' there, unset here"), sameSubnet.describe());

        // By hand on h3 with the cluster identity but another subnet.
        Testbed.Result sameId = tb.docker("h3", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.122.0/24", "-o", "javaoverlay.cluster-id=" + cid,
                "-o", "com.docker.network.driver.mtu=1300", "green-other-subnet");
        assertFalse(sameId.ok(), sameId.describe());
        assertTrue(sameId.stderr().contains("IPv4 pools [198.18.121.0/24 gateway 198.18.121.1/24] there,"
                + " [198.18.122.0/24 gateway 198.18.122.1/24] here"), sameId.describe());

        // The same name with another subnet: Docker itself refuses, the network is already there.
        Testbed.Result sameName = tb.docker("h2", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.123.0/24", net);
        assertFalse(sameName.ok(), sameName.describe());

        for (String h : List.of("h2", "h3")) {
            assertEquals("green", tb.dockerOk(h, "network", "ls", "--filter", "driver=javaoverlay", "--format", "{{.Name}}"),
                    "nothing half-created on " + h);
        }
        assertEquals(before, clusterKeys(), "store records unchanged");
        assertEquals(poolsBefore, consulKeys(tb, "javaoverlay/v1/ipam/"), "IPAM unchanged (refused pools released)");

        // Two hosts define the same name differently at the same moment: one definition wins everywhere,
        // the loser's plugin logs what differs and replaces its copy.
        java.util.concurrent.CompletableFuture<Testbed.Result> onH2 = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> tb.docker("h2", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                        "--subnet", "198.18.125.0/24", "red"));
        Testbed.Result onH1 = tb.docker("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.124.0/24", "red");
        Map<String, Testbed.Result> creates = Map.of("h1", onH1, "h2", onH2.join());
        await(CONVERGE, "one definition of red on every host", () -> {
            if (missingOn(List.of("h1", "h2", "h3"), "red", true).isPresent()) {
                return missingOn(List.of("h1", "h2", "h3"), "red", true);
            }
            List<String> subnets = List.of(subnet("h1", "red"), subnet("h2", "red"), subnet("h3", "red"));
            return subnets.stream().distinct().count() == 1 ? Optional.empty() : Optional.of("subnets differ: " + subnets);
        });
        String won = subnet("h1", "red");
        assertTrue(List.of("198.18.124.0/24", "198.18.125.0/24").contains(won), "red has one of the two subnets: " + won);
        String winner = won.equals("198.18.124.0/24") ? "h1" : "h2";
        String loser = winner.equals("h1") ? "h2" : "h1";
        String lost = won.equals("198.18.124.0/24") ? "198.18.125.0/24" : "198.18.124.0/24";
        assertTrue(creates.get(winner).ok(), "the winning create on " + winner + " succeeded: " + creates.get(winner).describe());
        Testbed.Result losing = creates.get(loser);
        if (losing.ok()) {
            // Both creates went through: the loser's replicator found the cluster's definition, logged
            // what differs and replaced its copy.
            await(CONVERGE, "the conflict reported on " + loser, () -> log(loser).contains(
                    "conflicts with the cluster's network red") ? Optional.empty() : Optional.of("no conflict in " + loser + "'s log"));
            String conflict = log(loser).lines().filter(l -> l.contains("conflicts with the cluster's network red"))
                    .findFirst().orElseThrow();
            assertTrue(conflict.contains("subnets [" + won) && conflict.contains(" in the cluster, [" + lost),
                    "the error says what differs: " + conflict);
        } else {
            // The winner's definition had already been replicated to the loser: Docker itself refused the
            // second network of that name.
            assertTrue(losing.stderr().contains("already exists"), "Docker refused a duplicate name: " + losing.describe());
        }
        await(CONVERGE, "the losing definition's pool released", () ->
                consulKeys(tb, "javaoverlay/v1/ipam/pools/").stream().anyMatch(k -> k.contains(lost.replace('/', '_')))
                        ? Optional.of("pool " + lost + " still in Consul") : Optional.empty());

        for (String n : List.of("red", net)) {
            tb.dockerOk("h3", "network", "rm", n);
        }
        await(CONVERGE, "everything removed", () -> missingOn(List.of("h1", "h2", "h3"), "red", false)
                .or(() -> missingOn(List.of("h1", "h2", "h3"), net, false))
                .or(() -> clusterKeys().isEmpty() ? Optional.empty() : Optional.of("left in Consul: " + clusterKeys())));
    }
}
