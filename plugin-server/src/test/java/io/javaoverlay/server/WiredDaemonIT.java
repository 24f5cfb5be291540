package io.javaoverlay.server;

import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.testing.UnderlayNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    UnderlayNamespace underlay;
    String ns;
    Process daemon;

    @BeforeEach
    void namespace() throws Exception {
        underlay = UnderlayNamespace.create("WiredDaemonIT's network namespace");
        ns = underlay.name();
    }

    @AfterEach
    void cleanup() throws Exception {
        UnderlayNamespace.stop(daemon);
        if (underlay != null) {
            underlay.close();
        }
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        return UnderlayNamespace.sh(cmd);
    }

    String ok(Path socket, String path, String body) throws Exception {
        Response r = PluginSocket.post(socket, path, body);
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
        // The agent runs inside the namespace too: the daemon's 127.0.0.1 is the namespace's loopback.
        underlay.startConsul(dir.resolve("consul.log"));
        dockerSequenceBuildsAndRemovesTheDataPlane("consul://" + UnderlayNamespace.CONSUL_ADDR + "/" + ns + "/");
    }

    void dockerSequenceBuildsAndRemovesTheDataPlane(String store) throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        Path log = dir.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder(underlay.exec(DaemonProcessIT.launcher().toString(), "daemon",
                "--socket", socket.toString(), "--store", store, "--advertise-addr", UnderlayNamespace.VTEP,
                "--admin-socket", dir.resolve("admin/admin.sock").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("CONSUL_HTTP_ADDR");
        pb.environment().remove("CONSUL_HTTP_TOKEN");
        daemon = pb.start();
        DaemonProcessIT.awaitAnswer(socket, daemon);
        // Ready means ready: the services start in the background, and the first store-dependent call,
        // made the instant the socket answers, waits for them and succeeds (no retry by the caller).
        Response first = PluginSocket.post(socket, "/" + IpamDriverApi.REQUEST_POOL,
                "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"198.18.5.0/24\",\"SubPool\":\"\",\"Options\":null,\"V6\":false}\n");
        assertEquals(200, first.status(), first + "\n" + Files.readString(log));
        String pool = first.body();
        String poolId = pool.replaceAll(".*\"PoolID\":\"([^\"]+)\".*", "$1");
        assertEquals("{\"Address\":\"198.18.5.1/24\",\"Data\":{}}", ok(socket, "/" + IpamDriverApi.REQUEST_ADDRESS,
                "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}\n"));
        ok(socket, "/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"" + NID + "\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{}},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Gateway\":\"198.18.5.1/24\","
                + "\"Pool\":\"198.18.5.0/24\"}],\"IPv6Data\":[]}\n");
        String addr = ok(socket, "/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":null}\n")
                .replaceAll(".*\"Address\":\"([^\"]+)\".*", "$1");
        String created = ok(socket, "/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID
                + "\",\"Interface\":{\"Address\":\"" + addr + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{}}\n");
        assertTrue(created.matches("\\{\"Interface\":\\{\"MacAddress\":\"02:42(:[0-9a-f]{2}){4}\"}}"), created);
        String joined = ok(socket, "/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID
                + "\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\",\"Options\":{}}\n");
        String srcName = joined.replaceAll(".*\"SrcName\":\"([^\"]+)\".*", "$1");
        String links = sh("ip", "-n", ns, "-o", "link", "show");
        assertTrue(links.contains(" " + srcName + "@"), "Join's SrcName exists in the namespace:\n" + links);
        assertTrue(links.contains("jo-br-") && links.contains("jo-vx-"), links);
        PluginSocket.assertNoTcpListener(daemon.pid());   // also with the store client and netlink open
        assertEquals("{\"Value\":{}}", ok(socket, "/" + NetworkDriverApi.ENDPOINT_OPER_INFO, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID + "\"}\n"));
        // docker rm -f, then docker network rm
        ok(socket, "/" + NetworkDriverApi.LEAVE, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID + "\"}\n");
        ok(socket, "/" + NetworkDriverApi.DELETE_ENDPOINT, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID + "\"}\n");
        ok(socket, "/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"" + poolId + "\",\"Address\":\"" + addr.replaceAll("/.*", "") + "\"}\n");
        ok(socket, "/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"" + poolId + "\",\"Address\":\"198.18.5.1\"}\n");
        ok(socket, "/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"" + poolId + "\"}\n");
        ok(socket, "/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"" + NID + "\"}\n");
        // idempotent repeats
        ok(socket, "/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"" + NID + "\"}\n");
        ok(socket, "/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"" + poolId + "\"}\n");
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
