package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.address;
import static io.javaoverlay.server.e2e.OverlayProbe.ownedDevices;
import static io.javaoverlay.server.e2e.OverlayProbe.pingUntilAnswered;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.ipam.IpamKeys;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6, single host: one Docker 26 host, no Consul, the daemon started with the README's first
 * command ({@code scripts/run}: embedded file store, local scope), with only the store directory
 * moved under {@code target/} so each run starts empty. A network created without
 * {@code --subnet} gets a subnet from the default pool, and two containers on it reach each other by
 * address and by name (Docker's embedded DNS).
 */
@Tag("docker")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleHostEmbeddedE2EIT {


    private static Testbed tb;
    private static PluginProcess plugin;
    private static Path store;
    private static int restarts;

    @BeforeAll
    static void up() throws IOException {
        Testbed.require();
        tb = Testbed.up(1, Testbed.DockerVersion.V26, false);
        store = Files.createTempDirectory(PluginProcess.logDir(), "single-store-");
        // scripts/run is the README's first command: it execs `bin/javaoverlay daemon ARGS` (the build
        // exists: Failsafe runs after package, so it does not rebuild).
        plugin = PluginProcess.startCommand(tb, "h1", "single",
                List.of(PluginProcess.repoRoot().resolve("scripts/run").toString(), "--store", "file://" + store));
    }

    @AfterAll
    static void down() {
        PluginProcess.tearDown(tb, plugin);
    }

    @Test
    @Order(1)
    void defaultPoolNetworkConnectsTwoContainersByAddressAndByName() throws Exception {
        String netId = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay", "net1");
        String subnet = tb.dockerOk("h1", "network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", "net1");
        assertTrue(subnet.startsWith("10.200.") && subnet.endsWith("/24"),
                "net1 gets a /24 from the default pool 10.200.0.0/16: " + subnet);
        assertEquals("local", tb.dockerOk("h1", "network", "inspect", "-f", "{{.Scope}}", "net1"));

        run(tb, "h1", "one", "net1", List.of(), "sleep", "3600");
        run(tb, "h1", "two", "net1", List.of(), "sleep", "3600");
        String ipTwo = address(tb, "h1", "two", "net1");
        String ipOne = address(tb, "h1", "one", "net1");
        pingUntilAnswered(tb, "h1", "one", ipTwo);
        pingUntilAnswered(tb, "h1", "two", ipOne);
        Testbed.Result byName = pingUntilAnswered(tb, "h1", "one", "two");
        assertTrue(byName.stdout().contains("(" + ipTwo + ")"), "'two' resolves to " + ipTwo + ": " + byName.stdout());

        // The state lives in the embedded store on disk, not in Consul: read it back as a second
        // process of the local store may (its lock file alone proves nothing).
        try (KvStore local = LocalKvStore.open(store)) {
            KvEntry net = local.get(NetworkKeys.network(netId)).orElseThrow(() ->
                    new AssertionError("the embedded store under " + store + " has no record of network " + netId));
            NetworkRecord rec = NetworkKeys.decode(net.key(), net.value(), NetworkRecord.class);
            assertEquals(List.of(IpPrefix.parse(subnet)), rec.ipv4().stream().map(NetworkRecord.Pool::pool).toList(),
                    "the network record holds net1's subnet");
            assertEquals(2, local.list(NetworkKeys.endpointsOf(netId)).size(), "both containers' endpoints are recorded");
            assertTrue(local.get(IpamKeys.pool(IpPrefix.parseNetwork(subnet))).isPresent(), "the IPAM pool is recorded");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        tb.dockerOk("h1", "rm", "-f", "one", "two");
        tb.dockerOk("h1", "network", "rm", "net1");
        OverlayProbe.await(Duration.ofSeconds(30), "removal of net1's devices", () -> {
            List<String> left = ownedDevices(tb, "h1");
            return left.isEmpty() ? Optional.empty() : Optional.of("h1 still has " + left + " (network " + netId + ")");
        });
    }

    /**
     * The host is reinstalled (power loss, then a fresh dockerd with no networks) but keeps the
     * embedded store: the store still has networks Docker no longer has.
     * <ol>
     *   <li>Right after the daemon is ready, {@code docker network create} with such a network's subnet
     *       must succeed (it was refused: "network ... on this host already is javaoverlay network ...;
     *       use that network", a network Docker no longer has), and the new network must work.</li>
     *   <li>Without any new network, the reconciliation must forget such a network, its alias and its
     *       pool within a few resyncs ({@code --endpoint-grace 3s --resync-interval 3s}).</li>
     * </ol>
     */
    @Test
    @Order(2)
    void networksDockerLostAreForgottenAndTheirSubnetCanBeUsedAgain() throws Exception {
        String subnet = "198.19.77.0/24";
        String lost = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", subnet, "lost");
        run(tb, "h1", "ca", "lost", List.of(), "sleep", "3600");
        reinstall(List.of());
        assertTrue(storeKeysNaming(lost).size() > 0, "the store still knows network " + lost);

        // At once, as an impatient user would: the same subnet again.
        Testbed.Result create = tb.docker("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", subnet, "again");
        assertTrue(create.ok(), "a network with the subnet of a network Docker lost can be created: " + create.describe());
        String again = create.stdout().strip();
        run(tb, "h1", "cb", "again", List.of(), "sleep", "3600");
        run(tb, "h1", "cc", "again", List.of(), "sleep", "3600");
        pingUntilAnswered(tb, "h1", "cb", address(tb, "h1", "cc", "again"));
        assertEquals(List.of(), storeKeysNaming(lost), "nothing of the lost network " + lost + " is left in the store");
        assertTrue(storeKeysNaming(again).size() > 0, "network " + again + " is recorded");

        // The reconciliation alone: no create this time.
        String lost2 = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.19.78.0/24", "lost2");
        run(tb, "h1", "cd", "lost2", List.of(), "sleep", "3600");
        reinstall(List.of("--endpoint-grace=3s", "--resync-interval=3s"));
        OverlayProbe.await(Duration.ofSeconds(60), "the networks Docker lost forgotten by the reconciliation", () -> {
            List<String> left = new java.util.ArrayList<>(storeKeysNaming(lost2));
            left.addAll(storeKeysNaming(again));
            left.addAll(storeKeysNaming("198.19.78.0"));
            left.addAll(storeKeysNaming("198.19.77.0"));
            return left.isEmpty() ? Optional.empty() : Optional.of("the store still has " + left);
        });
        assertEquals(List.of(), ownedDevices(tb, "h1"), "no device of a forgotten network is left");
        String net = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.19.78.0/24", "lost2");
        run(tb, "h1", "ce", "lost2", List.of(), "sleep", "3600");
        run(tb, "h1", "cf", "lost2", List.of(), "sleep", "3600");
        pingUntilAnswered(tb, "h1", "ce", address(tb, "h1", "cf", "lost2"));
        tb.dockerOk("h1", "rm", "-f", "ce", "cf");
        tb.dockerOk("h1", "network", "rm", "lost2");
        OverlayProbe.await(Duration.ofSeconds(30), "network " + net + " removed from the store", () -> {
            List<String> left = storeKeysNaming(net);
            return left.isEmpty() ? Optional.empty() : Optional.of("the store still has " + left);
        });
    }

    /** Power loss and a fresh host (no Docker networks), then the daemon again on the same store. */
    /**
     * A daemon restarted with a wrong {@code --driver-name} sees no network of "its" driver in Docker,
     * although Docker has this host's network under the real name. The endpoint reconciler must not
     * take that for "every network is gone": with a short grace and resync, several passes run, and
     * the network's pool and its holder stay (Docker still answers for the network's ID), with a
     * warning naming the fix. Restarted with the right name, the network works as before.
     */
    @Test
    @Order(3)
    void aWrongDriverNameKeepsThePoolsOfNetworksDockerStillHas() throws Exception {
        String subnet = "198.19.79.0/24";
        String netId = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", subnet, "kept");
        run(tb, "h1", "ka", "kept", List.of(), "sleep", "3600");
        List<String> poolKeys = storeKeysNaming("198.19.79.0");
        assertTrue(poolKeys.stream().anyMatch(k -> k.contains("pools")), "the pool is recorded: " + poolKeys);

        restart(List.of("--driver-name", "javaoverlay-typo", "--endpoint-grace=3s", "--resync-interval=3s"));
        PluginProcess.sleep(10_000); // passes every 3 s, records older than the 3 s grace
        assertEquals(poolKeys, storeKeysNaming("198.19.79.0"), "nothing of the pool was removed");
        assertTrue(storeKeysNaming(netId).size() > 0, "network " + netId + " is still recorded");
        assertTrue(plugin.logText().contains("but Docker still has network " + netId + " with driver 'javaoverlay'; the"
                + " holder is kept (if the driver name is wrong, fix --driver-name)"), "the daemon's log says why");

        restart(List.of());
        run(tb, "h1", "kb", "kept", List.of(), "sleep", "3600");
        pingUntilAnswered(tb, "h1", "kb", address(tb, "h1", "ka", "kept"));
        tb.dockerOk("h1", "rm", "-f", "ka", "kb");
        tb.dockerOk("h1", "network", "rm", "kept");
    }

    /** Stops the daemon and starts it again with {@code flags}; Docker and the store stay. */
    private static void restart(List<String> flags) {
        plugin.close();
        startAgain("single-restart-", flags);
    }

    private static void reinstall(List<String> flags) {
        tb.vanish("h1"); // SIGKILLs the daemon too
        plugin.close();
        tb.add("h1");
        startAgain("single-again-", flags);
    }

    /** {@code scripts/run --store file://STORE FLAGS} on h1, the README's first command, with the same store. */
    private static void startAgain(String logName, List<String> flags) {
        List<String> command = new java.util.ArrayList<>(List.of(PluginProcess.repoRoot().resolve("scripts/run").toString(),
                "--store", "file://" + store));
        command.addAll(flags);
        plugin = PluginProcess.startCommand(tb, "h1", logName + (++restarts), command);
    }

    /** Keys of the embedded store whose name or value mentions {@code text}. */
    private static List<String> storeKeysNaming(String text) {
        try (KvStore local = LocalKvStore.open(store)) {
            return local.list("").stream().filter(e -> e.key().contains(text) || e.valueAsString().contains(text))
                    .map(KvEntry::key).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
