package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.kvstore.KvEntry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrency and persistence: several threads on two store clients (two simulated hosts, and
 * also one host id on both clients to force races on the same addresses), and a restarted
 * service that must serve IDs issued by the previous one.
 */
abstract class IpamAllocationContract extends IpamBehaviourContract {

    static final int THREADS_PER_CLIENT = 3;
    static final int PER_THREAD = 20;

    @Test
    void concurrentAllocatorsOnTwoClientsGetDistinctAddresses() throws Exception {
        runConcurrently("host-a", "host-b");
    }

    @Test
    void sameHostIdOnBothClientsStillGetsDistinctAddresses() throws Exception {
        runConcurrently("host-x", "host-x"); // same start offset: maximal contention on address keys
    }

    private void runConcurrently(String hostA, String hostB) throws Exception {
        KvIpamService a = host(hostA, 0);
        KvIpamService b = host(hostB, 1);
        PoolGrant p = pool(a, "198.18.0.0/23", "conc");
        assertEquals(p, pool(b, "198.18.0.0/23", "conc"));
        String g = gw(a, p.poolId(), null);
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService ex = Executors.newFixedThreadPool(2 * THREADS_PER_CLIENT);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 2 * THREADS_PER_CLIENT; t++) {
                KvIpamService s = t % 2 == 0 ? a : b;
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                        all.add(addr(s, p.poolId()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            ex.shutdownNow();
        }
        int n = 2 * THREADS_PER_CLIENT * PER_THREAD;
        assertEquals(n, all.size());
        Set<String> distinct = new HashSet<>(all);
        assertEquals(n, distinct.size(), "duplicate addresses handed out");
        assertTrue(!distinct.contains(g) && !distinct.contains("198.18.0.0/23") && !distinct.contains("198.18.1.255/23"));
        assertEquals(n + 1, addressKeys(p.poolId()).size());

        // Release everything from both sides concurrently: the pool must be empty again.
        List<String> mine = new ArrayList<>(all);
        mine.parallelStream().forEach(x -> (x.hashCode() % 2 == 0 ? a : b).releaseAddress(p.poolId(), host(x)));
        List<KvEntry> left = addressKeys(p.poolId());
        assertEquals(1, left.size(), "only the gateway remains: " + left);
        b.releaseAddress(p.poolId(), host(g));
        b.releasePool(p.poolId());
        a.releaseAddress(p.poolId(), host(g));
        a.releasePool(p.poolId());
        assertStoreEmpty();
    }

    @Test
    void concurrentPoolClaimsNeverOverlap() throws Exception {
        KvIpamService a = host("a", 0);
        KvIpamService b = host("b", 1);
        List<String> pools = Collections.synchronizedList(new ArrayList<>());
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                KvIpamService s = t % 2 == 0 ? a : b;
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        pools.add(s.requestPool(poolReq(null, null, null, false)).pool().toString());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            ex.shutdownNow();
        }
        assertEquals(20, new HashSet<>(pools).size(), "each auto RequestPool got its own subnet: " + pools);
    }

    @Test
    void aRestartedServiceServesIdsIssuedBeforeTheRestart() throws Exception {
        KvIpamService before = host("a", 0);
        PoolGrant p = pool(before, "198.18.0.0/28", "blue");
        String g = gw(before, p.poolId(), null);
        Set<String> got = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            got.add(addr(before, p.poolId()));
        }
        KvIpamService after = host("a", 1); // new process: empty caches, same host id
        assertEquals(g, gw(after, p.poolId(), null));
        for (int i = 0; i < 8; i++) {
            assertTrue(got.add(addr(after, p.poolId())), "no address handed out twice");
        }
        fails(PoolExhaustedException.class, () -> addr(after, p.poolId()), "198.18.0.0/28", "14");
        after.releaseAddress(p.poolId(), host(got.iterator().next()));
        addr(before, p.poolId()); // the stale cache of the first process recovers with a fresh listing
        after.releasePool(p.poolId());
        assertStoreEmpty();
        assertEquals(0, after.sweepTombstones());
    }

    @Test
    void aPreferredAddressIsJudgedByTheStoreNotByACachedCopyOfThePool() throws Exception {
        KvIpamService a = host("a", 0);
        KvIpamService b = host("b", 1);
        PoolGrant p = pool(a, "198.18.0.0/28", "blue");
        String g = gw(a, p.poolId(), null);
        assertEquals("198.18.0.5/28", addr(b, p.poolId(), "198.18.0.5")); // b now caches the pool with its gateway
        a.releaseAddress(p.poolId(), host(g));
        // The gateway is free again: b's copy still names it, the store does not.
        assertEquals(g, addr(b, p.poolId(), bare(g)));
        b.releaseAddress(p.poolId(), host(g));
        gw(a, p.poolId(), bare(g)); // the pool record changes under b's copy again
        fails(AddressInUseException.class, () -> addr(b, p.poolId(), bare(g)), bare(g));
        assertEquals("198.18.0.6/28", addr(b, p.poolId(), "198.18.0.6"));
        fails(AddressInUseException.class, () -> addr(a, p.poolId(), "198.18.0.6"), "198.18.0.6");
        a.releasePool(p.poolId());
        fails(PoolNotFoundException.class, () -> addr(b, p.poolId(), "198.18.0.7"), p.poolId());
    }
}
