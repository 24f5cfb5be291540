package io.javaoverlay.server;

import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WATCHDOG=1 is sent only while a request through the plugin socket is answered and the store
 * client is not stuck; a store that merely fails keeps the pings going.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogTest {
    static final Duration INTERVAL = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    final List<String> sent = new CopyOnWriteArrayList<>();

    UdsHttpServer serve(Path socket) throws IOException {
        ServicesGate gate = new ServicesGate();
        return UdsHttpServer.start(UdsListener.bind(socket), PluginApplication.create(gate, DriverSettings.withScope("local"), 4096));
    }

    @Test
    void intervalFollowsSdWatchdogEnabled() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), Watchdog.interval(Map.of("WATCHDOG_USEC", "30000000"), 42));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Watchdog.interval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42));
        assertEquals(Optional.empty(), Watchdog.interval(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "43"), 42));
        assertEquals(Optional.empty(), Watchdog.interval(Map.of("WATCHDOG_USEC", "0"), 42));
        assertEquals(Optional.empty(), Watchdog.interval(Map.of("WATCHDOG_USEC", "soon"), 42));
        assertEquals(Optional.empty(), Watchdog.interval(Map.of(), 42));
        assertEquals(Duration.ofSeconds(15),
                new Watchdog(Duration.ofSeconds(30), sent::add, new PluginProbe(dir.resolve("x")), Duration.ZERO).period());
    }

    @Test
    void pingsWhileTheSocketAnswersAndStopsWhenItDoesNot() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        Watchdog w = new Watchdog(INTERVAL, sent::add, new PluginProbe(socket), Duration.ofSeconds(20));
        try (UdsHttpServer server = serve(socket)) {
            assertTrue(w.tick());
            assertEquals(List.of("WATCHDOG=1"), sent);
        }
        assertFalse(w.tick(), "no socket, no ping");
        assertEquals(1, sent.size());
    }

    @Test
    void aWedgedServerThatAcceptsButNeverAnswersGetsNoPing() throws Exception {
        Path socket = dir.resolve("wedged.sock");
        try (ServerSocketChannel wedged = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            wedged.bind(UnixDomainSocketAddress.of(socket));   // connections queue in the backlog, unanswered
            Watchdog w = new Watchdog(INTERVAL, sent::add, new PluginProbe(socket), Duration.ofSeconds(20));
            assertFalse(w.tick());
            assertTrue(sent.isEmpty());
        }
    }

    @Test
    void aStuckStoreClientStopsThePingButAFailingStoreDoesNot() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        try (UdsHttpServer server = serve(socket);
             Watchdog w = new Watchdog(INTERVAL, sent::add, new PluginProbe(socket), Duration.ZERO)) {
            // A store that is down answers with an error: still healthy from the JVM's point of view.
            CountDownLatch failed = new CountDownLatch(1);
            w.store(() -> {
                failed.countDown();
                throw new IOException("consul 127.0.0.1:8500: Connection refused");
            });
            assertTrue(w.tick());
            failed.await();
            awaitStoreIdle(w);
            assertTrue(w.tick());
            // That tick started another read of the failing store: let it end, or the next tick finds it
            // in flight beyond the zero bound (a flake seen once in a unit run).
            awaitStoreIdle(w);
            // A read that never returns: the first tick starts it, the next one finds it stuck.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            w.store(() -> {
                entered.countDown();
                release.await();
            });
            assertTrue(w.tick());
            entered.await();
            int before = sent.size();
            assertFalse(w.tick(), "a store read stuck beyond its bound withholds the ping");
            assertEquals(before, sent.size());
            release.countDown();
            awaitStoreIdle(w);
            assertTrue(w.tick(), "pings resume once the read returns");
        }
    }

    /** Ticks until the previous store read has finished (a tick that starts a new read returns true). */
    private static void awaitStoreIdle(Watchdog w) throws InterruptedException {
        for (int i = 0; i < 2000 && w.storeReadInFlight(); i++) {
            Thread.sleep(5);
        }
        assertFalse(w.storeReadInFlight());
    }
}
