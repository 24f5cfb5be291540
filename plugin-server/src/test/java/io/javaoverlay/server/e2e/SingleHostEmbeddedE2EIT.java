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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, single host: one Docker 26 host, no Consul, the daemon started with the README's first
 * command ({@code scripts/run}: embedded file store, local scope), with only the store directory
 * moved under {@code target/} so each run starts empty. A network created without
 * {@code --subnet} gets a subnet from the default pool, and two containers on it reach each other by
 * address and by name (Docker's embedded DNS).
 */
@Tag("docker")
@Tag("privileged")
class SingleHostEmbeddedE2EIT {


    private static Testbed tb;
    private static PluginProcess plugin;
    private static Path store;

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
}
