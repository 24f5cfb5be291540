package io.javaoverlay.server;

import io.javaoverlay.server.resource.Backends;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeNetworkService;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plugin API over a real Unix socket, with fake services. */
class UdsPluginServerTest {
    @TempDir
    Path dir;
    Path socket;
    FakeIpamService ipam = new FakeIpamService();
    FakeNetworkService network = new FakeNetworkService();
    UdsHttpServer server;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("plugins/javaoverlay.sock");
        server = UdsHttpServer.start(UdsListener.bind(socket),
                PluginApplication.create(Backends.of(ipam, network), DriverSettings.withScope("local"), 1 << 20));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private Response post(String path, String body) throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange(dockerPost(path, body));
        }
    }

    @Test
    void activate() throws Exception {
        Response r = post("/Plugin.Activate", "");
        assertEquals(200, r.status(), r.toString());
        assertEquals("{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}", r.body());
        assertEquals("application/vnd.docker.plugins.v1.1+json", r.header("content-type"));
        r = post("/NetworkDriver.GetCapabilities", "");
        assertEquals("{\"Scope\":\"local\",\"ConnectivityScope\":\"global\"}", r.body());
        r = post("/IpamDriver.GetCapabilities", "");
        assertEquals("{\"RequiresMACAddress\":false,\"RequiresRequestReplay\":false}", r.body());
        r = post("/IpamDriver.RequestPool", "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\",\"SubPool\":\"\",\"Options\":{\"javaoverlay.network\":\"blue\"},\"V6\":false}\n");
        assertEquals("{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Pool\":\"10.20.0.0/24\",\"Data\":{}}", r.body());
        r = post("/IpamDriver.RequestPool", "{bad");
        System.out.println(r);
        r = post("/IpamDriver.RequestPool", "");
        System.out.println(r);
        r = post("/IpamDriver.Nope", "");
        System.out.println(r);
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            System.out.println(c.exchange("GET /Plugin.Activate HTTP/1.1\r\nHost:\r\n\r\n"));
            System.out.println(c.exchange("POST /Plugin.Activate HTTP/1.0\r\n\r\n"));
        }
    }
}
