package io.javaoverlay.server.e2e;

import io.javaoverlay.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The testbed's fault primitives do what docs/testbed.md says, on three Docker 26 hosts with Consul:
 * a Consul partition cuts one host from Consul but not from the other hosts, a paused agent makes
 * requests time out, export/wipe/import round-trips the store, dockerd-restart brings the API back
 * (TERM and KILL), a vanished host leaves no process and no reachable address behind, and
 * {@code add} starts a vanished host again as a fresh host. The end-to-end tests of the plugin build
 * on these, so each is checked the way those tests will see it.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    /** curl's exit status for "operation timed out": the request hung, nothing refused it. */
    private static final int CURL_TIMEOUT = 28;

    private static Testbed tb;

    @BeforeAll
    static void up() {
        Testbed.require();
        Requirements.require(Requirements.onPath("nft"), "nft on PATH (package nftables; consul-partition uses it)");
        Requirements.require(Requirements.onPath("socat"), "socat on PATH (package socat)");
        tb = Testbed.up(3, Testbed.DockerVersion.V26, true);
    }

    @AfterAll
    static void down() {
        if (tb != null) {
            tb.close(); // fails the class if down leaves anything behind, also after vanish
        }
    }

    /** GET /v1/status/leader from a host with a 2 s limit. */
    private static Testbed.Result consulLeader(String host) {
        return tb.exec(host, "curl", "-sS", "-m", "2", "http://" + tb.consulAddress() + "/v1/status/leader");
    }

    private static boolean pings(String from, String to) {
        return tb.exec(from, "ping", "-c", "1", "-W", "1", to).ok();
    }

    @Test
    @Order(1)
    void consulPartitionCutsOneHostFromConsulWhileTheHostsStillReachEachOther() throws Exception {
        assertTrue(consulLeader("h1").ok(), "h1 reaches Consul before the partition");
        tb.consulPartition("h1", true);
        try {
            Testbed.Result cut = consulLeader("h1");
            assertEquals(CURL_TIMEOUT, cut.exitCode(), "h1's Consul request must hang: " + cut.describe());
            assertTrue(consulLeader("h2").ok(), "h2 still reaches Consul");
            assertTrue(pings("h1", Testbed.hostIp("h2")), "h1 still pings h2's underlay address");
            // VXLAN is UDP between the hosts' underlay addresses: a datagram to port 4789 on h2 arrives.
            assertTrue(udpArrives("h1", "h2", 4789), "UDP h1 -> h2:4789 crosses the underlay");
        } finally {
            tb.consulPartition("h1", false);
        }
        assertTrue(consulLeader("h1").ok(), "h1 reaches Consul again after 'off'");
    }

    /** Sends one UDP datagram from {@code from} to {@code to}:port with socat and says if it arrived. */
    private static boolean udpArrives(String from, String to, int port) throws Exception {
        Path log = Files.createTempFile("udp-" + to, ".log");
        Process receiver = tb.start(to, log, "socat", "-u", "UDP-RECV:" + port + ",bind=" + Testbed.hostIp(to), "STDOUT");
        try {
            for (int attempt = 0; attempt < 20; attempt++) { // until the receiver has bound its socket
                tb.exec(from, "sh", "-c", "echo vxlan-path | socat -u STDIN UDP-SENDTO:" + Testbed.hostIp(to) + ":" + port)
                        .requireOk();
                if (Files.readString(log).contains("vxlan-path")) {
                    return true;
                }
                Thread.sleep(250);
            }
            return false;
        } finally {
            receiver.destroy();
            receiver.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    @Test
    @Order(2)
    void consulPauseMakesRequestsHangUntilResume() {
        tb.consulPause();
        try {
            Testbed.Result hung = consulLeader("h2");
            assertEquals(CURL_TIMEOUT, hung.exitCode(), "a request to a paused agent must time out: " + hung.describe());
        } finally {
            tb.consulResume();
        }
        assertTrue(consulLeader("h2").ok(), "the agent answers after consul-resume");
    }

    @Test
    @Order(3)
    void exportWipeImportRoundTripsTheStore() throws Exception {
        String url = "http://" + tb.consulAddress() + "/v1/kv/faultsit/key";
        tb.exec("h1", "curl", "-sS", "-m", "5", "-X", "PUT", "--data", "value-1", url).requireOk();
        Path dump = Files.createTempFile("consul-export", ".json");
        try {
            tb.consulExport(dump, "");
            assertTrue(Files.readString(dump).contains("\"faultsit/key\""), "export holds the key: " + Files.readString(dump));
            tb.consulWipe("");
            assertEquals("404", tb.exec("h1", "curl", "-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", url)
                    .requireOk().stdout(), "the key is gone after consul-wipe");
            tb.consulImport(dump);
            assertEquals("value-1", tb.exec("h1", "curl", "-sS", "-m", "5", url + "?raw").requireOk().stdout(),
                    "the key is back after consul-import");
            tb.consulWipe("faultsit/");
            assertEquals("404", tb.exec("h1", "curl", "-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", url)
                    .requireOk().stdout(), "consul-wipe PREFIX deletes under the prefix");
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    @Test
    @Order(4)
    void dockerdRestartBringsTheApiBackWithTermAndWithKill() throws Exception {
        // A container that stops at once on SIGTERM keeps the clean restart short.
        tb.dockerOk("h2", "run", "-d", "--name", "always", "--restart", "always", OverlayProbe.IMAGE,
                "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done");
        for (boolean kill : new boolean[] {false, true}) {
            String before = dockerdPid("h2");
            tb.dockerdRestart("h2", kill);
            String after = dockerdPid("h2");
            assertNotEquals(before, after, "a new dockerd on h2 (kill=" + kill + ")");
            assertTrue(tb.dockerOk("h2", "version", "--format", "{{.Server.Version}}").startsWith("26."),
                    "the API answers after dockerd-restart (kill=" + kill + ")");
            OverlayProbe.await(Duration.ofSeconds(30), "the --restart always container running again", () -> {
                String state = tb.docker("h2", "inspect", "-f", "{{.State.Running}}", "always").stdout().strip();
                return state.equals("true") ? Optional.empty() : Optional.of("running=" + state);
            });
        }
        tb.dockerOk("h2", "rm", "-f", "always");
    }

    private static String dockerdPid(String host) throws Exception {
        return Files.readString(Testbed.stateDir().resolve(host).resolve("run/docker.pid")).strip();
    }

    /** True when the pid exists and is not a zombie (a killed process may wait a moment to be reaped). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    @Order(5)
    void vanishKillsEveryProcessOfTheHostAndItsUnderlayAddressGoesDark() throws Exception {
        tb.dockerOk("h2", "run", "-d", "--name", "doomed", OverlayProbe.IMAGE, "sleep", "3600");
        Path log = Files.createTempFile("vanish-h2", ".log");
        Process started = tb.start("h2", log, "sleep", "3600"); // like a plugin started in h2
        try {
            assertTrue(pings("h1", Testbed.hostIp("h2")), "h1 pings h2 before");
            List<Long> before = tb.pids("h2");
            assertTrue(before.size() >= 4, "dockerd, containerd, the container and the started process: " + before);

            tb.vanish("h2");

            assertEquals(List.of(), tb.pids("h2"), "no process of h2 is left");
            assertTrue(started.waitFor(5, TimeUnit.SECONDS), "the process started in h2 was killed");
            for (long pid : before) {
                assertFalse(running(pid), "pid " + pid + " of h2 still running");
            }
            assertFalse(pings("h1", Testbed.hostIp("h2")), "h1 must not reach h2's underlay address any more");
            assertFalse(tb.exec("h2", "true").ok(), "exec on a vanished host is refused");
            assertTrue(pings("h1", Testbed.hostIp("h3")), "the other hosts are unaffected");
            assertTrue(consulLeader("h3").ok(), "Consul is unaffected");
        } finally {
            started.destroyForcibly();
            Files.deleteIfExists(log);
        }

        // `add` starts a vanished host again: a fresh host with the same name and address.
        tb.add("h2");
        assertTrue(pings("h1", Testbed.hostIp("h2")), "h1 reaches the re-added h2");
        assertEquals("", tb.dockerOk("h2", "ps", "-aq"), "the re-added h2 is a fresh host (no containers)");
        assertEquals("hi", tb.dockerOk("h2", "run", "--rm", OverlayProbe.IMAGE, "echo", "hi"), "its dockerd runs containers");
    }
}
