package io.javaoverlay.server;

import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeNetworkService;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.uds.SocketInUseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The daemon's start order with a fake backend: the socket answers Docker's registration calls
 * while the store is still connecting, store-dependent calls fail with a clear 500 until the
 * services start, failed starts are retried, and close unlinks the socket and closes the services.
 */
class DaemonTest {
    @TempDir
    Path dir;
    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    DaemonConfig config(Path socket) {
        return new DaemonConfig(new StoreLocation.File(dir.resolve("state")), Optional.of("127.0.0.1"), Optional.empty(), socket,
                "local", Level.INFO, Optional.empty(), 4789, DaemonConfig.DEFAULT_VNI_RANGE, DaemonConfig.DEFAULT_POOLS, 1 << 20);
    }

    static Response post(Path socket, String path, String body) throws IOException {
        return PluginSocket.post(socket, path, body);
    }

    static Response awaitStatus(Path socket, String path, String body, int status) throws Exception {
        return PluginSocket.awaitStatus(socket, path, body, status);
    }

    @Test
    void registrationIsAnsweredBeforeTheStoreAndServicesFollow() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        CountDownLatch storeUp = new CountDownLatch(1);
        FakeNetworkService network = new FakeNetworkService();
        daemon = new Daemon(config(socket), (cfg, vtep) -> {
            storeUp.await();
            return new RunningServices(new FakeIpamService(), network, List.of());
        }, SdNotify.fromEnvironment(java.util.Map.of()));
        daemon.start();
        // start() returned: the socket answers although the backend is still blocked
        assertEquals(200, post(socket, "/" + PluginApi.ACTIVATE, "").status());
        assertEquals(200, post(socket, "/" + NetworkDriverApi.GET_CAPABILITIES, "").status());
        assertEquals(200, post(socket, "/" + IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES, "").status());
        Response r = post(socket, "/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\"}");
        assertEquals(500, r.status());
        assertEquals("{\"Err\":\"javaoverlay is not ready to serve this call: connecting to the store file://" + dir.resolve("state")
                + "\"}", r.body());
        storeUp.countDown();
        awaitStatus(socket, "/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\"}", 200);
        assertTrue(network.calls.contains("start"), "the network service was started");
        daemon.close();
        assertFalse(Files.exists(socket));
        assertTrue(network.calls.contains("close"), "the network service was closed");
    }

    @Test
    void failedStartsAreRetriedWithTheCauseInTheError() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        AtomicInteger attempts = new AtomicInteger();
        daemon = new Daemon(config(socket), (cfg, vtep) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("connection refused by 127.0.0.1:8500");
            }
            return new RunningServices(new FakeIpamService(), new FakeNetworkService(), List.of());
        }, SdNotify.fromEnvironment(java.util.Map.of()));
        daemon.start();
        Response r = awaitStatus(socket, "/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"n\"}", 500);
        assertTrue(r.body().contains("connection refused by 127.0.0.1:8500") || r.body().contains("connecting to the store"), r.body());
        awaitStatus(socket, "/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"n\"}", 200);
        assertEquals(3, attempts.get());
    }

    @Test
    void aPermanentWiringFailureIsReportedNotRetried() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        AtomicInteger attempts = new AtomicInteger();
        daemon = new Daemon(config(socket), (cfg, vtep) -> {
            attempts.incrementAndGet();
            throw new RunningServices.NotWiredException("this build has no IPAM implementation wired in");
        }, SdNotify.fromEnvironment(java.util.Map.of()));
        daemon.start();
        // The start-up thread ends instead of backing off and trying again: nothing left to wait for.
        assertTrue(daemon.awaitStartupEnded(Duration.ofSeconds(30)), "the daemon is still trying to open its services");
        assertEquals(1, attempts.get());
        Response r = post(socket, "/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"p\"}");
        assertEquals(500, r.status());
        assertEquals("{\"Err\":\"javaoverlay is not ready to serve this call: this build has no IPAM implementation wired in\"}", r.body());
        assertEquals(200, post(socket, "/" + PluginApi.ACTIVATE, "").status());
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefused() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        daemon = new Daemon(config(socket), (cfg, vtep) -> new RunningServices(new FakeIpamService(), new FakeNetworkService(), List.of()),
                SdNotify.fromEnvironment(java.util.Map.of()));
        daemon.start();
        Daemon second = new Daemon(config(socket), (cfg, vtep) -> fail("never reached"), SdNotify.fromEnvironment(java.util.Map.of()));
        assertThrows(SocketInUseException.class, second::start);
        second.close();
        assertTrue(Files.exists(socket), "the refused instance must not unlink the live socket");
        assertEquals(200, post(socket, "/" + PluginApi.ACTIVATE, "").status());
    }
}
