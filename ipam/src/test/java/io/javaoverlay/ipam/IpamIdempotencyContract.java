package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamConfig.Scope;
import io.javaoverlay.ipam.IpamService.AddressClaim;
import io.javaoverlay.ipam.IpamService.Holder;
import io.javaoverlay.ipam.IpamService.PoolInfo;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.javaoverlay.ipam.IpamWorld.autoRequestPoolLost;
import static io.javaoverlay.ipam.IpamWorld.collect;
import static io.javaoverlay.ipam.IpamWorld.create;
import static io.javaoverlay.ipam.IpamWorld.lateRun;
import static io.javaoverlay.ipam.IpamWorld.lateRunOnOldPool;
import static io.javaoverlay.ipam.IpamWorld.releasePoolFirst;
import static io.javaoverlay.ipam.IpamWorld.remove;
import static io.javaoverlay.ipam.IpamWorld.removeLost;
import static io.javaoverlay.ipam.IpamWorld.repeatReleaseGateway;
import static io.javaoverlay.ipam.IpamWorld.repeatReleasePool;
import static io.javaoverlay.ipam.IpamWorld.repeatRm;
import static io.javaoverlay.ipam.IpamWorld.retryRequestPool;
import static io.javaoverlay.ipam.IpamWorld.retryRun;
import static io.javaoverlay.ipam.IpamWorld.rm;
import static io.javaoverlay.ipam.IpamWorld.rmLost;
import static io.javaoverlay.ipam.IpamWorld.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 item 5 on every backend: duplicated, lost and out-of-order sequences of RequestPool,
 * RequestAddress, ReleaseAddress and ReleasePool on two hosts ({@link IpamWorld} keeps Docker's
 * side). Each named case checks, in order:
 * <ol>
 *   <li>what the IPAM guarantees alone, right after the calls: no host lost a holder or a claim its
 *       Docker still uses, and a pool in use keeps its gateway (so a repeated ReleasePool or
 *       ReleaseAddress of the gateway never takes another host's);</li>
 *   <li>convergence with the repairs the EndpointReconciler runs (design-core.md §3 rules 3.2–3.5,
 *       modelled here with grace 0): the store ends with exactly Docker's holders and claims, or
 *       with nothing at all when no network uses the pool: no phantom holder, no leaked claim, no
 *       tombstone;</li>
 *   <li>a second repair pass changes nothing.</li>
 * </ol>
 */
abstract class IpamIdempotencyContract extends IpamOwnershipContract {

    static Stream<Arguments> sequences() {
        return Stream.of(
                local("RequestPool retried, then the network removed", create("a"), retryRequestPool("a"), remove("a")),
                local("RequestPool retried, network still in use", create("a"), retryRequestPool("a")),
                local("ReleasePool repeated", create("a"), remove("a"), repeatReleasePool("a")),
                local("ReleasePool repeated while another host holds the pool", create("a"), create("b"), remove("a"),
                        repeatReleasePool("a"), repeatReleasePool("a")),
                local("ReleaseAddress of the gateway repeated after the host left", create("a"), create("b"),
                        remove("a"), repeatReleaseGateway("a")),
                local("RequestAddress retried", create("a"), retryRun("a", "c1")),
                local("auto RequestPool retried (another subnet each call)", create("a"), autoRequestPoolLost("a"),
                        autoRequestPoolLost("b")),
                local("RequestAddress retried on both hosts, then all removed", create("a"), create("b"),
                        retryRun("a", "c1"), retryRun("b", "c2"), rm("c1"), rm("c2"), remove("a"), remove("b")),
                local("ReleaseAddress repeated", create("a"), run("a", "c1"), rm("c1"), repeatRm("c1"), run("a", "c2")),
                local("ReleaseAddress lost", create("a"), run("a", "c1"), run("a", "c2"), rmLost("c1")),
                local("ReleasePool lost", create("a"), run("a", "c1"), rmLost("c1"), removeLost("a")),
                local("ReleasePool before ReleaseAddress", create("a"), run("a", "c1"), rmLost("c1"),
                        releasePoolFirst("a")),
                local("RequestPool arriving after its ReleasePool", create("a"), remove("a"), retryRequestPool("a")),
                local("RequestAddress arriving after the ReleasePool", create("a"), run("a", "c1"), rm("c1"), remove("a"),
                        lateRun("a")),
                local("RequestAddress for the previous generation of a re-created pool", create("a"), run("a", "c1"),
                        rm("c1"), remove("a"), create("a"), lateRunOnOldPool("a")),
                local("a host collected while it was only down comes back", create("a"), create("b"), run("b", "c2"),
                        run("a", "c1"), collect("a", "b")),
                local("everything doubled on two hosts", create("a"), retryRequestPool("a"), create("b"),
                        retryRequestPool("b"), retryRun("a", "c1"), retryRun("b", "c2"), rm("c1"), repeatRm("c1"),
                        rm("c2"), repeatRm("c2"), remove("a"), repeatReleaseGateway("a"), repeatReleasePool("a"),
                        remove("b"), repeatReleasePool("b")),
                global("global: removed on another host, ReleasePool repeated on both", create("a"), remove("b"),
                        repeatReleasePool("b"), repeatReleasePool("a")),
                global("global: RequestPool retried, removed on another host", create("a"), retryRequestPool("a"),
                        remove("b")),
                global("global: auto RequestPool retried", create("a"), autoRequestPoolLost("a")),
                global("global: containers on both hosts, one RequestAddress retried", create("a"), run("a", "c1"),
                        retryRun("b", "c2"), rm("c1")));
    }

    /** One named sequence of Docker actions under one scope. */
    record Sequence(String name, Scope scope, List<IpamWorld.Step> steps) {
    }

    private static Arguments local(String name, IpamWorld.Step... steps) {
        return Arguments.of(Named.of(name, new Sequence(name, Scope.LOCAL, List.of(steps))));
    }

    private static Arguments global(String name, IpamWorld.Step... steps) {
        return Arguments.of(Named.of(name, new Sequence(name, Scope.GLOBAL, List.of(steps))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void duplicatedAndOutOfOrderCallsConverge(Sequence seq) throws Exception {
        Scope scope = seq.scope();
        IpamWorld w = new IpamWorld(seq.name(), scope, Map.of("a", host("a", 0, clockA, scope),
                "b", host("b", 1, clockB, scope)), Map.of("a", clockA, "b", clockB));
        for (IpamWorld.Step s : seq.steps()) {
            s.apply(w);
        }
        assertSafe(w);
        repair(w);
        assertConverged(w);
        Map<String, Long> after = indexes();
        repair(w);
        assertEquals(after, indexes(), "a second repair pass must change nothing; " + w.trace());
    }

    /** What the IPAM guarantees without any repair. */
    private void assertSafe(IpamWorld w) {
        Optional<PoolInfo> pool = w.pool();
        if (w.networks() == 0) {
            return;
        }
        PoolInfo p = pool.orElseThrow(() -> new AssertionError("Docker still uses the pool but it is gone; " + w.trace()));
        assertEquals(Optional.of(w.gateway()), p.gateway(), "the gateway of a pool in use; " + w.trace());
        assertEquals(Optional.of(AddressClaim.GATEWAY), w.ipam("a").claim(P, w.gateway()).map(AddressClaim::kind),
                "the gateway claim of a pool in use; " + w.trace());
        if (w.collected()) {
            return; // the collector removed a host's records on purpose; the repair restores them
        }
        if (w.scope() == Scope.LOCAL) {
            for (String h : w.hosts()) {
                long held = p.holders().stream().filter(x -> x.host().equals(h)).count();
                assertTrue(held >= w.networks(h), "host " + h + " lost a holder its Docker network needs: "
                        + p.holders() + "; " + w.trace());
            }
        }
        for (IpamWorld.Endpoint e : w.endpoints()) {
            assertEquals(Optional.of(e.host()), w.ipam("a").claim(P, e.ip()).map(AddressClaim::host),
                    "the claim of live endpoint " + e + "; " + w.trace());
        }
    }

    /**
     * The EndpointReconciler's IPAM repairs (rules 3.2-3.5) on every host, with grace 0. Like the
     * reconciler, it visits every pool the host holds or claims in (a retried auto RequestPool
     * leaves a whole pool no Docker network uses), not only the pools of Docker's networks.
     */
    private void repair(IpamWorld w) {
        for (String h : w.hosts()) {
            IpamService s = w.ipam(h);
            long now = w.clock(h).peek();
            Set<IpPrefix> pools = new LinkedHashSet<>();
            s.pools().forEach(p -> pools.add(p.pool()));
            if (w.networks(h) > 0) {
                pools.add(P);
            }
            for (IpPrefix pool : pools) {
                int want = pool.equals(P) ? w.networks(h) : 0;
                if (w.scope() == Scope.LOCAL) {                                // rule 3.4
                    long held = holdersOf(s, pool, h);
                    for (long extra = held - want; extra > 0; extra--) {
                        assertTrue(s.removeHolder(pool, h, now), "extra holder of " + h + " not removed; " + w.trace());
                    }
                    for (long missing = want - held; missing > 0; missing--) {
                        s.addHolder(pool, h);
                    }
                }
                for (AddressClaim c : s.claims(pool)) {                        // rule 3.3
                    if (c.host().equals(h) && !c.gateway() && (!pool.equals(P) || w.endpointAt(c.ip()).isEmpty())) {
                        assertTrue(s.releaseClaim(pool, c.ip(), h, now), "leaked " + c + " not released; " + w.trace());
                    }
                }
            }
            for (IpamWorld.Endpoint e : w.endpoints()) {                       // rule 3.2
                if (e.host().equals(h) && s.claim(P, e.ip()).isEmpty()) {
                    s.reclaim(P, e.ip(), h);
                }
            }
            s.sweepTombstones();                                               // rule 3.5
        }
        if (w.scope() == Scope.GLOBAL) {
            // One cluster network: extra holders are extra whoever made them (the newest goes).
            IpamService s = w.ipam("a");
            for (PoolInfo p : s.pools()) {
                int want = p.pool().equals(P) ? w.networks() : 0;
                List<Holder> newestFirst = new ArrayList<>(p.holders());
                newestFirst.sort((x, y) -> Long.compare(y.since(), x.since()));
                for (int i = 0; i < p.holders().size() - want; i++) {
                    assertTrue(s.removeHolder(p.pool(), newestFirst.get(i).host(), Long.MAX_VALUE), w.trace());
                }
            }
        }
    }

    private static long holdersOf(IpamService s, IpPrefix pool, String host) {
        return s.pools().stream().filter(p -> p.pool().equals(pool)).findFirst()
                .map(p -> p.holders().stream().filter(x -> x.host().equals(host)).count()).orElse(0L);
    }

    private void assertConverged(IpamWorld w) throws Exception {
        if (w.networks() == 0) {
            assertTrue(w.pool().isEmpty(), "no network uses the pool, yet it is active: " + w.pool() + "; " + w.trace());
            assertStoreEmpty();
            return;
        }
        PoolInfo p = w.pool().orElseThrow(() -> new AssertionError("pool lost; " + w.trace()));
        Map<String, Long> holders = new TreeMap<>();
        p.holders().forEach(h -> holders.merge(w.scope() == Scope.LOCAL ? h.host() : "cluster", 1L, Long::sum));
        Map<String, Long> want = new TreeMap<>();
        if (w.scope() == Scope.LOCAL) {
            w.hosts().stream().filter(h -> w.networks(h) > 0).forEach(h -> want.put(h, (long) w.networks(h)));
        } else {
            want.put("cluster", (long) w.networks());
        }
        assertEquals(want, holders, "holders after the repair; " + w.trace());
        Map<IpAddress, String> claims = new TreeMap<>();
        w.ipam("b").claims(P).forEach(c -> claims.put(c.ip(), c.kind() + "@" + c.host()));
        Map<IpAddress, String> expected = new TreeMap<>();
        expected.put(w.gateway(), AddressClaim.GATEWAY + "@" + w.gatewayHost());
        w.endpoints().forEach(e -> expected.put(e.ip(), AddressClaim.ADDRESS + "@" + e.host()));
        assertEquals(expected, claims, "claims after the repair: the gateway and Docker's endpoints; " + w.trace());
        for (KvEntry e : ipamKeys()) {
            boolean ok = e.key().startsWith("ipam/pool-index/") || e.key().equals(IpamKeys.pool(P))
                    || e.key().startsWith(IpamKeys.addressPrefix(p.poolId()));
            assertTrue(ok, "left over: " + e.key() + " = " + e.valueAsString() + "; " + w.trace());
        }
    }

    /** Every ipam key with its modify index: a repair that writes anything changes this map. */
    private Map<String, Long> indexes() throws Exception {
        Map<String, Long> m = new TreeMap<>();
        for (KvEntry e : ipamKeys()) {
            m.put(e.key(), e.modifyIndex());
        }
        return m;
    }
}
