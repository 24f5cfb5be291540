package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreContract;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.WatchResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract against a real {@code consul agent -dev}, plus Consul-only behaviour:
 * outages, restarts (index reset), session TTL clamping.
 *
 * <p>Lease expiry: Consul's minimum session TTL is 10 s and Consul waits up to 2×TTL before
 * invalidating a session, so the contract's bound here is 2×10 s + 5 s slack.
 */
@Tag("consul")
class ConsulKvStoreIT extends KvStoreContract {
    ConsulKvStoreIT() {
        super(Duration.ofSeconds(10), Duration.ofSeconds(2 * 10 + 5));
    }

    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();

    @Override
    protected KvStore createStore() throws Exception {
        CONSUL.agent().start(); // in case an outage test left it stopped
        return CONSUL.openStore(ConsulAgentExtension.uniquePrefix("jo-test"));
    }

    @Test
    void leaseTtlIsClampedToConsulsMinimum() throws Exception {
        try (Lease lease = store.createLease("short", Duration.ofSeconds(1))) {
            assertEquals(Duration.ofSeconds(10), lease.ttl());
            lease.renew();
        }
    }

    @Test
    void describeNamesAgentAndPrefixButNoToken() {
        String d = store.describe();
        assertTrue(d.startsWith("consul://127.0.0.1:" + CONSUL.agent().httpAddress().getPort() + "/jo-test/"), d);
    }

    @Test
    void outageGivesStoreUnavailableQuicklyAndRecovers() throws Exception {
        // Raise the index well above what a restarted dev agent reaches with a handful of writes, so
        // the watch below must see the index go backwards.
        for (int i = 0; i < 200; i++) {
            store.put("before", b(Integer.toString(i)));
        }
        WatchResult before = store.watch("", 0, Duration.ZERO);
        assertTrue(before.index() > 200, "index after 200 writes: " + before);
        ConsulTestAgent agent = CONSUL.agent();
        agent.stop();
        try {
            long t0 = System.nanoTime();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> store.get("before"));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(e.isRetryable());
            // connect timeout 2 s + request timeout 5 s is the configured worst case.
            assertTrue(took.compareTo(Duration.ofSeconds(7)) < 0, "took " + took);
            assertThrows(StoreUnavailableException.class, () -> store.put("during", b("x")));
            assertThrows(StoreUnavailableException.class, () -> store.watch("", before.index(), Duration.ofSeconds(1)));
        } finally {
            agent.start();
        }
        // The agent is back (a dev agent restarts empty); the same store instance works again.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                store.put("after", b("2"));
                break;
            } catch (StoreUnavailableException e) {
                assertTrue(System.nanoTime() < deadline, "Consul did not come back: " + e.getMessage());
                Thread.sleep(200);
            }
        }
        assertEquals("2", store.get("after").orElseThrow().valueAsString());
        // A restarted dev agent has lower indexes than before: the watch must say "resync", at once,
        // with the new listing as a snapshot.
        WatchResult after = store.watch("", before.index(), Duration.ofSeconds(2));
        assertTrue(after.resync(), "a watch from index " + before.index() + " after the restart: " + after);
        assertTrue(after.index() < before.index(), after + " vs " + before);
        assertEquals(List.of("after"), keys(after.entries()));
    }
}
