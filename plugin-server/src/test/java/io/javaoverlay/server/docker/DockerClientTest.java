package io.javaoverlay.server.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Engine API client against a fake dockerd on a Unix socket. */
class DockerClientTest {
    @TempDir
    Path dir;

    static final String LIST = "[{\"Name\":\"blue\",\"Id\":\"abc\",\"Driver\":\"javaoverlay\",\"EnableIPv6\":false,"
            + "\"IPAM\":{\"Driver\":\"javaoverlay\",\"Options\":{},\"Config\":[{\"Subnet\":\"198.18.5.0/24\",\"Gateway\":\"198.18.5.1\"}]},"
            + "\"Internal\":false,\"Containers\":{},\"Options\":{\"com.docker.network.driver.mtu\":\"1300\"}},"
            + "{\"Name\":\"not-ours\",\"Id\":\"def\",\"Driver\":\"javaoverlay2\",\"IPAM\":{\"Config\":[]}}]";

    DockerClient client(Path socket) {
        return new DockerClient(socket, Duration.ofSeconds(2));
    }

    @Test
    void listsNetworksOfTheDriverFromAChunkedAnswer() throws Exception {
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> FakeDockerServer.chunked(200, LIST.substring(0, 40),
                LIST.substring(40)))) {
            List<DockerNetwork> l = client(sock).listNetworks("javaoverlay");
            assertEquals(List.of(new DockerNetwork("abc", "blue", "javaoverlay", Map.of("com.docker.network.driver.mtu", "1300"),
                    "javaoverlay", Map.of(), List.of(new DockerNetwork.IpamConfig("198.18.5.0/24", null, "198.18.5.1")),
                    false, false, -1)), l);
            assertEquals("GET", s.requests.get(0).method());
            assertEquals("/networks?filters=%7B%22driver%22%3A%5B%22javaoverlay%22%5D%7D", s.requests.get(0).path());
        }
    }

    @Test
    void inspectCountsContainersAndUnknownIsEmpty() throws Exception {
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> r.path().endsWith("/abc")
                ? FakeDockerServer.json(200, "{\"Name\":\"blue\",\"Id\":\"abc\",\"Driver\":\"javaoverlay\",\"IPAM\":{\"Config\":[]},"
                + "\"Containers\":{\"c1\":{},\"c2\":{}}}")
                : FakeDockerServer.json(404, "{\"message\":\"network nope not found\"}"))) {
            assertEquals(2, client(sock).inspectNetwork("abc").orElseThrow().containers());
            assertEquals(Optional.empty(), client(sock).inspectNetwork("nope"));
        }
    }

    @Test
    void createSendsTheDefinitionAndErrorsCarryDockersMessage() throws Exception {
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> r.body().contains("\"taken\"")
                ? FakeDockerServer.json(409, "{\"message\":\"network with name taken already exists\"}")
                : FakeDockerServer.json(201, "{\"Id\":\"new1\",\"Warning\":\"\"}"))) {
            NetworkCreate c = new NetworkCreate("blue", "javaoverlay", Map.of("javaoverlay.cluster-id", "abc"), "javaoverlay",
                    Map.of("javaoverlay.network", "abc"), List.of(new DockerNetwork.IpamConfig("198.18.5.0/24", null, "198.18.5.1")),
                    false, false);
            assertEquals("new1", client(sock).createNetwork(c));
            assertEquals("POST", s.requests.get(0).method());
            assertEquals("/networks/create", s.requests.get(0).path());
            assertEquals("{\"Name\":\"blue\",\"Driver\":\"javaoverlay\",\"CheckDuplicate\":true,\"EnableIPv6\":false,"
                    + "\"Internal\":false,\"Options\":{\"javaoverlay.cluster-id\":\"abc\"},\"IPAM\":{\"Driver\":\"javaoverlay\","
                    + "\"Options\":{\"javaoverlay.network\":\"abc\"},\"Config\":[{\"Subnet\":\"198.18.5.0/24\","
                    + "\"Gateway\":\"198.18.5.1\"}]}}", s.requests.get(0).body());
            NetworkCreate taken = new NetworkCreate("taken", "javaoverlay", Map.of(), "javaoverlay", Map.of(), List.of(), false, false);
            DockerApiException e = assertThrows(DockerApiException.class, () -> client(sock).createNetwork(taken));
            assertEquals(409, e.status());
            assertEquals("POST /networks/create -> 409: network with name taken already exists", e.getMessage());
        }
    }

    @Test
    void aCidrGatewayOfDocker26IsReadAsABareAddressAndIpv4DefaultsToOn() throws Exception {
        // Docker <= 27 prints an IPAM-allocated IPv6 gateway with its prefix length, and refuses it so in create.
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> FakeDockerServer.json(200, "{\"Name\":\"ds\","
                + "\"Id\":\"abc\",\"Driver\":\"javaoverlay\",\"EnableIPv6\":true,\"IPAM\":{\"Config\":["
                + "{\"Subnet\":\"10.200.0.0/24\",\"Gateway\":\"10.200.0.1\"},"
                + "{\"Subnet\":\"fd5a:7661:6f76::/64\",\"Gateway\":\"fd5a:7661:6f76::1/64\"}]},\"Containers\":{}}"))) {
            DockerNetwork n = client(sock).inspectNetwork("abc").orElseThrow();
            assertEquals(List.of(new DockerNetwork.IpamConfig("10.200.0.0/24", null, "10.200.0.1"),
                    new DockerNetwork.IpamConfig("fd5a:7661:6f76::/64", null, "fd5a:7661:6f76::1")), n.ipam());
            assertTrue(n.enableIPv4(), "no EnableIPv4 (Docker < 28): IPv4 on");
        }
    }

    @Test
    void anIpv6OnlyNetworkIsReadAndCreatedWithEnableIpv4False() throws Exception {
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> r.method().equals("GET")
                ? FakeDockerServer.json(200, "{\"Name\":\"v6\",\"Id\":\"abc\",\"Driver\":\"javaoverlay\","
                + "\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPAM\":{\"Config\":[{\"Subnet\":\"fd00:142::/64\"}]}}")
                : FakeDockerServer.json(201, "{\"Id\":\"new1\"}"))) {
            DockerNetwork n = client(sock).inspectNetwork("abc").orElseThrow();
            assertEquals(false, n.enableIPv4());
            client(sock).createNetwork(new NetworkCreate("v6", "javaoverlay", Map.of(), "javaoverlay", Map.of(),
                    n.ipam(), true, false, false));
            assertTrue(s.requests.get(1).body().contains("\"EnableIPv6\":true,\"EnableIPv4\":false,"),
                    s.requests.get(1).body());
        }
    }

    @Test
    void removeOfAnUnknownNetworkSucceedsAndActiveEndpointsFail() throws Exception {
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> r.path().endsWith("/gone")
                ? FakeDockerServer.json(404, "{\"message\":\"not found\"}")
                : FakeDockerServer.json(403, "{\"message\":\"error while removing network: network blue id abc has active endpoints\"}"))) {
            client(sock).removeNetwork("gone");
            assertEquals("DELETE", s.requests.get(0).method());
            DockerApiException e = assertThrows(DockerApiException.class, () -> client(sock).removeNetwork("abc"));
            assertTrue(e.getMessage().contains("has active endpoints"), e.getMessage());
        }
    }

    @Test
    void pingWithoutContentLengthReadsToTheEndAndSilenceTimesOut() throws Exception {
        Path sock = dir.resolve("d.sock");
        try (FakeDockerServer s = new FakeDockerServer(sock, r -> r.path().equals("/_ping")
                ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nOK".getBytes() : null)) {
            client(sock).ping();
            DockerClient slow = new DockerClient(sock, Duration.ofMillis(300));
            assertThrows(SocketTimeoutException.class, () -> slow.listNetworks("javaoverlay"));
        }
        assertThrows(java.io.IOException.class, () -> client(dir.resolve("missing.sock")).ping());
    }

    @Test
    void socketComesFromDockerHostOrTheDefaults() {
        assertEquals(Path.of("/x/d.sock"), DockerClient.socketFor(Optional.of("unix:///x/d.sock")));
        assertEquals(Path.of("/x/d.sock"), DockerClient.socketFor(Optional.of("/x/d.sock")));
        assertTrue(DockerClient.DEFAULT_SOCKETS.contains(DockerClient.socketFor(Optional.empty())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DockerClient.socketFor(Optional.of("tcp://10.0.0.1:2375")));
        assertTrue(e.getMessage().contains("tcp://10.0.0.1:2375"), e.getMessage());
    }
}
