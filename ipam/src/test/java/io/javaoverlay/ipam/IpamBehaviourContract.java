package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Docker sees: pools, gateways, addresses, releases and edge cases E13-E22 of the protocol doc. */
abstract class IpamBehaviourContract extends IpamIdempotencyContract {

    @Test
    void explicitPoolGatewayAndAddresses() throws Exception {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.0/24", "blue");
        assertEquals("198.18.0.0/24", p.pool().toString());
        assertTrue(p.poolId().startsWith("198.18.0.0_24_"), p.poolId());
        assertEquals("198.18.0.1/24", gw(a, p.poolId(), null), "gateway = first usable (E22)");
        String x = addr(a, p.poolId());
        assertTrue(x.endsWith("/24"), "pool prefix length, not /32 (E22): " + x);
        assertNotEquals("198.18.0.1/24", x);
        assertEquals("198.18.0.77/24", addr(a, p.poolId(), "198.18.0.77"));
        assertEquals(3, addressKeys(p.poolId()).size());
    }

    @Test
    void nextFreeNeverNetworkOrBroadcastAndExhaustionNamesPoolAndSize() {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.8/29", null);
        Set<String> got = new HashSet<>();
        got.add(gw(a, p.poolId(), null));
        for (int i = 0; i < 5; i++) {
            got.add(addr(a, p.poolId()));
        }
        assertEquals(Set.of("198.18.0.9/29", "198.18.0.10/29", "198.18.0.11/29", "198.18.0.12/29",
                "198.18.0.13/29", "198.18.0.14/29"), got);
        fails(PoolExhaustedException.class, () -> addr(a, p.poolId()), "No available addresses", "198.18.0.8/29", "6");
    }

    @Test
    void slash31AndSlash32HaveNoReservedAddresses() {
        KvIpamService a = host("a", 0);
        PoolGrant p31 = pool(a, "198.18.1.0/31", null);
        assertEquals("198.18.1.0/31", gw(a, p31.poolId(), null));
        assertEquals("198.18.1.1/31", addr(a, p31.poolId()));
        fails(PoolExhaustedException.class, () -> addr(a, p31.poolId()), "198.18.1.0/31", "2");
        PoolGrant p32 = pool(a, "198.18.2.7/32", null);
        assertEquals("198.18.2.7/32", addr(a, p32.poolId(), "198.18.2.7"));
        fails(PoolExhaustedException.class, () -> addr(a, p32.poolId()), "198.18.2.7/32", "1");
    }

    @Test
    void reuseAfterRelease() {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.0/30", null);
        String x = addr(a, p.poolId());
        String y = addr(a, p.poolId());
        fails(PoolExhaustedException.class, () -> addr(a, p.poolId()), "198.18.0.0/30");
        a.releaseAddress(p.poolId(), host(x));
        assertEquals(x, addr(a, p.poolId()));
        a.releaseAddress(p.poolId(), host(y));
        a.releaseAddress(p.poolId(), host(y)); // idempotent (E13)
        assertEquals(y, addr(a, p.poolId(), bare(y)));
    }

    @Test
    void preferredAddressRules() {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        String g = gw(a, p.poolId(), "198.18.0.254");
        assertEquals("198.18.0.254/24", g);
        addr(a, p.poolId(), "198.18.0.5");
        fails(AddressInUseException.class, () -> addr(a, p.poolId(), "198.18.0.5"), "Address already in use",
                "198.18.0.5", "198.18.0.0/24");
        fails(AddressInUseException.class, () -> addr(a, p.poolId(), "198.18.0.254"), "198.18.0.254", "gateway");
        fails(OverlayException.class, () -> addr(a, p.poolId(), "198.18.1.5"), "198.18.1.5", "outside pool 198.18.0.0/24");
        fails(OverlayException.class, () -> addr(a, p.poolId(), "198.18.0.0"), "198.18.0.0", "network address");
        fails(OverlayException.class, () -> addr(a, p.poolId(), "198.18.0.255"), "198.18.0.255", "broadcast address");
        fails(OverlayException.class, () -> addr(a, p.poolId(), "fd00::1"), "fd00::1", "outside pool");
    }

    @Test
    void subPoolBoundsNextFreeButAuxAddressesMayBeAnywhereInThePool() {
        KvIpamService a = host("a", 0);
        PoolGrant p = a.requestPool(poolReq("198.18.0.0/24", "198.18.0.252/30", null, false));
        assertEquals("198.18.0.1/24", gw(a, p.poolId(), null), "gateway from the master pool");
        assertEquals("198.18.0.20/24", addr(a, p.poolId(), "198.18.0.20"), "aux address outside sub-pool (E21)");
        Set<String> got = Set.of(addr(a, p.poolId()), addr(a, p.poolId()), addr(a, p.poolId()));
        assertEquals(Set.of("198.18.0.252/24", "198.18.0.253/24", "198.18.0.254/24"), got);
        fails(PoolExhaustedException.class, () -> addr(a, p.poolId()), "198.18.0.0/24", "sub-pool 198.18.0.252/30", "3");
    }

    @Test
    void gatewayRules() {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.0/24", "blue");
        addr(a, p.poolId(), "198.18.0.1"); // an aux address took the first usable one
        assertEquals("198.18.0.2/24", gw(a, p.poolId(), null), "next free from the start of the pool");
        assertEquals("198.18.0.2/24", gw(a, p.poolId(), null), "re-request returns the gateway (E16)");
        assertEquals("198.18.0.2/24", gw(a, p.poolId(), "198.18.0.2"));
        fails(AddressInUseException.class, () -> gw(a, p.poolId(), "198.18.0.3"), "198.18.0.2", "198.18.0.3", "gateway");
        PoolGrant q = pool(a, "198.18.1.0/24", null);
        addr(a, q.poolId(), "198.18.1.9");
        fails(AddressInUseException.class, () -> gw(a, q.poolId(), "198.18.1.9"), "198.18.1.9", "198.18.1.0/24");
        a.releaseAddress(p.poolId(), IpAddress.parse("198.18.0.2"));
        assertEquals("198.18.0.3/24", gw(a, p.poolId(), "198.18.0.3"), "single holder: gateway released");
    }

    @Test
    void ipv6PoolsExplicitAndAuto() {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "fd00:198:18::/64", "blue");
        assertTrue(p.poolId().matches("[A-Za-z0-9._-]+"), p.poolId());
        assertEquals("fd00:198:18::1/64", gw(a, p.poolId(), null));
        String x = addr(a, p.poolId());
        assertTrue(x.startsWith("fd00:198:18:") && x.endsWith("/64"), x);
        assertEquals("fd00:198:18::ab/64", addr(a, p.poolId(), "FD00:198:18:0::AB"));
        fails(OverlayException.class, () -> addr(a, p.poolId(), "fd00:198:18::"), "network address");
        PoolGrant auto = a.requestPool(poolReq(null, null, null, true));
        assertEquals("fd5a:7661:6f76::/64", auto.pool().toString());
        PoolGrant auto2 = a.requestPool(poolReq(null, null, null, true));
        assertEquals("fd5a:7661:6f76:1::/64", auto2.pool().toString());
    }

    @Test
    void overlapWithAnotherNetworkIsRefusedNamingBoth() {
        KvIpamService a = host("a", 0);
        KvIpamService b = host("b", 1);
        PoolGrant blue = pool(a, "198.18.0.0/16", "blue");
        fails(PoolOverlapException.class, () -> pool(b, "198.18.4.0/24", "red"), "Pool overlaps",
                "198.18.4.0/24", "network red", "198.18.0.0/16", "network blue", blue.poolId());
        fails(PoolOverlapException.class, () -> pool(b, "198.0.0.0/8", "red"), "198.0.0.0/8", "198.18.0.0/16");
        fails(PoolOverlapException.class, () -> pool(a, "198.18.0.0/17", null), "unnamed network", "network blue");
        fails(PoolOverlapException.class, () -> pool(b, "198.18.0.0/16", "red"), "network red", "network blue");
        PoolGrant unnamed = pool(a, "198.19.0.0/24", null);
        fails(PoolOverlapException.class, () -> pool(b, "198.19.0.0/25", null), "198.19.0.0/25", unnamed.poolId());
    }

    @Test
    void exactlyTheSamePoolWithoutANameIsTheSameNetwork() throws Exception {
        KvIpamService a = host("a", 0);
        KvIpamService b = host("b", 1);
        PoolGrant first = pool(a, "198.19.0.0/24", null);      // docker network create on host a
        String g = gw(a, first.poolId(), null);
        assertEquals(first, pool(b, "198.19.0.0/24", null), "hand-created on host b: same pool (Docker 24+, scope local)");
        assertEquals(g, gw(b, first.poolId(), bare(g)));
        PoolGrant replicated = pool(b, "198.19.0.0/24", "0123abcd"); // the replicator names the cluster network
        assertEquals(first, replicated);
        for (KvIpamService h : List.of(a, b, b)) {
            h.releaseAddress(first.poolId(), host(g));
            h.releasePool(first.poolId());
        }
        assertStoreEmpty();
    }

    @Test
    void samePoolSameNetworkIsSharedAndReferenceCounted() throws Exception {
        KvIpamService a = host("a", 0);
        KvIpamService b = host("b", 1);
        PoolGrant pa = pool(a, "198.18.0.0/24", "blue");
        String g = gw(a, pa.poolId(), null);
        PoolGrant pb = pool(b, "198.18.0.0/24", "blue");
        assertEquals(pa, pb, "same PoolID on the second host (E16)");
        assertEquals(g, gw(b, pb.poolId(), null), "gateway re-request on the second host (E16)");
        String x = addr(b, pb.poolId());
        b.releaseAddress(pb.poolId(), host(g)); // b leaves: the gateway stays, a still uses it
        b.releasePool(pb.poolId());
        assertEquals(g, gw(a, pa.poolId(), null));
        fails(AddressInUseException.class, () -> addr(a, pa.poolId(), bare(g)), bare(g));
        fails(AddressInUseException.class, () -> addr(a, pa.poolId(), bare(x)), bare(x));
        fails(OverlayException.class, () -> a.requestPool(poolReq("198.18.0.0/24", "198.18.0.128/25", "blue", false)),
                "198.18.0.0/24", "network blue", "no sub-pool", "198.18.0.128/25");
        a.releaseAddress(pa.poolId(), host(g));
        a.releasePool(pa.poolId());
        assertStoreEmpty(); // last holder: pool and the address b left behind are gone
        fails(PoolNotFoundException.class, () -> addr(a, pa.poolId()), pa.poolId(), "198.18.0.0/24");
    }

    @Test
    void swarmManagerAndWorkerOnOneHostHoldThePoolTwice() throws Exception {
        KvIpamService a = host("a", 0);
        PoolGrant manager = pool(a, "198.18.0.0/24", "svc");
        String g = gw(a, manager.poolId(), null);
        PoolGrant worker = pool(a, "198.18.0.0/24", "svc"); // node-local re-creation (protocol doc 4.6)
        assertEquals(manager, worker);
        assertEquals(g, gw(a, worker.poolId(), bare(g)));
        a.releaseAddress(worker.poolId(), host(g));
        a.releasePool(worker.poolId());
        assertEquals(g, gw(a, manager.poolId(), null), "one holder left: pool and gateway stay");
        a.releasePool(manager.poolId());
        assertStoreEmpty();
    }

    @Test
    void scopeGlobalReleaseFromAHostThatNeverRequestedDropsOneHolder() throws Exception {
        KvIpamService a = new KvIpamService(client(0), config("a").withScope(IpamConfig.Scope.GLOBAL));
        KvIpamService b = new KvIpamService(client(1), config("b").withScope(IpamConfig.Scope.GLOBAL));
        PoolGrant p = pool(a, "198.18.0.0/24", "blue");
        addr(a, p.poolId());
        b.releasePool(p.poolId()); // 20.10 cluster store: `docker network rm` on host b
        assertStoreEmpty();
        b.releasePool(p.poolId()); // repeated (E13)
    }

    @Test
    void autoPoolsAreDifferentEachCallThenExhausted() throws Exception {
        KvIpamService a = host("a", 0);
        PoolGrant first = a.requestPool(poolReq(null, null, null, false));
        PoolGrant second = a.requestPool(poolReq(null, null, null, false));
        assertEquals("10.200.0.0/24", first.pool().toString());
        assertEquals("10.200.1.0/24", second.pool().toString(), "different pool on each call (E17)");
        a.releasePool(first.poolId());
        assertEquals("10.200.0.0/24", a.requestPool(poolReq(null, null, null, false)).pool().toString(), "freed pool reused");

        KvIpamService small = new KvIpamService(client(0), config("s").withDefaultPools(
                java.util.List.of(IpamConfig.DefaultPool.parse("198.18.0.0/23", 24)), java.util.List.of()));
        pool(small, "198.18.0.64/26", null); // occupies part of the first candidate
        assertEquals("198.18.1.0/24", small.requestPool(poolReq(null, null, null, false)).pool().toString());
        fails(NoAvailablePoolException.class, () -> small.requestPool(poolReq(null, null, null, false)),
                "No available pool", "198.18.0.0/23 in /24s");
        fails(NoAvailablePoolException.class, () -> small.requestPool(poolReq(null, null, null, true)), "IPv6",
                "none configured");
    }

    @Test
    void autoPoolForANamedNetworkIsSharedAcrossHosts() {
        KvIpamService a = host("a", 0);
        KvIpamService b = host("b", 1);
        PoolGrant pa = a.requestPool(poolReq(null, null, "green", false));
        PoolGrant pb = b.requestPool(poolReq(null, null, "green", false));
        assertEquals(pa, pb, "every host's network gets the same auto subnet");
        // Docker's overlap loop on host a asks again: there is no other subnet for this network.
        fails(PoolOverlapException.class, () -> a.requestPool(poolReq(null, null, "green", false)),
                pa.pool().toString(), "network green", "host a", "--subnet");
        assertNotEquals(pa.pool(), a.requestPool(poolReq(null, null, "other", false)).pool());
    }

    @Test
    void invalidRequestsNameTheObjectAndChangeNothing() throws Exception {
        KvIpamService a = host("a", 0);
        fails(OverlayException.class, () -> a.requestPool(poolReq(null, "198.18.0.0/25", null, false)),
                "sub-pool 198.18.0.0/25", "without a pool"); // E18
        fails(OverlayException.class, () -> pool(a, "198.18.0.5/24", null), "198.18.0.5/24", "198.18.0.0/24");
        fails(OverlayException.class, () -> a.requestPool(poolReq("198.18.0.0/24", null, null, true)), "198.18.0.0/24", "IPv4", "V6=true");
        fails(OverlayException.class, () -> a.requestPool(poolReq("198.18.0.0/24", "198.19.0.0/25", null, false)),
                "sub-pool 198.19.0.0/25", "not inside pool 198.18.0.0/24");
        fails(OverlayException.class, () -> a.requestPool(new IpamService.PoolRequest("Other", java.util.Optional.of(IpPrefix.parse("198.18.0.0/24")),
                java.util.Optional.empty(), java.util.Map.of(), false)), "address space 'Other'", IpamConfig.LOCAL_SPACE);
        fails(OverlayException.class, () -> addr(a, "nonsense"), "PoolID 'nonsense'");
        fails(OverlayException.class, () -> a.releasePool("JavaOverlayLocal/10.0.0.0/24"), "JavaOverlayLocal/10.0.0.0/24");
        assertTrue(ipamKeys().isEmpty(), "nothing written: " + ipamKeys());
    }

    @Test
    void releasesAreIdempotentAndStaleIdsCannotTouchANewerPool() throws Exception {
        KvIpamService a = host("a", 0);
        assertDoesNotThrow(() -> a.releasePool("198.18.0.0_24_00000000"));
        assertDoesNotThrow(() -> a.releaseAddress("198.18.0.0_24_00000000", IpAddress.parse("198.18.0.5")));
        PoolGrant old = pool(a, "198.18.0.0/24", "blue");
        addr(a, old.poolId(), "198.18.0.5");
        a.releasePool(old.poolId());
        PoolGrant fresh = pool(a, "198.18.0.0/24", "red");
        assertNotEquals(old.poolId(), fresh.poolId(), "new generation");
        addr(a, fresh.poolId(), "198.18.0.5");
        a.releasePool(old.poolId());
        a.releaseAddress(old.poolId(), IpAddress.parse("198.18.0.5"));
        fails(PoolNotFoundException.class, () -> addr(a, old.poolId()), old.poolId());
        assertEquals(1, addressKeys(fresh.poolId()).size(), "the newer pool is untouched");
        fails(AddressInUseException.class, () -> addr(a, fresh.poolId(), "198.18.0.5"), "198.18.0.5");
    }

    @Test
    void addressSpacesComeFromConfiguration() {
        IpamService.AddressSpaces s = host("a", 0).addressSpaces();
        assertEquals(IpamConfig.LOCAL_SPACE, s.local());
        assertEquals(IpamConfig.GLOBAL_SPACE, s.global());
    }
}
