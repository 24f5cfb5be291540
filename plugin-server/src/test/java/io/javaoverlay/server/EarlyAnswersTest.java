package io.javaoverlay.server;

import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.uds.EarlyAnswers;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket answers Docker's registration calls while Jersey is still being built (start-up,
 * issue 14), with exactly Jersey's answers, and every other call waits for Jersey.
 */
class EarlyAnswersTest {
    private static final List<String> REGISTRATION = List.of("/Plugin.Activate", "/NetworkDriver.GetCapabilities",
            "/IpamDriver.GetCapabilities", "/IpamDriver.GetDefaultAddressSpaces");

    @TempDir
    Path dir;
    UdsHttpServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static ResourceConfig app(DriverSettings settings) {
        return PluginApplication.create(Services.of(new FakeIpamService(), new FakeClusterService()), settings, 1 << 20);
    }

    private Response post(Path socket, String path, String body) throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange(dockerPost(path, body));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "global"})
    void earlyAnswersAreJerseysAnswers(String scope) throws Exception {
        DriverSettings settings = new DriverSettings(scope, "SpaceL", "SpaceG");
        EarlyAnswers early = PluginApplication.registrationAnswers(settings);
        assertEquals(Set.copyOf(REGISTRATION), early.bodies().keySet());
        Path socket = dir.resolve(scope + ".sock");
        server = UdsHttpServer.start(UdsListener.bind(socket), app(settings));   // Jersey only
        for (String path : REGISTRATION) {
            Response r = post(socket, path, "");
            assertEquals(200, r.status(), r.toString());
            assertEquals(r.body(), new String(early.bodies().get(path), StandardCharsets.UTF_8), path);
            assertEquals(r.header("Content-Type"), early.contentType(), path);
        }
    }

    @Test
    void registrationIsAnsweredWhileJerseyStartsAndTheRestWaitsForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ResourceConfig app = app(DriverSettings.withScope("local"));
        app.register(new Feature() {      // holds Jersey's start until the test lets it go
            @Override
            public boolean configure(FeatureContext context) {
                try {
                    return release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        });
        Path socket = dir.resolve("p.sock");
        EarlyAnswers early = PluginApplication.registrationAnswers(DriverSettings.withScope("local"));
        server = UdsHttpServer.start(UdsListener.bind(socket), () -> app, early);
        try {
            // Docker's order, on one keep-alive connection, with Docker's "null" body. Jersey is held
            // until after these: a call that waited for it would never be answered here.
            CompletableFuture<Void> registration = CompletableFuture.runAsync(() -> {
                try (UdsHttpClient c = new UdsHttpClient(socket)) {
                    for (String path : REGISTRATION) {
                        Response r = c.exchange(dockerPost(path, "null\n"));
                        assertEquals(200, r.status(), r.toString());
                        assertEquals(new String(early.bodies().get(path), StandardCharsets.UTF_8), r.body());
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            registration.get(20, TimeUnit.SECONDS);
            CompletableFuture<Response> pool = CompletableFuture.supplyAsync(() -> call(socket, dockerPost("/IpamDriver.RequestPool",
                    UdsTransportTest.POOL)));
            CompletableFuture<Response> get = CompletableFuture.supplyAsync(() -> call(socket,
                    "GET /Plugin.Activate HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertFalse(pool.isDone() || get.isDone(), "answered before Jersey was built");
            release.countDown();
            Response p = pool.get(30, TimeUnit.SECONDS);
            assertEquals(200, p.status(), p.toString());
            assertTrue(p.body().contains("\"PoolID\""), p.body());
            // Not a POST: never answered early; Jersey's own 405.
            assertEquals(405, get.get(30, TimeUnit.SECONDS).status());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aJerseyThatFailsToStartGivesJsonErrorsNotAHang() throws Exception {
        ResourceConfig app = app(DriverSettings.withScope("local"));
        app.register(new Feature() {
            @Override
            public boolean configure(FeatureContext context) {
                throw new IllegalStateException("broken \"feature\"");
            }
        });
        Path socket = dir.resolve("f.sock");
        server = UdsHttpServer.start(UdsListener.bind(socket), () -> app, PluginApplication.registrationAnswers(DriverSettings.withScope("local")));
        Response r = post(socket, "/IpamDriver.RequestPool", UdsTransportTest.POOL);
        assertEquals(500, r.status(), r.toString());
        assertTrue(r.body().startsWith("{\"Err\":\"javaoverlay cannot serve /IpamDriver.RequestPool yet: its HTTP layer failed to start: "),
                r.body());
        assertTrue(r.body().contains("broken \\\"feature\\\""), r.body());
        // Failed for good: the registration calls (and so the watchdog's probe) see it too.
        assertEquals(500, post(socket, "/NetworkDriver.GetCapabilities", "").status());
    }

    private static Response call(Path socket, String raw) {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange(raw);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
