package io.javaoverlay.server.e2e;

import io.javaoverlay.server.protocol.NetworkDriverApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promises docs/testbed.md makes about a host, checked on Docker 26: own hostname, underlay
 * address with MTU 1400 and a default route via 198.18.0.1, hosts reach each other but nothing
 * off the machine, dockerd's iptables rules stay in the host namespace, the plugin directory is
 * visible from the root namespace, and the test image runs.
 */
@Tag("docker")
@Tag("privileged")
class HostLayoutIT {

    private static Testbed testbed;

    @BeforeAll
    static void up() {
        Testbed.require();
        testbed = Testbed.up(2, Testbed.DockerVersion.V26, false);
    }

    @AfterAll
    static void down() {
        if (testbed != null) {
            testbed.close();
        }
    }

    @Test
    void eachHostHasItsOwnNameAddressMtuAndRoute() {
        for (String h : testbed.hostNames()) {
            assertEquals("jo-" + h, testbed.exec(h, "hostname").requireOk().stdout().strip());
            String eth0 = testbed.exec(h, "ip", "-o", "addr", "show", "dev", "eth0").requireOk().stdout();
            assertTrue(eth0.contains("inet " + Testbed.hostIp(h) + "/24"), h + " eth0: " + eth0);
            String link = testbed.exec(h, "ip", "-o", "link", "show", "dev", "eth0").requireOk().stdout();
            assertTrue(link.contains(" mtu 1400 "), h + " eth0 must have MTU 1400: " + link);
            String route = testbed.exec(h, "ip", "route", "show", "default").requireOk().stdout();
            assertTrue(route.startsWith("default via 198.18.0.1 dev eth0"), h + " default route: " + route);
            String version = testbed.dockerOk(h, "version", "--format", "{{.Server.Version}}");
            assertTrue(version.startsWith("26."), h + " runs Docker " + version);
        }
    }

    @Test
    void hostsReachEachOtherButNothingOffTheMachine() {
        assertTrue(testbed.exec("h1", "ping", "-c", "1", "-W", "2", Testbed.hostIp("h2")).ok(), "h1 -> h2 on the underlay");
        // The gateway answers, but forwards nothing: the VM's own network is unreachable.
        assertTrue(testbed.exec("h1", "ping", "-c", "1", "-W", "2", "198.18.0.1").ok(), "h1 -> gateway");
        assertFalse(testbed.exec("h1", "ping", "-c", "1", "-W", "1", "192.0.2.1").ok(), "h1 must not reach off the underlay");
    }

    @Test
    void longRunningCommandStartedInAHostServesTheUnderlay() throws Exception {
        Path log = Files.createTempFile("iperf3-h2", ".log");
        Process server = testbed.start("h2", log, "iperf3", "-s", "-B", Testbed.hostIp("h2"));
        try {
            Testbed.Result client = null;
            for (int attempt = 0; attempt < 20; attempt++) {   // wait until the server listens
                client = testbed.exec("h1", "iperf3", "-c", Testbed.hostIp("h2"), "-t", "1", "-J");
                // iperf3 3.12 with -J exits 0 even on "Connection refused": look at the result too.
                if (client.ok() && client.stdout().contains("\"sum_received\"")) {
                    break;
                }
                Thread.sleep(250);
            }
            assertTrue(client.ok() && client.stdout().contains("\"sum_received\""),
                    "iperf3 h1 -> h2 over the underlay: " + client.describe() + "\nserver log: " + Files.readString(log));
        } finally {
            server.destroy();
            server.waitFor();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void dockerdAndItsIptablesRulesLiveInTheHostNamespace() throws IOException {
        String inHost = testbed.exec("h1", "iptables", "-t", "nat", "-S").requireOk().stdout();
        assertTrue(inHost.contains("198.19.1.0/24"), "dockerd on h1 masquerades h1's docker0 in h1: " + inHost);
        // dockerd's netns is h1's, not ours, so its rules cannot be in the root namespace. (We do not
        // list the root firewall: with iptables-nft even a listing may create tables there.)
        String pid = Files.readString(Testbed.stateDir().resolve("h1/run/docker.pid")).strip();
        Path dockerdNet = Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net"));
        assertFalse(dockerdNet.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net"))), "dockerd in root netns");
        assertEquals(Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString(),
                testbed.exec("h1", "readlink", "/proc/self/ns/net").requireOk().stdout().strip());
    }

    @Test
    void pluginDirectoryOfAHostIsVisibleFromTheRootNamespace() throws IOException {
        Path seen = Testbed.pluginDir("h1").resolve("probe.spec");
        try {
            testbed.exec("h1", "sh", "-c", "echo unix:///run/docker/plugins/probe.sock > /run/docker/plugins/probe.spec")
                    .requireOk();
            assertEquals("unix:///run/docker/plugins/probe.sock", Files.readString(seen).strip());
            assertFalse(Files.exists(Path.of("/run/docker/plugins/probe.spec")), "the root /run must not see it");
            assertFalse(Files.exists(Testbed.pluginDir("h2").resolve("probe.spec")), "h2 must not see it");
        } finally {
            Files.deleteIfExists(seen);
        }
    }

    @Test
    void pluginSocketServedFromTheRootNamespaceIsUsedByThatHostsDockerd() throws IOException {
        try (ProbePlugin plugin = new ProbePlugin(Testbed.pluginDir("h1").resolve("jo-probe.sock"))) {
            testbed.dockerOk("h1", "network", "create", "-d", "jo-probe", "probenet");
            assertTrue(plugin.calls().contains("/" + NetworkDriverApi.CREATE_NETWORK), "calls: " + plugin.calls());
            testbed.dockerOk("h1", "network", "rm", "probenet");
            assertTrue(plugin.calls().contains("/" + NetworkDriverApi.DELETE_NETWORK), "calls: " + plugin.calls());
            assertFalse(testbed.docker("h2", "network", "create", "-d", "jo-probe", "probenet").ok(),
                    "h2's dockerd must not find h1's plugin");
        }
    }

    @Test
    void testImageRunsBusyboxIperf3AndSocat() {
        testbed.dockerOk("h2", "run", "-d", "--name", "imagecheck", "jo-test:latest", "sleep", "600");
        String out = testbed.dockerOk("h2", "exec", "imagecheck", "iperf3", "--version");
        assertTrue(out.startsWith("iperf 3"), "iperf3 in the test image: " + out);
        String socat = testbed.dockerOk("h2", "exec", "imagecheck", "socat", "-V");
        assertTrue(socat.contains("socat version 1."), "socat in the test image: " + socat);
        // The tools the end-to-end tests use (busybox applets): all on PATH, and ping speaks IPv6.
        testbed.dockerOk("h2", "exec", "imagecheck", "which", "wget", "httpd", "nc", "nslookup", "ping", "ip");
        testbed.dockerOk("h2", "exec", "imagecheck", "ping", "-6", "-c", "1", "-W", "2", "::1");
        String ip = testbed.dockerOk("h2", "exec", "imagecheck", "hostname", "-i");
        assertTrue(ip.startsWith("198.19.2."), "container on h2's docker0 (198.19.2.0/24): " + ip);
    }
}
