package io.javaoverlay.kvstore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link KvStore} backend must have. Subclass it once per backend and supply
 * a fresh, empty store per test (for Consul: a unique key prefix). Shipped in the kvstore
 * test-jar so other modules can run their own tests against every backend.
 */
public abstract class KvStoreContract {
    protected KvStore store;

    private final Duration leaseTtl;
    private final Duration leaseExpiryBound;

    /**
     * @param leaseTtl         TTL for the lease tests (Consul's minimum is 10 s)
     * @param leaseExpiryBound how long after the last renewal the lease's keys may take to vanish;
     *                         Consul doubles the TTL before invalidating a session, so for Consul
     *                         this is 2×TTL plus slack
     */
    protected KvStoreContract(Duration leaseTtl, Duration leaseExpiryBound) {
        this.leaseTtl = leaseTtl;
        this.leaseExpiryBound = leaseExpiryBound;
    }

    /** A fresh, empty store for one test; closed after the test. */
    protected abstract KvStore createStore() throws Exception;

    /** TTL for the lease tests. */
    protected final Duration leaseTtl() {
        return leaseTtl;
    }

    /** How long an unrenewed lease's keys may take to vanish. */
    protected final Duration leaseExpiryBound() {
        return leaseExpiryBound;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void missingKeyIsEmpty() throws Exception {
        assertEquals(Optional.empty(), store.get("no/such/key"));
        assertEquals(List.of(), store.list("no/such/"));
    }

    @Test
    void putThenGetReturnsValueAndIncreasingIndex() throws Exception {
        store.put("k", b("v1"));
        KvEntry first = store.get("k").orElseThrow();
        assertEquals("v1", first.valueAsString());
        assertEquals("k", first.key());
        assertTrue(first.modifyIndex() > 0);
        store.put("k", new byte[0]);
        KvEntry second = store.get("k").orElseThrow();
        assertArrayEquals(new byte[0], second.value());
        assertTrue(second.modifyIndex() > first.modifyIndex());
    }

    @Test
    void secondPutIfAbsentConflicts() throws Exception {
        store.putIfAbsent("claim", b("a"));
        assertThrows(CasConflictException.class, () -> store.putIfAbsent("claim", b("b")));
        assertEquals("a", store.get("claim").orElseThrow().valueAsString());
    }

    @Test
    void staleIndexCasIsRejected() throws Exception {
        store.put("ctr", b("0"));
        long idx = store.get("ctr").orElseThrow().modifyIndex();
        store.compareAndSet("ctr", b("1"), idx);
        CasConflictException e = assertThrows(CasConflictException.class,
                () -> store.compareAndSet("ctr", b("2"), idx));
        assertTrue(e.isRetryable());
        assertEquals("1", store.get("ctr").orElseThrow().valueAsString());
        assertThrows(CasConflictException.class, () -> store.compareAndSet("missing", b("x"), idx));
        assertEquals(Optional.empty(), store.get("missing"));
    }

    @Test
    void casWithIndexZeroCreatesOnlyIfAbsent() throws Exception {
        store.compareAndSet("fresh", b("a"), 0);
        assertEquals("a", store.get("fresh").orElseThrow().valueAsString());
        assertThrows(CasConflictException.class, () -> store.compareAndSet("fresh", b("b"), 0));
    }

    @Test
    void staleIndexDeleteIsRejected() throws Exception {
        store.put("d", b("1"));
        long stale = store.get("d").orElseThrow().modifyIndex();
        store.put("d", b("2"));
        assertThrows(CasConflictException.class, () -> store.deleteIfIndex("d", stale));
        KvEntry cur = store.get("d").orElseThrow();
        assertEquals("2", cur.valueAsString());
        store.deleteIfIndex("d", cur.modifyIndex());
        assertEquals(Optional.empty(), store.get("d"));
        assertThrows(CasConflictException.class, () -> store.deleteIfIndex("d", cur.modifyIndex()));
    }

    @Test
    void deletingMissingKeySucceeds() throws Exception {
        store.delete("never/was");
        store.put("x", b("1"));
        store.delete("x");
        assertEquals(Optional.empty(), store.get("x"));
    }

    @Test
    void prefixListingIsExact() throws Exception {
        for (String k : List.of("a", "a/b", "a/b/c", "a/bc", "ab", "b", "a/a")) {
            store.put(k, b(k));
        }
        assertEquals(List.of("a/b", "a/b/c", "a/bc"), keys(store.list("a/b")));
        assertEquals(List.of("a/b/c"), keys(store.list("a/b/")));
        assertEquals(List.of("a", "a/a", "a/b", "a/b/c", "a/bc", "ab", "b"), keys(store.list("")));
        assertEquals(List.of(), keys(store.list("a/c")));
        assertEquals("a/b/c", store.list("a/b/").get(0).valueAsString());
    }

    @Test
    void deletePrefixRemovesOnlyThatPrefix() throws Exception {
        for (String k : List.of("p/1", "p/2", "p2", "q")) {
            store.put(k, b(k));
        }
        store.deletePrefix("p/");
        assertEquals(List.of("p2", "q"), keys(store.list("")));
    }

    @Test
    void concurrentCasIncrementsLoseNothing() throws Exception {
        int threads = 8;
        int perThread = 15;
        store.put("counter", b("0"));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    int conflicts = 0;
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            KvEntry cur = store.get("counter").orElseThrow();
                            int next = Integer.parseInt(cur.valueAsString()) + 1;
                            try {
                                store.compareAndSet("counter", b(Integer.toString(next)), cur.modifyIndex());
                                break;
                            } catch (CasConflictException e) {
                                conflicts++;
                            }
                        }
                    }
                    return conflicts;
                }));
            }
            for (Future<Integer> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Integer.toString(threads * perThread), store.get("counter").orElseThrow().valueAsString());
    }

    @Test
    void transactionIsAllOrNothing() throws Exception {
        store.put("x", b("x0"));
        long xIdx = store.get("x").orElseThrow().modifyIndex();
        TxnAbortedException e = assertThrows(TxnAbortedException.class, () -> store.txn(List.of(
                new TxnOp.Set("ip/10.0.0.5", b("ep1")),
                new TxnOp.Set("ep/ep1", b("10.0.0.5")),
                new TxnOp.Cas("x", b("x1"), xIdx + 1000))));
        assertEquals(2, e.opIndex());
        assertEquals(Optional.empty(), store.get("ip/10.0.0.5"));
        assertEquals(Optional.empty(), store.get("ep/ep1"));
        assertEquals(xIdx, store.get("x").orElseThrow().modifyIndex());

        // Operations see the effects of earlier ones: a CheckIndex after a Cas of the same key fails.
        e = assertThrows(TxnAbortedException.class, () -> store.txn(List.of(
                new TxnOp.PutIfAbsent("ip/10.0.0.5", b("ep1")),
                new TxnOp.Cas("x", b("x1"), xIdx),
                new TxnOp.CheckIndex("x", xIdx))));
        assertEquals(2, e.opIndex());
        assertEquals(Optional.empty(), store.get("ip/10.0.0.5"));
        assertEquals("x0", store.get("x").orElseThrow().valueAsString());
    }

    @Test
    void transactionAppliesEveryOperationAtOnce() throws Exception {
        store.put("x", b("x0"));
        store.put("gone", b("g"));
        long xIdx = store.get("x").orElseThrow().modifyIndex();
        long goneIdx = store.get("gone").orElseThrow().modifyIndex();
        List<KvEntry> reads = store.txn(List.of(
                new TxnOp.CheckNotExists("ip/10.0.0.5"),
                new TxnOp.PutIfAbsent("ip/10.0.0.5", b("ep1")),
                new TxnOp.CheckIndex("x", xIdx),
                new TxnOp.Cas("x", b("x1"), xIdx),
                new TxnOp.DeleteIfIndex("gone", goneIdx),
                new TxnOp.Delete("not-there"),
                new TxnOp.Get("missing"),
                new TxnOp.Get("x")));
        assertEquals(1, reads.size());
        assertEquals("x", reads.get(0).key());
        assertEquals("x1", reads.get(0).valueAsString());
        KvEntry ip = store.get("ip/10.0.0.5").orElseThrow();
        assertEquals(ip.modifyIndex(), store.get("x").orElseThrow().modifyIndex(), "one index per transaction");
        assertEquals(Optional.empty(), store.get("gone"));
        assertEquals(List.of(), store.txn(List.of()));
    }

    @Test
    void transactionReportsTheFailingOperation() throws Exception {
        store.put("held", b("1"));
        TxnAbortedException e = assertThrows(TxnAbortedException.class, () -> store.txn(List.of(
                new TxnOp.Get("held"),
                new TxnOp.Set("other", b("o")),
                new TxnOp.PutIfAbsent("held", b("2")))));
        assertEquals(2, e.opIndex());
        e = assertThrows(TxnAbortedException.class, () -> store.txn(List.of(
                new TxnOp.CheckNotExists("held"))));
        assertEquals(0, e.opIndex());
        e = assertThrows(TxnAbortedException.class, () -> store.txn(List.of(
                new TxnOp.Set("other", b("o")),
                new TxnOp.DeleteIfIndex("nope", 1))));
        assertEquals(1, e.opIndex());
        assertEquals(Optional.empty(), store.get("other"));
    }

    @Test
    void transactionGetsSkipMissingKeysAndNeverHideTheFailingOperation() throws Exception {
        store.put("a", b("1"));
        store.put("c", b("3"));
        // Read-only: present, missing, present, missing, in any order.
        List<KvEntry> reads = store.txn(List.of(new TxnOp.Get("a"), new TxnOp.Get("b"), new TxnOp.Get("c"),
                new TxnOp.Get("d")));
        assertEquals(List.of("a", "c"), reads.stream().map(KvEntry::key).toList());
        assertEquals(List.of(), store.txn(List.of(new TxnOp.Get("b"), new TxnOp.Get("d"))));
        // A missing key read next to a failing condition: the condition is what is reported.
        TxnAbortedException e = assertThrows(TxnAbortedException.class, () -> store.txn(List.of(
                new TxnOp.Get("missing"),
                new TxnOp.PutIfAbsent("a", b("2")),
                new TxnOp.Set("other", b("o")))));
        assertEquals(1, e.opIndex());
        assertEquals(Optional.empty(), store.get("other"));
        assertEquals("1", store.get("a").orElseThrow().valueAsString());
        // A missing key read in a transaction that writes: the write is applied, the read skipped.
        reads = store.txn(List.of(new TxnOp.Get("missing"), new TxnOp.Set("other", b("o")), new TxnOp.Get("other")));
        assertEquals(List.of("o"), reads.stream().map(KvEntry::valueAsString).toList());
    }

    @Test
    void badInputIsRejectedWithoutChangingState() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> store.put("bad key", b("v")));
        assertThrows(IllegalArgumentException.class, () -> store.put("", b("v")));
        assertThrows(IllegalArgumentException.class, () -> store.get("a?b"));
        List<TxnOp> tooMany = new ArrayList<>();
        for (int i = 0; i <= KvStore.MAX_TXN_OPS; i++) {
            tooMany.add(new TxnOp.Set("t/" + i, b("v")));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.txn(tooMany));
        assertTrue(e.getMessage().contains(Integer.toString(KvStore.MAX_TXN_OPS)), e.getMessage());
        assertEquals(List.of(), store.list(""));
    }

    @Test
    void badLeaseArgumentsAreRejectedWithoutChangingState() throws Exception {
        WatchResult before = store.watch("", 0, Duration.ZERO);
        // A name the store cannot persist is bad input (not a retryable store failure).
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.createLease("h".repeat(70_000), leaseTtl()));
        assertTrue(e.getMessage().contains("lease name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.createLease("zero", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> store.createLease("negative", Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> store.createLease(null, leaseTtl()));
        assertEquals(before.index(), store.watch("", 0, Duration.ZERO).index());
    }

    @Test
    void watchWakesOnChangeWithHigherIndex() throws Exception {
        store.put("w/a", b("1"));
        store.put("other", b("1"));
        WatchResult initial = store.watch("w/", 0, Duration.ZERO);
        assertTrue(initial.index() > 0);
        assertEquals(List.of("w/a"), keys(initial.entries()));
        CompletableFuture<WatchResult> woke = CompletableFuture.supplyAsync(() -> {
            try {
                return store.watch("w/", initial.index(), Duration.ofSeconds(30));
            } catch (KvStoreException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        store.put("w/b", b("2"));
        WatchResult changed = woke.get(20, TimeUnit.SECONDS);
        assertTrue(changed.index() > initial.index(), changed + " vs " + initial);
        assertFalse(changed.resync());
        assertEquals(List.of("w/a", "w/b"), keys(changed.entries()));

        store.delete("w/a");
        WatchResult afterDelete = store.watch("w/", changed.index(), Duration.ofSeconds(20));
        assertTrue(afterDelete.index() > changed.index());
        assertEquals(List.of("w/b"), keys(afterDelete.entries()));
    }

    @Test
    void watchOnAnEmptyPrefixWakesOnTheFirstKey() throws Exception {
        WatchResult empty = store.watch("fresh/", 0, Duration.ZERO);
        assertTrue(empty.index() >= 1, "index 0 must read as 1: " + empty);
        assertEquals(List.of(), empty.entries());
        CompletableFuture<WatchResult> woke = CompletableFuture.supplyAsync(() -> {
            try {
                return store.watch("fresh/", empty.index(), Duration.ofSeconds(30));
            } catch (KvStoreException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        store.put("fresh/first", b("1"));
        WatchResult first = woke.get(20, TimeUnit.SECONDS);
        assertTrue(first.index() > empty.index(), first + " vs " + empty);
        assertEquals(List.of("fresh/first"), keys(first.entries()));
    }

    @Test
    void plainWritesKeepTheLeaseBinding() throws Exception {
        Lease lease = store.createLease("host-b", leaseTtl());
        store.putWithLease("bound", b("1"), lease);
        store.put("bound", b("2"));
        assertEquals("2", store.get("bound").orElseThrow().valueAsString());
        lease.close();
        assertEquals(Optional.empty(), store.get("bound"));
    }

    @Test
    void watchTimesOutWithTheSameIndex() throws Exception {
        store.put("t/a", b("1"));
        WatchResult initial = store.watch("t/", 0, Duration.ZERO);
        store.put("unrelated", b("x"));
        WatchResult timedOut = store.watch("t/", initial.index(), Duration.ofMillis(1500));
        assertEquals(initial.index(), timedOut.index());
        assertFalse(timedOut.resync());
        assertEquals(List.of("t/a"), keys(timedOut.entries()));
    }

    @Test
    void leaseCloseDeletesItsKeys() throws Exception {
        Lease lease = store.createLease("host-a", leaseTtl());
        store.putWithLease("hosts/a", b("10.0.0.1"), lease);
        store.put("hosts/static", b("x"));
        assertEquals("10.0.0.1", store.get("hosts/a").orElseThrow().valueAsString());
        lease.close();
        lease.close(); // idempotent
        assertEquals(List.of("hosts/static"), keys(store.list("hosts/")));
        assertThrows(LeaseExpiredException.class, lease::renew);
    }

    @Test
    void keyHeldByAnotherLeaseConflicts() throws Exception {
        try (Lease a = store.createLease("a", leaseTtl()); Lease b = store.createLease("b", leaseTtl())) {
            store.putWithLease("owner", b("a"), a);
            store.putWithLease("owner", b("a2"), a); // the holder may rewrite
            assertThrows(CasConflictException.class, () -> store.putWithLease("owner", b("b"), b));
            assertEquals("a2", store.get("owner").orElseThrow().valueAsString());
        }
    }

    @Test
    void leaseThatStopsRenewingLosesItsKeys() throws Exception {
        Lease lease = store.createLease("dying-host", leaseTtl());
        store.putWithLease("live/host", b("up"), lease);
        lease.renew();
        long renewedAt = System.nanoTime();
        long bound = leaseExpiryBound().toNanos();
        while (store.get("live/host").isPresent()) {
            assertTrue(System.nanoTime() - renewedAt < bound,
                    "key bound to an unrenewed lease still present after " + leaseExpiryBound());
            Thread.sleep(200);
        }
        assertThrows(LeaseExpiredException.class, lease::renew);
        assertThrows(LeaseExpiredException.class, () -> store.putWithLease("live/host", b("again"), lease));
        lease.close();
    }

    /** Key names of entries, in order. */
    protected static List<String> keys(List<KvEntry> entries) {
        List<String> out = new ArrayList<>();
        for (KvEntry e : entries) {
            out.add(e.key());
        }
        return out;
    }
}
