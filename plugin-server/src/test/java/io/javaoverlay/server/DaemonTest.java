package io.javaoverlay.server;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.server.metrics.Metrics;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.DockerNames;
import io.javaoverlay.server.status.RecentErrors;
import io.javaoverlay.server.cluster.NetworkIdentity;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.uds.SocketInUseException;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The daemon's start order with fake services: the socket answers Docker's registration calls
 * while the store is still connecting, store-dependent calls wait for the services (and fail only
 * after --ready-timeout, naming the store and the cause), READY=1 follows the services (or the
 * time-out), failed starts are retried, and close unlinks the socket and closes the services.
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
        return DaemonConfig.builder(new StoreLocation.File(dir.resolve("state"))).advertiseAddr(Optional.of("127.0.0.1"))
                .socket(socket).build();
    }

    static Response post(Path socket, String path, String body) throws IOException {
        return PluginSocket.post(socket, path, body);
    }

    static Response awaitStatus(Path socket, String path, String body, int status) throws Exception {
        return PluginSocket.awaitStatus(socket, path, body, status);
    }

    @Test
    void registrationIsAnsweredBeforeTheStoreAndAStoreCallWaitsForTheServices() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        Path notifySocket = dir.resolve("notify.sock");
        CountDownLatch storeUp = new CountDownLatch(1);
        FakeClusterService network = new FakeClusterService();
        try (UnixDatagramChannel rx = UnixDatagramChannel.open()) {
            rx.bind(new UnixSocketAddress(notifySocket.toString()));
            daemon = new Daemon(config(socket), (cfg, vtep) -> {
                storeUp.await();
                return new RunningServices(new FakeIpamService(), network, List.of());
            }, SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", notifySocket.toString())));
            daemon.start();
            // start() returned: the socket answers although the services are still blocked
            assertEquals(200, post(socket, "/" + PluginApi.ACTIVATE, "").status());
            assertEquals(200, post(socket, "/" + NetworkDriverApi.GET_CAPABILITIES, "").status());
            assertEquals(200, post(socket, "/" + IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES, "").status());
            // ... but READY=1 waits for the services: so far only STATUS= lines
            String before = drain(rx);
            assertTrue(before.contains("STATUS=serving " + socket + "; connecting to the store file://"), before);
            assertFalse(before.contains("READY=1"), before);
            CompletableFuture<Response> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(socket, "/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\"}");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (daemon.gate().waiting() == 0) {
                assertFalse(call.isDone(), "RequestPool must wait while the daemon starts");
                Thread.sleep(5);
            }
            storeUp.countDown();
            assertEquals(200, call.get().status(), "the very call made while starting succeeds");
            String ready = receive(rx, "READY=1");
            assertTrue(ready.contains("STATUS=ready: serving javaoverlay.sock, store file://"), ready);
        }
        assertTrue(network.calls.contains("start"), "the network service was started");
        daemon.close();
        assertFalse(Files.exists(socket));
        assertTrue(network.calls.contains("close"), "the network service was closed");
    }

    @Test
    void failedStartsAreRetriedWhileACallWaits() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        AtomicInteger attempts = new AtomicInteger();
        daemon = new Daemon(config(socket), (cfg, vtep) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("connection refused by 127.0.0.1:8500");
            }
            return new RunningServices(new FakeIpamService(), new FakeClusterService(), List.of());
        }, SdNotify.fromEnvironment(java.util.Map.of()));
        daemon.start();
        assertEquals(200, post(socket, "/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"n\"}").status());
        assertEquals(3, attempts.get());
    }

    @Test
    void statusForgetsTheServicesOfAFailedStartAttempt() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        DaemonConfig cfg = config(socket).toBuilder().adminSocket(dir.resolve("admin.sock")).build();
        AdminContext admin = new AdminContext(cfg, "1.2.3", new Metrics("1.2.3"), new RecentErrors(10));
        InMemoryKvStore kv = new InMemoryKvStore();
        OverlayStore overlay = new OverlayStore(kv);
        AdminContext.Live live = new AdminContext.Live(kv, overlay, new NetworkIdentity(kv, overlay, "h1", false),
                new FakeIpamService(), "h1", IpAddress.parse("127.0.0.1"), Optional.empty(), Optional.empty(),
                Map::of, List::of, DockerNames.NONE, (id, force) -> fail("not called"));
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch retried = new CountDownLatch(1);
        daemon = new Daemon(cfg, (c, vtep) -> {
            if (attempts.incrementAndGet() == 1) {
                admin.attach(live); // as the wiring does, before the store probe fails
                throw new IOException("HTTP 403 (Permission denied)");
            }
            retried.countDown();
            throw new IOException("HTTP 403 (Permission denied)");
        }, SdNotify.fromEnvironment(Map.of()), Map.of(), admin);
        daemon.start();
        assertTrue(retried.await(30, TimeUnit.SECONDS), "the failed start was retried");
        assertTrue(admin.live().isEmpty(), "the closed services of the failed attempt are still attached");
    }

    @Test
    void anUnreachableStoreFailsTheCallAfterTheBoundNamingStoreAndCause() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        Path notifySocket = dir.resolve("notify.sock");
        try (UnixDatagramChannel rx = UnixDatagramChannel.open()) {
            rx.bind(new UnixSocketAddress(notifySocket.toString()));
            daemon = new Daemon(config(socket).toBuilder().readyTimeout(Duration.ofMillis(300)).build(), (cfg, vtep) -> {
                throw new StoreUnavailableException("consul 127.0.0.1:8500 unreachable: Connection refused", null);
            }, SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", notifySocket.toString())));
            daemon.start();
            Response r = post(socket, "/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\"}");
            assertEquals(500, r.status());
            assertEquals("{\"Err\":\"javaoverlay is not ready to serve this call (waited 0.3 s): the store file://" + dir.resolve("state")
                    + " is unreachable: consul 127.0.0.1:8500 unreachable: Connection refused\"}", r.body());
            // READY=1 is sent after --ready-timeout all the same, and STATUS= says what is missing
            String ready = receive(rx, "READY=1");
            assertTrue(ready.contains("STATUS=serving registration calls only; waiting for the services: the store file://"
                    + dir.resolve("state") + " is unreachable: consul 127.0.0.1:8500 unreachable: Connection refused"), ready);
            // ... and the retries after READY=1 keep saying so (systemctl status shows the last STATUS=)
            String retry = receive(rx, "; retrying in ");
            assertTrue(retry.startsWith("STATUS=serving registration calls only; waiting for the services: the store file://"
                    + dir.resolve("state") + " is unreachable: "), retry);
        }
    }

    @Test
    void aStoreThatDoesNotAnswerKeepsTheGateClosedAndTheNetworkServiceStopped() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        AtomicInteger reads = new AtomicInteger();
        // Consul's client opens without connecting; the first read is what fails.
        KvStore down = (KvStore) java.lang.reflect.Proxy.newProxyInstance(KvStore.class.getClassLoader(), new Class<?>[] {KvStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        reads.incrementAndGet();
                        throw new StoreUnavailableException("key-value store get 'watchdog-probe': Consul is unreachable (Connection refused)", null);
                    }
                    return null;
                });
        FakeClusterService network = new FakeClusterService();
        daemon = new Daemon(config(socket).toBuilder().readyTimeout(Duration.ofMillis(300)).build(),
                (cfg, vtep) -> new RunningServices(new FakeIpamService(), network, List.of(down)), SdNotify.fromEnvironment(Map.of()));
        daemon.start();
        Response r = post(socket, "/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"n\"}");
        assertEquals("{\"Err\":\"javaoverlay is not ready to serve this call (waited 0.3 s): the store file://" + dir.resolve("state")
                + " is unreachable: key-value store get 'watchdog-probe': Consul is unreachable (Connection refused)\"}", r.body());
        assertTrue(reads.get() >= 1);
        assertFalse(network.calls.contains("start"), "the network service does not start without its store");
    }

    static String drain(UnixDatagramChannel rx) throws IOException {
        StringBuilder all = new StringBuilder();
        rx.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            buf.clear();
            try {
                if (rx.receive(buf) == null || buf.position() == 0) {
                    return all.toString();
                }
            } catch (IOException eagain) {
                return all.toString();
            }
            buf.flip();
            all.append(StandardCharsets.UTF_8.decode(buf)).append("\n---\n");
        }
    }

    static String receive(UnixDatagramChannel rx, String wanted) throws Exception {
        StringBuilder all = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String got = drain(rx);
            all.append(got);
            for (String msg : got.split("\n---\n")) {
                if (msg.contains(wanted)) {
                    return msg;
                }
            }
            Thread.sleep(20);
        }
        fail("no sd_notify message with " + wanted + "; got: " + all);
        return null;
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
        daemon = new Daemon(config(socket), (cfg, vtep) -> new RunningServices(new FakeIpamService(), new FakeClusterService(), List.of()),
                SdNotify.fromEnvironment(java.util.Map.of()));
        daemon.start();
        Daemon second = new Daemon(config(socket), (cfg, vtep) -> fail("never reached"), SdNotify.fromEnvironment(java.util.Map.of()));
        assertThrows(SocketInUseException.class, second::start);
        second.close();
        assertTrue(Files.exists(socket), "the refused instance must not unlink the live socket");
        assertEquals(200, post(socket, "/" + PluginApi.ACTIVATE, "").status());
    }
}
