package io.javaoverlay.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.CommandLine;
import io.javaoverlay.server.DaemonConfig;
import io.javaoverlay.server.metrics.Metrics;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.RecentErrors;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.uds.SocketInUseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin socket before the services run: file modes, status, 503s, metrics, errors as JSON. */
class AdminServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path socket;
    AdminContext ctx;
    AdminServer server;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("run/javaoverlay/admin.sock");
        CommandLine.Parsed p = CommandLine.parse(List.of("daemon", "--admin-socket", socket.toString(),
                "--store", "file://" + dir.resolve("state"), "--consul-token", "s3cret-t0ken"), Map.of());
        DaemonConfig config = assertInstanceOf(CommandLine.Run.class, p).config();
        ctx = new AdminContext(config, "1.2.3", new Metrics("1.2.3"), new RecentErrors(10));
        ctx.services(() -> "connecting to the store file://x");
        server = AdminServer.start(socket, ctx);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    UdsHttpClient.Response get(String path) throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange("GET " + path + " HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
        }
    }

    @Test
    void socketIsRootOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        assertTrue(AdminServer.admit(java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket)),
                System.getProperty("user.name")));
        assertThrows(SocketInUseException.class, () -> AdminServer.start(socket, ctx), "a second daemon may not take it");
    }

    @Test
    void statusBeforeTheStoreIsDegradedAndMasksTheToken() throws Exception {
        UdsHttpClient.Response r = get("/v1/status");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.header("content-type").startsWith("application/json"), r.header("content-type"));
        JsonNode s = JSON.readTree(r.body());
        assertFalse(s.path("health").path("healthy").asBoolean());
        assertEquals("services are not running: connecting to the store file://x", s.path("health").path("reasons").get(1).asText());
        assertEquals("1.2.3", s.path("host").path("version").asText());
        assertEquals("********", s.path("host").path("config").path("consul-token").asText());
        assertFalse(r.body().contains("s3cret-t0ken"), r.body());
    }

    /** A first start attempt that ends when the test says so. */
    static final class FirstAttempt implements AdminContext.Startup {
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch awaited = new java.util.concurrent.CountDownLatch(1);

        @Override
        public boolean starting() {
            return ended.getCount() > 0;
        }

        @Override
        public boolean awaitFirstAttempt(java.time.Duration max) throws InterruptedException {
            awaited.countDown();
            return ended.await(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void statusTypedWhileTheFirstStartAttemptRunsWaitsForItsOutcome() throws Exception {
        FirstAttempt first = new FirstAttempt();
        ctx.startup(first);
        java.util.concurrent.CompletableFuture<UdsHttpClient.Response> asked = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return get("/v1/status");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(first.awaited.await(30, java.util.concurrent.TimeUnit.SECONDS), "status waits for the first attempt");
        assertFalse(asked.isDone(), "no answer while the first attempt runs");
        ctx.services(() -> "the store file://x is unreachable: boom");
        first.ended.countDown();
        JsonNode s = JSON.readTree(asked.get(30, java.util.concurrent.TimeUnit.SECONDS).body());
        assertFalse(s.path("health").has("starting"), s.toString());
        assertEquals("services are not running: the store file://x is unreachable: boom",
                s.path("health").path("reasons").get(1).asText(), s.toString());
    }

    @Test
    void aFirstStartAttemptThatOutlastsTheWaitIsReportedAsStarting() throws Exception {
        ctx.startup(new AdminContext.Startup() {
            @Override
            public boolean starting() {
                return true;
            }

            @Override
            public boolean awaitFirstAttempt(java.time.Duration max) {
                return false; // the wait ran out at once
            }
        });
        JsonNode s = JSON.readTree(get("/v1/status").body());
        assertTrue(s.path("health").path("starting").asBoolean(), s.toString());
        assertEquals(1, s.path("health").path("reasons").size(), s.toString());
        assertTrue(s.path("health").path("reasons").get(0).asText().startsWith("the daemon is starting (up "), s.toString());
        assertEquals("not connected yet (starting): connecting to the store file://x",
                s.path("host").path("storeHealth").path("error").asText(), s.toString());
    }

    @Test
    void storeCallsAre503UntilReadyAndUnknownPathsAre404() throws Exception {
        for (String path : List.of("/v1/networks", "/v1/networks/x", "/v1/ipam/pools", "/v1/hosts")) {
            UdsHttpClient.Response r = get(path);
            assertEquals(503, r.status(), path);
            assertEquals("javaoverlay is not ready to answer this: connecting to the store file://x",
                    JSON.readTree(r.body()).path("error").asText());
        }
        UdsHttpClient.Response r = get("/v1/nothing");
        assertEquals(404, r.status());
        assertEquals("unknown admin path (see javaoverlay --help)", JSON.readTree(r.body()).path("error").asText());
    }

    @Test
    void metricsAreServed() throws Exception {
        UdsHttpClient.Response r = get("/metrics");
        assertEquals(200, r.status());
        // Jersey reorders the media type's parameters; Prometheus reads them in any order.
        String type = r.header("content-type");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
        assertTrue(r.body().contains("javaoverlay_build_info{version=\"1.2.3\"} 1.0"), r.body());
        assertTrue(r.body().contains("javaoverlay_services_ready 0.0"), r.body());
    }
}
