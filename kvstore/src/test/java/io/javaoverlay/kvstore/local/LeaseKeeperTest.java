package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.LeaseExpiredException;
import io.javaoverlay.kvstore.LeaseKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaseKeeperTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheLeaseAliveUntilClosedThenReportsLoss() throws Exception {
        try (LocalKvStore store = LocalKvStore.open(dir)) {
            Lease lease = store.createLease("kept", Duration.ofMillis(600));
            store.putWithLease("alive", "1".getBytes(StandardCharsets.UTF_8), lease);
            CompletableFuture<LeaseExpiredException> lost = new CompletableFuture<>();
            // Wait for renewals, not for time: 9 renewals every TTL/3 span three TTLs, so without
            // them the key would have expired twice over.
            CountDownLatch renewals = new CountDownLatch(9);
            try (LeaseKeeper keeper = LeaseKeeper.start(counting(lease, renewals), lost::complete)) {
                assertTrue(renewals.await(30, TimeUnit.SECONDS), "the keeper renews the lease every TTL/3");
                assertTrue(store.get("alive").isPresent(), "a kept lease keeps its keys");
                assertTrue(keeper.isRunning());
            }
            // Stopped renewing: the key goes once the TTL passes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.get("alive").isPresent()) {
                assertTrue(System.nanoTime() < deadline, "key still present 10 s after the keeper stopped");
                Thread.sleep(50);
            }
            // A keeper on a lease that is already gone reports it and stops.
            try (LeaseKeeper late = LeaseKeeper.start(lease, lost::complete)) {
                assertNotNull(lost.get(10, TimeUnit.SECONDS));
                // onLost runs after the keeper stopped itself: no wait needed.
                assertFalse(late.isRunning());
            }
        }
    }

    @Test
    void closingTheKeeperFromItsOwnLossCallbackDoesNotInterruptTheCallback() throws Exception {
        // The natural onLost: stop this keeper, then create a new lease and rewrite the keys.
        // That work runs on the keeper's thread and must not find itself interrupted.
        try (LocalKvStore store = LocalKvStore.open(dir)) {
            Lease lease = store.createLease("gone", Duration.ofMillis(600));
            lease.close();
            CompletableFuture<Boolean> interruptedAfterClose = new CompletableFuture<>();
            LeaseKeeper[] self = new LeaseKeeper[1];
            CompletableFuture<Void> started = new CompletableFuture<>();
            self[0] = LeaseKeeper.start(lease, e -> {
                started.join();
                self[0].close();
                boolean interrupted = Thread.currentThread().isInterrupted();
                try {
                    store.createLease("replacement", Duration.ofSeconds(5)).close();
                } catch (Exception ex) {
                    interrupted = true;
                }
                interruptedAfterClose.complete(interrupted);
            });
            started.complete(null);
            assertFalse(interruptedAfterClose.get(10, TimeUnit.SECONDS));
        }
    }

    /** {@code lease}, counting each successful renewal down on {@code renewals}. */
    private static Lease counting(Lease lease, CountDownLatch renewals) {
        return new Lease() {
            @Override
            public String id() {
                return lease.id();
            }

            @Override
            public Duration ttl() {
                return lease.ttl();
            }

            @Override
            public void renew() throws KvStoreException {
                lease.renew();
                renewals.countDown();
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }
}
