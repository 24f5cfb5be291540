package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 10, "Start-up": the daemon is started and {@code docker network create} and
 * {@code docker run} are issued the instant its socket file exists (the way a provisioning script
 * runs them after {@code systemctl start}), with no sleep and no retry. Both must succeed: calls
 * that need the store wait for it (bounded) instead of failing while the daemon is merely starting.
 * Three set-ups: Docker 26 with Consul ({@code Scope: local}), the embedded file store (one host),
 * and Docker 20.10 with its cluster store ({@code --scope global}). Socket activation is covered by
 * the systemd tests.
 *
 * <p>Two single-host testbeds, one after the other: Docker 26 (with Consul) for the first two
 * cases, Docker 20.10 for the third.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartupE2EIT {

    private static final System.Logger LOG = System.getLogger(StartupE2EIT.class.getName());

    private Testbed tb;

    /** The testbed for {@code docker}, replacing the one of another version. */
    private Testbed testbed(Testbed.DockerVersion docker) {
        Testbed.require();
        if (tb != null && tb.dockerVersion() != docker) {
            tb.close();
            tb = null;
        }
        if (tb == null) {
            tb = Testbed.up(1, docker, true);
        }
        return tb;
    }

    @AfterAll
    void down() {
        if (tb != null) {
            tb.close();
        }
    }

    @Test
    @Order(1)
    void docker26WithConsulServesTheFirstCreateAndRunTheInstantTheSocketExists() {
        Testbed t = testbed(Testbed.DockerVersion.V26);
        firstCallsSucceed(t, "startup-consul", "198.18.160.0/24", "--store", "consul://" + t.consulAddress(),
                "--advertise-addr", Testbed.hostIp("h1"), "--host-id", "h1");
    }

    @Test
    @Order(2)
    void embeddedStoreServesTheFirstCreateAndRunTheInstantTheSocketExists() throws IOException {
        Testbed t = testbed(Testbed.DockerVersion.V26);
        Path store = Files.createTempDirectory(PluginProcess.logDir(), "startup-store-");
        firstCallsSucceed(t, "startup-embedded", "198.18.161.0/24", "--store", "file://" + store,
                "--advertise-addr", Testbed.hostIp("h1"));
    }

    @Test
    @Order(3)
    void docker20GlobalScopeServesTheFirstCreateAndRunTheInstantTheSocketExists() {
        Testbed t = testbed(Testbed.DockerVersion.V20);
        firstCallsSucceed(t, "startup-global", "198.18.162.0/24", "--store", "consul://" + t.consulAddress(),
                "--scope", "global", "--advertise-addr", Testbed.hostIp("h1"), "--host-id", "h1");
    }

    /**
     * Launches the daemon, and as soon as its socket file exists runs {@code docker network create}
     * then {@code docker run}; both must succeed, and the container must get an address of the
     * subnet. Whatever happens, the container, the network and the daemon are removed afterwards.
     */
    private void firstCallsSucceed(Testbed t, String logName, String subnet, String... daemonArgs) {
        String net = logName;
        PluginProcess plugin = PluginProcess.launch(t, "h1", logName, daemonArgs);
        try {
            long t0 = System.nanoTime();
            Testbed.Result create = t.docker("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver",
                    "javaoverlay", "--subnet", subnet, net);
            long createMs = (System.nanoTime() - t0) / 1_000_000;
            Testbed.Result run = t.docker("h1", "run", "-d", "--name", "first", "--net", net, OverlayProbe.IMAGE,
                    "sleep", "3600");
            long runMs = (System.nanoTime() - t0) / 1_000_000 - createMs;
            LOG.log(Level.INFO, logName + ": socket after " + plugin.readyMillis() + " ms; network create took "
                    + createMs + " ms (ok=" + create.ok() + "), run " + runMs + " ms (ok=" + run.ok() + ")");

            List<String> problems = new ArrayList<>();
            if (!create.ok()) {
                problems.add("docker network create, issued when the socket appeared, failed: " + create.stderr().strip());
            }
            if (!run.ok()) {
                problems.add("docker run, issued right after, failed: " + run.stderr().strip());
            } else {
                String ip = OverlayProbe.address(t, "h1", "first", net);
                String base = subnet.substring(0, subnet.lastIndexOf('.') + 1);
                if (!ip.startsWith(base)) {
                    problems.add("the container got address '" + ip + "', not one of " + subnet);
                }
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n(daemon log " + plugin.log() + ":\n"
                    + plugin.logTail(15) + ")");
        } finally {
            t.docker("h1", "rm", "-f", "first");
            t.docker("h1", "network", "rm", net);
            plugin.close();
        }
    }
}
