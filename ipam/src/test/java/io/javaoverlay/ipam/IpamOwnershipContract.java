package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamConfig.Scope;
import io.javaoverlay.ipam.IpamService.AddressClaim;
import io.javaoverlay.ipam.IpamService.HostCleanup;
import io.javaoverlay.ipam.IpamService.Holder;
import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.ipam.IpamService.PoolInfo;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ownership API (claims, pools, the compare-and-set repairs, ReleasePool by scope) on every
 * backend. Hosts run on {@link TickingClock}s; host b's clock is an hour ahead of host a's, so
 * a {@code since} shows whose clock wrote it.
 */
abstract class IpamOwnershipContract extends IpamServiceContract {

    static final long HOUR = 3_600_000L;
    static final IpPrefix P = IpPrefix.parseNetwork("198.18.0.0/24");
    static final IpAddress X9 = IpAddress.parse("198.18.0.9");

    final TickingClock clockA = new TickingClock(T0);
    final TickingClock clockB = new TickingClock(T0 + HOUR);

    KvIpamService a() {
        return host("a", 0, clockA, Scope.LOCAL);
    }

    KvIpamService b() {
        return host("b", 1, clockB, Scope.LOCAL);
    }

    /** True if {@code since} was read from a {@link TickingClock} started at {@code start} (within 1000 readings). */
    static boolean onClock(long since, long start) {
        return since >= start && since < start + 1000;
    }

    static PoolInfo info(IpamService s, IpPrefix pool) {
        return s.pools().stream().filter(p -> p.pool().equals(pool)).findFirst()
                .orElseThrow(() -> new AssertionError("no active pool " + pool));
    }

    static List<String> holderHosts(IpamService s, IpPrefix pool) {
        return s.pools().stream().filter(p -> p.pool().equals(pool)).findFirst()
                .map(p -> p.holders().stream().map(Holder::host).toList()).orElse(null);
    }

    @Test
    void poolsShowHoldersUsageAndFreeAddresses() {
        KvIpamService a = a();
        KvIpamService b = b();
        String shared = pool(a, "198.18.1.0/24", "blue").poolId();
        pool(b, "198.18.1.0/24", "blue");
        String g = gw(a, shared, null);
        addr(a, shared);
        addr(b, shared);
        pool(a, "198.18.2.0/29", null);
        String ranged = a.requestPool(poolReq("198.18.3.0/24", "198.18.3.252/30", null, false)).poolId();
        gw(a, ranged, null);                 // .1: outside the range
        addr(a, ranged, "198.18.3.20");      // an aux address outside the range
        addr(a, ranged);                     // inside the range

        List<PoolInfo> pools = a.pools();
        assertEquals(List.of("198.18.1.0/24", "198.18.2.0/29", "198.18.3.0/24"),
                pools.stream().map(p -> p.pool().toString()).toList());
        PoolInfo p = pools.get(0);
        assertEquals(shared, p.poolId());
        assertEquals(Optional.of("blue"), p.network());
        assertEquals(Optional.of(host(g)), p.gateway());
        assertEquals(List.of("a", "b"), p.holders().stream().map(Holder::host).toList());
        assertTrue(onClock(p.holders().get(0).since(), T0) && onClock(p.holders().get(1).since(), T0 + HOUR),
                "each holder's since is its own host's clock: " + p.holders());
        assertEquals(BigInteger.valueOf(254), p.capacity());
        assertEquals(BigInteger.valueOf(3), p.used());
        assertEquals(BigInteger.valueOf(251), p.free());
        assertEquals(BigInteger.valueOf(6), pools.get(1).capacity());
        assertEquals(BigInteger.valueOf(6), pools.get(1).free());
        PoolInfo r = pools.get(2);
        assertEquals(Optional.of(IpPrefix.parseNetwork("198.18.3.252/30")), r.subPool());
        assertEquals(BigInteger.valueOf(3), r.capacity(), ".252-.254: .255 is the pool's broadcast");
        assertEquals(BigInteger.valueOf(3), r.used(), "gateway, aux address and one container");
        assertEquals(BigInteger.valueOf(2), r.free(), "only the claim inside the range uses its capacity");
    }

    @Test
    void claimsNameTheirOwnerKindAndTheClaimingHostsClock() {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", "blue");
        pool(b, "198.18.0.0/24", "blue");
        gw(a, p.poolId(), null);
        addr(b, p.poolId(), "198.18.0.7");
        addr(a, p.poolId(), "198.18.0.200");
        List<AddressClaim> claims = a.claims(P);
        assertEquals(List.of("198.18.0.1", "198.18.0.7", "198.18.0.200"), claims.stream().map(c -> c.ip().toString()).toList(),
                "sorted by address, not by key text");
        AddressClaim gwc = claims.get(0);
        assertEquals(List.of(AddressClaim.GATEWAY, "a"), List.of(gwc.kind(), gwc.host()));
        assertTrue(gwc.gateway());
        AddressClaim bc = claims.get(1);
        assertEquals(List.of(AddressClaim.ADDRESS, "b"), List.of(bc.kind(), bc.host()));
        assertTrue(onClock(bc.since(), T0 + HOUR), "host b's clock, read through host a: " + bc);
        assertTrue(onClock(claims.get(2).since(), T0), "host a's clock: " + claims.get(2));
        assertTrue(onClock(gwc.since(), T0), "host a's clock: " + gwc);
        assertEquals(Optional.of(bc), b.claim(P, IpAddress.parse("198.18.0.7")));
        assertEquals(claims, a.claims(IpPrefix.parse("198.18.0.99/24")), "a prefix with host bits names its block");
        assertTrue(a.claim(P, X9).isEmpty());
        assertTrue(a.claim(P, IpAddress.parse("198.19.0.7")).isEmpty(), "outside the pool");
        assertTrue(a.claims(IpPrefix.parseNetwork("198.18.9.0/24")).isEmpty(), "no such pool");
        b.releasePool(p.poolId());
        a.releasePool(p.poolId());
        assertTrue(a.claims(P).isEmpty(), "released pool");
    }

    @Test
    void ownersAndSinceSurviveEveryRewrite() {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", "blue");
        String g = gw(a, p.poolId(), null);
        addr(a, p.poolId(), "198.18.0.9");
        AddressClaim gwClaim = a.claim(P, host(g)).orElseThrow();
        AddressClaim mine = a.claim(P, X9).orElseThrow();
        Holder first = info(a, P).holders().get(0);

        pool(b, "198.18.0.0/24", "blue");          // a second holder: a CAS rewrite of the pool record
        assertEquals(g, gw(b, p.poolId(), null));  // E16 re-request of the gateway from host b
        b.releaseAddress(p.poolId(), host(g));     // ignored: host a still holds the pool
        a.reclaim(P, X9, "a");                     // republish of a claim that exists
        b.addHolder(P, "b");
        b.removeHolder(P, "b", Long.MAX_VALUE);

        assertEquals(Optional.of(gwClaim), b.claim(P, host(g)), "the gateway claim keeps host a and its since");
        assertEquals(Optional.of(mine), b.claim(P, X9), "a re-claim of an existing claim keeps it as it was");
        assertEquals(first, info(b, P).holders().get(0), "host a's holder keeps its since through b's rewrites");
        b.releasePool(p.poolId());
        assertEquals(List.of(first), info(a, P).holders());
    }

    @Test
    void releaseClaimRemovesOnlyTheNamedOwnersClaimNoNewerThanTheLimit() {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        String g = gw(a, p.poolId(), null);
        addr(a, p.poolId(), "198.18.0.9");
        AddressClaim c = a.claim(P, X9).orElseThrow();
        assertFalse(b.releaseClaim(P, X9, "b", Long.MAX_VALUE), "another host's claim");
        assertFalse(a.releaseClaim(P, X9, "a", c.since() - 1), "claimed after the limit");
        assertFalse(a.releaseClaim(P, host(g), "a", Long.MAX_VALUE), "the gateway belongs to the pool");
        assertFalse(a.releaseClaim(P, IpAddress.parse("198.18.0.10"), "a", Long.MAX_VALUE), "not claimed");
        assertFalse(a.releaseClaim(P, IpAddress.parse("198.19.0.9"), "a", Long.MAX_VALUE), "outside the pool");
        assertFalse(a.releaseClaim(IpPrefix.parseNetwork("198.18.7.0/24"), X9, "a", Long.MAX_VALUE), "no such pool");
        assertEquals(Optional.of(c), a.claim(P, X9), "nothing above removed it");
        assertTrue(b.releaseClaim(P, X9, "a", c.since()), "any host may release host a's claim, naming it");
        assertTrue(a.claim(P, X9).isEmpty());
        assertFalse(b.releaseClaim(P, X9, "a", c.since()), "a repeat finds nothing");
        assertEquals("198.18.0.9/24", addr(a, p.poolId(), "198.18.0.9"), "the address is free again");
        assertTrue(a.claim(P, host(g)).isPresent());
    }

    @Test
    void aLateReleaseClaimDoesNotDeleteTheNewerClaimOfTheSameAddress() {
        KvIpamService a = a();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        addr(a, p.poolId(), "198.18.0.9");
        AddressClaim old = a.claim(P, X9).orElseThrow();
        a.releaseAddress(p.poolId(), X9);
        addr(a, p.poolId(), "198.18.0.9");   // reallocated (same host, later)
        AddressClaim fresh = a.claim(P, X9).orElseThrow();
        assertTrue(fresh.since() > old.since(), old + " / " + fresh);
        assertFalse(a.releaseClaim(P, X9, "a", old.since()), "a repair judged on the old claim");
        assertEquals(Optional.of(fresh), a.claim(P, X9));
        assertTrue(a.releaseClaim(P, X9, "a", fresh.since()));
    }

    @Test
    void aReleaseClaimRacingARenewedClaimLeavesTheNewClaim() {
        KvIpamService a = a();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        addr(a, p.poolId(), "198.18.0.9");
        AddressClaim old = a.claim(P, X9).orElseThrow();
        InterleavingStore racing = new InterleavingStore(client(0));
        KvIpamService repair = new KvIpamService(racing, config("a"), clockA);
        // Between the repair's read and its delete, the address is released and claimed anew.
        racing.beforeNextWrite(() -> {
            a.releaseAddress(p.poolId(), X9);
            addr(a, p.poolId(), "198.18.0.9");
        });
        assertFalse(repair.releaseClaim(P, X9, "a", old.since()), "the claim it judged is gone; the new one is newer");
        assertTrue(racing.interleaved());
        AddressClaim fresh = a.claim(P, X9).orElseThrow();
        assertTrue(fresh.since() > old.since(), old + " / " + fresh);
    }

    @Test
    void removingTheLastHolderWhileAnotherHostJoinsKeepsThePool() {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", "blue");
        String g = gw(a, p.poolId(), null);
        InterleavingStore racing = new InterleavingStore(client(0));
        KvIpamService repair = new KvIpamService(racing, config("a"), clockA);
        racing.beforeNextWrite(() -> pool(b, "198.18.0.0/24", "blue"));   // b joins after the read
        assertTrue(repair.removeHolder(P, "a", Long.MAX_VALUE));
        assertTrue(racing.interleaved());
        assertEquals(List.of("b"), holderHosts(b, P), "the pool lives on for host b");
        assertEquals(p.poolId(), info(b, P).poolId());
        assertEquals(g, gw(b, p.poolId(), null), "with its gateway");
    }

    @Test
    void reclaimRecreatesAMissingClaimAndRefusesAnotherOwners() {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        String g = gw(a, p.poolId(), null);
        long before = clockB.peek();
        b.reclaim(P, X9, "b");
        AddressClaim c = a.claim(P, X9).orElseThrow();
        assertEquals(List.of(AddressClaim.ADDRESS, "b"), List.of(c.kind(), c.host()));
        assertTrue(c.since() >= before && onClock(c.since(), T0 + HOUR), "the re-made claim is dated by the host that makes it: " + c);
        b.reclaim(P, X9, "b");
        assertEquals(Optional.of(c), a.claim(P, X9), "idempotent: the claim is kept as it was");
        fails(AddressInUseException.class, () -> a.reclaim(P, X9, "a"), "198.18.0.9", "host b", "host a");
        fails(AddressInUseException.class, () -> a.reclaim(P, host(g), "a"), bare(g), "gateway");
        fails(AddressInUseException.class, () -> addr(a, p.poolId(), "198.18.0.9"), "198.18.0.9");
        OverlayException e = fails(OverlayException.class, () -> a.reclaim(P, IpAddress.parse("198.19.0.1"), "a"),
                "198.19.0.1", "outside pool");
        assertEquals(OverlayException.Kind.INVALID_REQUEST, e.kind());
        fails(OverlayException.class, () -> a.reclaim(P, IpAddress.parse("198.18.0.255"), "a"), "broadcast");
        fails(PoolNotFoundException.class, () -> a.reclaim(IpPrefix.parseNetwork("198.18.8.0/24"), X9, "a"),
                "198.18.8.0/24", "host a");
    }

    @Test
    void removeHolderTakesTheNewestEligibleHolderAndTheLastOneDeletesThePool() throws Exception {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        pool(a, "198.18.0.0/24", null);
        pool(a, "198.18.0.0/24", null);
        pool(b, "198.18.0.0/24", null);
        gw(a, p.poolId(), null);
        addr(b, p.poolId());
        List<Holder> hs = info(a, P).holders();
        long t1 = hs.get(0).since();
        long t2 = hs.get(1).since();
        assertFalse(a.removeHolder(P, "a", t1 - 1), "no holder of a that old");
        assertFalse(a.removeHolder(P, "c", Long.MAX_VALUE), "no holder of c");
        assertTrue(a.removeHolder(P, "a", t1), "only the oldest is old enough");
        assertEquals(List.of(t2, hs.get(2).since()), sinceOf(a, "a"));
        assertTrue(b.removeHolder(P, "a", Long.MAX_VALUE));
        assertEquals(List.of(t2), sinceOf(a, "a"), "the newest eligible goes first");
        assertTrue(a.removeHolder(P, "b", Long.MAX_VALUE));
        assertTrue(a.removeHolder(P, "a", Long.MAX_VALUE), "the last holder");
        assertStoreEmpty();   // pool, gateway, b's address and the tombstone are all gone
        assertFalse(a.removeHolder(P, "a", Long.MAX_VALUE), "a repeat finds no pool");
        fails(PoolNotFoundException.class, () -> addr(a, p.poolId()), p.poolId());
    }

    private static List<Long> sinceOf(IpamService s, String host) {
        return info(s, P).holders().stream().filter(h -> h.host().equals(host)).map(Holder::since).toList();
    }

    @Test
    void addHolderRestoresAMissingHolderDatedByTheCaller() {
        KvIpamService a = a();
        KvIpamService b = b();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        b.addHolder(P, "b");
        assertEquals(List.of("a", "b"), holderHosts(a, P));
        assertTrue(onClock(info(a, P).holders().get(1).since(), T0 + HOUR));
        a.releasePool(p.poolId());
        assertEquals(List.of("b"), holderHosts(a, P), "b's restored holder keeps the pool");
        fails(PoolNotFoundException.class, () -> a.addHolder(IpPrefix.parseNetwork("198.18.5.0/24"), "a"),
                "198.18.5.0/24", "host a");
    }

    static Stream<Arguments> releasePoolByScope() {
        return Stream.of(
                releaseCase("local: the caller's holder goes", Scope.LOCAL, List.of("b", "a"), "a", List.of("b")),
                releaseCase("local: repeated, the caller holds none: nothing happens", Scope.LOCAL, List.of("b"), "a",
                        List.of("b")),
                releaseCase("local: a stranger never deletes another host's pool", Scope.LOCAL, List.of("b", "c"), "a",
                        List.of("b", "c")),
                releaseCase("local: the caller's last holder deletes the pool", Scope.LOCAL, List.of("a"), "a", null),
                releaseCase("local: the caller's newest of two", Scope.LOCAL, List.of("a", "b", "a"), "a", List.of("a", "b")),
                releaseCase("global: the caller's own holder first", Scope.GLOBAL, List.of("b", "a"), "a", List.of("b")),
                releaseCase("global: none of the caller's: the oldest", Scope.GLOBAL, List.of("b", "c"), "a", List.of("c")),
                releaseCase("global: the last holder, from another host", Scope.GLOBAL, List.of("b"), "a", null));
    }

    private static Arguments releaseCase(String name, Scope scope, List<String> requesters, String releaser,
                                         List<String> left) {
        return Arguments.of(Named.of(name, new ReleaseCase(name, scope, requesters, releaser, left)));
    }

    /** Hosts that requested the pool in order, the host releasing it, its scope, the holders left (null: pool deleted). */
    record ReleaseCase(String name, Scope scope, List<String> requesters, String releaser, List<String> left) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasePoolByScope")
    void releasePoolRemovesTheHolderItsScopeAllows(ReleaseCase c) throws Exception {
        Scope scope = c.scope();
        List<String> requesters = c.requesters();
        String releaser = c.releaser();
        List<String> left = c.left();
        Map<String, TickingClock> clocks = new HashMap<>();
        String poolId = null;
        for (String h : requesters) {
            TickingClock clock = clocks.computeIfAbsent(h, k -> new TickingClock(T0 + clocks.size() * HOUR));
            poolId = pool(host(h, 0, clock, scope), "198.18.0.0/24", null).poolId();
        }
        KvIpamService r = host(releaser, 1, new TickingClock(T0), scope);
        r.releasePool(poolId);
        assertEquals(left, holderHosts(r, P), "case '" + c.name() + "': holders left");
        if (left == null) {
            assertStoreEmpty();
        }
    }

    @Test
    void forgetHostFreesItsClaimsAndHoldersAndDeletesPoolsOnlyItHeld() throws Exception {
        KvIpamService a = a();
        KvIpamService b = b();
        String shared = pool(a, "198.18.1.0/24", "blue").poolId();
        pool(b, "198.18.1.0/24", "blue");
        pool(b, "198.18.1.0/24", "blue");   // a retried RequestPool: two holders of b
        gw(b, shared, null);                // b's gateway claim belongs to the pool
        IpAddress gone = host(addr(b, shared));
        IpAddress kept = host(addr(b, shared));
        IpAddress theirs = host(addr(a, shared));
        String alone = pool(b, "198.18.3.0/24", null).poolId();
        gw(b, alone, null);
        addr(b, alone);

        HostCleanup done = a.forgetHost("b", Set.of(kept));
        assertEquals(2, done.addressesReleased(), "b's address in the shared pool and in its own pool; " + kept + " is kept");
        assertEquals(3, done.holdersRemoved());
        assertEquals(List.of(IpPrefix.parse("198.18.3.0/24")), done.poolsDeleted());
        IpPrefix sp = IpPrefix.parse("198.18.1.0/24");
        assertEquals(List.of("a"), holderHosts(a, sp));
        assertTrue(a.claim(sp, gone).isEmpty());
        assertTrue(a.claim(sp, kept).isPresent());
        assertTrue(a.claim(sp, theirs).isPresent());
        assertTrue(a.claims(sp).get(0).gateway(), "the pool keeps its gateway");
        assertEquals(0, addressKeys(alone).size(), "the deleted pool's addresses are gone");
        assertEquals(new HostCleanup(0, 0, List.of()), a.forgetHost("b", Set.of(kept)), "a repeat finds nothing");
        pool(a, "198.18.3.0/24", null);     // the freed subnet can be claimed again
    }

    @Test
    void forgetHostInScopeGlobalKeepsThePoolOfTheClustersNetwork() {
        KvIpamService a = host("a", 0, clockA, Scope.GLOBAL);
        KvIpamService b = host("b", 1, clockB, Scope.GLOBAL);
        PoolGrant p = pool(b, "198.18.0.0/24", "blue");   // 20.10: created on host b only
        gw(b, p.poolId(), null);
        IpAddress x = host(addr(b, p.poolId()));
        IpAddress y = host(addr(a, p.poolId()));          // a container on host a
        HostCleanup done = a.forgetHost("b", Set.of());
        assertEquals(new HostCleanup(1, 0, List.of()), done);
        assertEquals(List.of("b"), holderHosts(a, P), "the network is the cluster's, not host b's");
        assertTrue(a.claim(P, x).isEmpty());
        assertTrue(a.claim(P, y).isPresent());
    }

    @Test
    void sweepTombstonesFinishesHalfDoneDeletions() throws Exception {
        KvIpamService a = a();
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        addr(a, p.poolId(), "198.18.0.9");
        // A crash right after the tombstone commit: the record is DELETING, the index no longer
        // lists it, the address is still there.
        String pk = IpamKeys.pool(P);
        var rec = IpamRecords.decode(pk, client(0).get(pk).orElseThrow().value(), IpamRecords.PoolRecord.class);
        client(0).put(pk, IpamRecords.encode(rec.deleting()));
        client(0).put(IpamKeys.poolIndex(false), IpamRecords.encode(new IpamRecords.PoolIndex(List.of())));
        assertTrue(a.pools().isEmpty(), "a tombstone is not an active pool");
        assertEquals(1, b().sweepTombstones());
        assertStoreEmpty();
        assertEquals(0, a.sweepTombstones());
    }

    @Test
    void poolOfNamesTheSubnetOfAPoolIdWithoutReadingTheStore() {
        KvIpamService a = a();
        assertEquals(Optional.of(P), a.poolOf("198.18.0.0_24_5f3a09c1"));
        assertEquals(Optional.of(IpPrefix.parseNetwork("fd00::/64")), a.poolOf("fd00--_64_00000000"));
        assertTrue(a.poolOf("JavaOverlayLocal/10.0.0.0/24").isEmpty());
        assertTrue(a.poolOf(null).isEmpty());
    }
}
