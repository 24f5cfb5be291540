package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Baseline that proves the testbed: Docker's own overlay driver in the classic (pre-swarm) setup,
 * two hosts on Docker 20.10 with Consul as the cluster store. A network created on h1 is listed on
 * h2, and a container on h1 pings a container on h2 by IP and by name. If this fails, the testbed
 * (namespaces, underlay, dockerd, Consul) is broken, not javaoverlay.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
class DockerOverlayBaselineIT {

    private static final System.Logger LOG = System.getLogger(DockerOverlayBaselineIT.class.getName());
    private static final String IMAGE = "jo-test:latest";
    private static Testbed testbed;

    @BeforeAll
    static void up() {
        Testbed.require();
        testbed = Testbed.up(2, Testbed.DockerVersion.V20, true);
    }

    @AfterAll
    static void down() {
        if (testbed != null) {
            testbed.close();
        }
    }

    @Test
    void overlayNetworkFromH1IsListedOnH2AndContainersPingAcrossHostsByIpAndName() {
        // Two real dockerds, each with its own name, both using the testbed's Consul.
        for (String h : List.of("h1", "h2")) {
            String info = testbed.dockerOk(h, "info", "--format",
                    "{{.Name}}|{{.ServerVersion}}|{{.ClusterStore}}|{{.ClusterAdvertise}}");
            String[] f = info.split("\\|");
            assertEquals(4, f.length, "docker info on " + h + ": " + info);
            assertEquals("jo-" + h, f[0], "hostname of " + h);
            assertTrue(f[1].startsWith("20.10."), "Docker version on " + h + ": " + f[1]);
            assertEquals("consul://" + testbed.consulAddress(), f[2], "cluster store of " + h);
            assertEquals(Testbed.hostIp(h) + ":2376", f[3], "cluster advertise of " + h);
            LOG.log(Level.INFO, "baseline: dockerd {0}: {1}", h, info);
        }

        // A real Consul agent answers on the underlay (not a stub): log its version for the CI record.
        Testbed.Result self = testbed.exec("h1", "curl", "-fsS", "http://" + testbed.consulAddress() + "/v1/agent/self");
        Matcher version = Pattern.compile("\"Version\":\\s*\"([^\"]+)\"").matcher(self.stdout());
        assertTrue(self.ok() && version.find(), "Consul agent at " + testbed.consulAddress() + ": " + self.describe());
        LOG.log(Level.INFO, "baseline: Consul {0} at {1}", version.group(1), testbed.consulAddress());

        String netId = testbed.dockerOk("h1", "network", "create", "-d", "overlay", "multihost");
        String onH2 = testbed.dockerOk("h2", "network", "ls", "--filter", "name=multihost",
                "--format", "{{.ID}} {{.Driver}} {{.Scope}}");
        assertEquals(netId.substring(0, 12) + " overlay global", onH2, "h2 must list the network created on h1");
        // The network object really lives in Consul (libnetwork's key layout).
        Testbed.Result kv = testbed.exec("h2", "curl", "-fsS",
                "http://" + testbed.consulAddress() + "/v1/kv/docker/network/v1.0/network/" + netId + "?keys");
        assertTrue(kv.ok() && kv.stdout().contains(netId), "network key in Consul: " + kv.describe());

        testbed.dockerOk("h1", "run", "-d", "--name", "c1", "--net", "multihost", IMAGE, "sleep", "3600");
        testbed.dockerOk("h2", "run", "-d", "--name", "c2", "--net", "multihost", IMAGE, "sleep", "3600");
        String ip2 = testbed.dockerOk("h2", "inspect", "-f",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "c2");
        assertTrue(ip2.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), "c2 address: " + ip2);

        Testbed.Result byIp = pingUntilAnswered("c1", ip2);
        Testbed.Result byName = pingUntilAnswered("c1", "c2");
        assertTrue(byName.stdout().contains("(" + ip2 + ")"), "c2 must resolve to " + ip2 + ": " + byName.stdout());
        LOG.log(Level.INFO, "baseline: network {0} created on h1 listed on h2; c1@h1 -> c2@h2 {1}: "
                + "ping by IP and by name OK\n{2}\n{3}", netId.substring(0, 12), ip2,
                lastLine(byIp.stdout()), lastLine(byName.stdout()));
    }

    /**
     * Pings from a container on h1 until a reply arrives or 30 s pass. Waiting is needed because the
     * overlay learns the remote endpoint through serf gossip; this is a readiness wait, not a timing
     * assertion.
     */
    private static Testbed.Result pingUntilAnswered(String container, String target) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Testbed.Result last;
        do {
            last = testbed.docker("h1", "exec", container, "ping", "-c", "2", "-W", "2", target);
            if (last.ok()) {
                return last;
            }
        } while (Instant.now().isBefore(deadline));
        return fail(container + " on h1 cannot ping " + target + " on h2: " + last.describe());
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }
}
