package io.javaoverlay.server;

import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.ErrorMapper;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Over the socket, through Grizzly and Jersey: while the services start, registration calls are
 * answered at once, a store-dependent call waits and then succeeds; and every 5xx is logged once,
 * at WARNING, with the endpoint and the reason.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartupWaitTest {
    static final String POOL = "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.1.0.0/24\"}";

    @TempDir
    Path dir;
    Path socket;
    UdsHttpServer server;
    final FakeIpamService ipam = new FakeIpamService();
    final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    final Logger errorLog = Logger.getLogger(ErrorMapper.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        socket = dir.resolve("javaoverlay.sock");
        errorLog.addHandler(capture);
        errorLog.setLevel(Level.ALL);
    }

    @AfterEach
    void stop() throws Exception {
        errorLog.removeHandler(capture);
        errorLog.setLevel(null);
        if (server != null) {
            server.close();
        }
    }

    void serve(ServicesGate gate) throws Exception {
        server = UdsHttpServer.start(UdsListener.bind(socket), PluginApplication.create(gate, DriverSettings.withScope("local"), 4096));
    }

    Response post(String path, String body) throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange(dockerPost(path, body));
        }
    }

    @Test
    void registrationNeverWaitsAndAStoreCallWaitsThenSucceeds() throws Exception {
        ServicesGate gate = new ServicesGate(Duration.ofMinutes(10));   // longer than this test's time-out
        gate.status("connecting to the store file:///var/lib/javaoverlay");
        serve(gate);
        for (String p : List.of("/" + PluginApi.ACTIVATE, "/" + NetworkDriverApi.GET_CAPABILITIES, "/" + IpamDriverApi.GET_CAPABILITIES,
                "/" + IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES)) {
            assertEquals(200, post(p, "").status(), p + " must be answered while the services start");
        }
        CompletableFuture<Response> call = CompletableFuture.supplyAsync(() -> {
            try {
                return post("/" + IpamDriverApi.REQUEST_POOL, POOL);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        while (gate.waiting() == 0) {
            assertTrue(!call.isDone(), "RequestPool must wait for the services, got " + (call.isDone() ? call.get() : null));
            Thread.sleep(5);
        }
        assertTrue(ipam.calls.isEmpty());
        gate.open(new RunningServices(ipam, new FakeClusterService(), List.of()));
        Response r = call.get();
        assertEquals(200, r.status(), r.toString());
        assertEquals(1, ipam.calls.size());
        assertTrue(logged.stream().noneMatch(l -> l.getLevel().intValue() >= Level.WARNING.intValue()), "nothing failed: " + logged);
    }

    @Test
    void aNotReady500IsLoggedOnceAtWarningWithEndpointAndReason() throws Exception {
        ServicesGate gate = new ServicesGate(Duration.ofMillis(100));
        gate.status("the store consul://127.0.0.1:8500 is unreachable: Connection refused");
        serve(gate);
        Response r = post("/" + IpamDriverApi.REQUEST_POOL, POOL);
        String reason = "javaoverlay is not ready to serve this call (waited 0.1 s): "
                + "the store consul://127.0.0.1:8500 is unreachable: Connection refused";
        assertEquals(500, r.status());
        assertEquals("{\"Err\":\"" + reason + "\"}", r.body());
        List<LogRecord> warnings = logged.stream().filter(l -> l.getLevel() == Level.WARNING).toList();
        assertEquals(1, warnings.size(), "one WARNING per 5xx: " + logged);
        assertEquals("POST /IpamDriver.RequestPool -> 500: " + reason, warnings.get(0).getMessage());
    }

    @Test
    void aDomain500IsLoggedOnceAtWarning() throws Exception {
        ServicesGate gate = new ServicesGate();
        gate.open(new RunningServices(ipam, new FakeClusterService(), List.of()));
        serve(gate);
        ipam.failure = () -> new OverlayException(OverlayException.Kind.UNAVAILABLE,
                "the store consul://127.0.0.1:8500 did not answer within 10 s");
        assertEquals(500, post("/" + IpamDriverApi.REQUEST_POOL, POOL).status());
        List<LogRecord> warnings = logged.stream().filter(l -> l.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertEquals(1, warnings.size(), logged.toString());
        assertEquals("POST /IpamDriver.RequestPool -> 500: the store consul://127.0.0.1:8500 did not answer within 10 s",
                warnings.get(0).getMessage());
        // a 4xx is not a server failure: DEBUG only
        logged.clear();
        assertEquals(400, post("/" + IpamDriverApi.REQUEST_POOL, "{not json").status());
        assertTrue(logged.stream().noneMatch(l -> l.getLevel().intValue() >= Level.WARNING.intValue()), logged.toString());
    }
}
