package io.javaoverlay.server;

import io.javaoverlay.kvstore.consul.ConsulTestAgent;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The daemon with its real wiring (embedded file store or a throw-away Consul agent,
 * KvIpamService, VxlanNetworkService on rtnetlink) inside a throw-away network namespace, driven through Docker's call sequence over
 * its socket; the kernel objects are checked with iproute2. Needs root.
 */
@Tag("privileged")
class WiredDaemonIT {
    static final String NID = "a".repeat(64);
    static final String EID = "b".repeat(64);

    @TempDir
    Path dir;
    String ns;
    Process daemon;
    Process consul;

    @BeforeEach
    void namespace() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean ip = new File("/usr/sbin/ip").canExecute() || new File("/sbin/ip").canExecute() || new File("/usr/bin/ip").canExecute();
        if (!(root && ip) && "true".equals(System.getenv("CI"))) {
            fail("WiredDaemonIT needs root and iproute2 (required under CI=true)");
        }
        assumeTrue(root && ip, "needs root and iproute2");
        ns = "jo-it-" + UUID.randomUUID().toString().substring(0, 8);
        sh("ip", "netns", "add", ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "link", "add", "jo-und0", "type", "veth", "peer", "name", "jo-und1");
        sh("ip", "-n", ns, "addr", "add", "198.18.0.1/24", "dev", "jo-und0");
        sh("ip", "-n", ns, "link", "set", "jo-und0", "up");
        sh("ip", "-n", ns, "link", "set", "jo-und1", "up");
    }

    @AfterEach
    void cleanup() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
        if (consul != null) {
            consul.destroy();
            if (!consul.waitFor(20, TimeUnit.SECONDS)) {
                consul.destroyForcibly();
            }
        }
        if (ns != null) {
            sh("ip", "netns", "del", ns);
        }
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    Response post(Path socket, String path, String body) throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange(dockerPost(path, body));
        }
    }

    String ok(Path socket, String path, String body) throws Exception {
        Response r = post(socket, path, body);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return r.body();
    }

    @Test
    void embeddedFileStore() throws Exception {
        dockerSequenceBuildsAndRemovesTheDataPlane("file://" + dir.resolve("state"));
    }

    @Test
    @Tag("consul")
    void consulStore() throws Exception {
        Optional<Path> bin = ConsulTestAgent.findBinary();
        if (bin.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("no consul binary (required under CI=true): set CONSUL_BIN or make scripts/ensure-consul work");
        }
        assumeTrue(bin.isPresent(), "no consul binary");
        // The agent runs inside the namespace too: the daemon's 127.0.0.1 is the namespace's loopback.
        consul = new ProcessBuilder("ip", "netns", "exec", ns, bin.get().toString(), "agent", "-dev", "-bind", "127.0.0.1",
                "-client", "127.0.0.1", "-http-port", "8500", "-dns-port", "-1", "-grpc-port", "-1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("consul.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Process probe = new ProcessBuilder("ip", "netns", "exec", ns, "curl", "-sf", "http://127.0.0.1:8500/v1/status/leader")
                    .redirectErrorStream(true).start();
            String leader = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (probe.waitFor() == 0 && leader.length() > 2) {
                break;
            }
            if (System.nanoTime() > deadline || !consul.isAlive()) {
                fail("consul agent did not elect a leader:\n" + Files.readString(dir.resolve("consul.log")));
            }
            Thread.sleep(200);
        }
        dockerSequenceBuildsAndRemovesTheDataPlane("consul://127.0.0.1:8500/" + ns + "/");
    }

    void dockerSequenceBuildsAndRemovesTheDataPlane(String store) throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        Path log = dir.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, DaemonProcessIT.launcher().toString(), "daemon",
                "--socket", socket.toString(), "--store", store, "--advertise-addr", "198.18.0.1",
                "--admin-socket", dir.resolve("admin/admin.sock").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("CONSUL_HTTP_ADDR");
        pb.environment().remove("CONSUL_HTTP_TOKEN");
        daemon = pb.start();
        DaemonProcessIT.awaitAnswer(socket, daemon);
        // Ready means ready: the services start in the background, and the first store-dependent call,
        // made the instant the socket answers, waits for them and succeeds (no retry by the caller).
        Response first = post(socket, "/IpamDriver.RequestPool",
                "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"198.18.5.0/24\",\"SubPool\":\"\",\"Options\":null,\"V6\":false}\n");
        assertEquals(200, first.status(), first + "\n" + Files.readString(log));
        String pool = first.body();
        String poolId = pool.replaceAll(".*\"PoolID\":\"([^\"]+)\".*", "$1");
        assertEquals("{\"Address\":\"198.18.5.1/24\",\"Data\":{}}", ok(socket, "/IpamDriver.RequestAddress",
                "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}\n"));
        ok(socket, "/NetworkDriver.CreateNetwork", "{\"NetworkID\":\"" + NID + "\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{}},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Gateway\":\"198.18.5.1/24\","
                + "\"Pool\":\"198.18.5.0/24\"}],\"IPv6Data\":[]}\n");
        String addr = ok(socket, "/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":null}\n")
                .replaceAll(".*\"Address\":\"([^\"]+)\".*", "$1");
        String created = ok(socket, "/NetworkDriver.CreateEndpoint", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID
                + "\",\"Interface\":{\"Address\":\"" + addr + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{}}\n");
        assertTrue(created.matches("\\{\"Interface\":\\{\"MacAddress\":\"02:42(:[0-9a-f]{2}){4}\"}}"), created);
        String joined = ok(socket, "/NetworkDriver.Join", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID
                + "\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\",\"Options\":{}}\n");
        String srcName = joined.replaceAll(".*\"SrcName\":\"([^\"]+)\".*", "$1");
        String links = sh("ip", "-n", ns, "-o", "link", "show");
        assertTrue(links.contains(" " + srcName + "@"), "Join's SrcName exists in the namespace:\n" + links);
        assertTrue(links.contains("jo-br-") && links.contains("jo-vx-"), links);
        DaemonProcessIT.assertNoTcpListener(daemon.pid());   // also with the store client and netlink open
        assertEquals("{\"Value\":{}}", ok(socket, "/NetworkDriver.EndpointOperInfo", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID + "\"}\n"));
        // docker rm -f, then docker network rm
        ok(socket, "/NetworkDriver.Leave", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID + "\"}\n");
        ok(socket, "/NetworkDriver.DeleteEndpoint", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID + "\"}\n");
        ok(socket, "/IpamDriver.ReleaseAddress", "{\"PoolID\":\"" + poolId + "\",\"Address\":\"" + addr.replaceAll("/.*", "") + "\"}\n");
        ok(socket, "/IpamDriver.ReleaseAddress", "{\"PoolID\":\"" + poolId + "\",\"Address\":\"198.18.5.1\"}\n");
        ok(socket, "/IpamDriver.ReleasePool", "{\"PoolID\":\"" + poolId + "\"}\n");
        ok(socket, "/NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"" + NID + "\"}\n");
        // idempotent repeats
        ok(socket, "/NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"" + NID + "\"}\n");
        ok(socket, "/IpamDriver.ReleasePool", "{\"PoolID\":\"" + poolId + "\"}\n");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String after = sh("ip", "-n", ns, "-o", "link", "show");
        while ((after.contains("jo-br-") || after.contains("jo-vx-") || after.contains(srcName)) && System.nanoTime() < until) {
            Thread.sleep(200);
            after = sh("ip", "-n", ns, "-o", "link", "show");
        }
        assertFalse(after.contains("jo-br-") || after.contains("jo-vx-") || after.contains(srcName), after);
        daemon.destroy();
        assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, daemon.exitValue(), Files.readString(log));
        assertFalse(Files.exists(socket));
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains("Daemon: ready: serving")), String.join("\n", lines));
    }
}
