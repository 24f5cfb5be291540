package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.testing.CountingKvStore;
import io.javaoverlay.vxlan.testing.TwoHosts;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.javaoverlay.vxlan.testing.TwoHosts.WAIT;
import static io.javaoverlay.vxlan.testing.TwoHosts.await;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pass that only a store watch asked for reads the watch's answer, not the store; every other pass
 * (a local Join, a full pass) reads the store, so a local write is never missed. Only host a runs;
 * another host's endpoints are written into the store as its daemon would, so every read counted is a's.
 */
class WatchedPassTest extends TwoHostsBase {
    private final AtomicLong passes = new AtomicLong();

    @Override
    protected KvStore newStore() {
        return new CountingKvStore();
    }

    private CountingKvStore counting() {
        return (CountingKvStore) kv;
    }

    /** a's own reads of n1: the record and the endpoint listing a pass would make. */
    private long reads() {
        return counting().calls().stream()
                .filter(c -> c.equals("list " + NetworkKeys.endpointsOf("n1")) || c.equals("get " + NetworkKeys.network("n1")))
                .count();
    }

    private int selfEntriesA() {
        int vx = nlA.findLinkByName("jo-vx-1").orElseThrow().index();
        return (int) nlA.fdbList(vx).stream().filter(FdbEntry::isSelf).count();
    }

    private void writeRemote(String eid, String ip, String mac) throws Exception {
        EndpointRecord r = new EndpointRecord("n1", eid, "host-b", IpAddress.parse("198.18.0.2"), MacAddress.parse(mac),
                IpPrefix.parse(ip), null, "n1", TwoHosts.NOW);
        kv.put(NetworkKeys.endpoint("n1", eid), NetworkKeys.encode(r));
    }

    private void awaitPassAfter(long before) throws InterruptedException {
        await("a's pass has finished", () -> passes.get() > before);
    }

    @Test
    void watchTriggeredPassesReadTheWatchAnswerAndLocalOrFullPassesReadTheStore() throws Exception {
        a.createNetwork(hosts.net("n1", Map.of()));
        a.createEndpoint("n1", "n1", ep("ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        a.reconcilers().addPassListener((report, duration, peers) -> passes.incrementAndGet());
        a.start();
        await("a's start-up pass", () -> passes.get() > 0);
        Thread.sleep(500); // both of a's watches have answered (watch wait 200 ms)

        counting().clearCalls();
        long before = passes.get();
        writeRemote("eb", "10.20.0.6/24", "02:42:0a:14:00:06");
        await("a programs the remote endpoint from its watch", () -> selfEntriesA() == 1);
        awaitPassAfter(before);
        assertEquals(0, reads(), "a watch-triggered pass read the store: " + counting().calls());

        // A local Join must see its own writes, which the watch may not have answered yet.
        counting().clearCalls();
        before = passes.get();
        a.createEndpoint("n1", "n1", ep("ea2", "10.20.0.7/24"));
        counting().clearCalls(); // CreateEndpoint's own reads are not a pass's
        a.join("n1", "ea2", "k");
        awaitPassAfter(before);
        await("a's pass after the Join read the store", () -> reads() > 0);

        Thread.sleep(500);
        counting().clearCalls();
        before = passes.get();
        kv.delete(NetworkKeys.endpoint("n1", "eb"));
        await("a removes the remote endpoint", () -> selfEntriesA() == 0);
        awaitPassAfter(before);
        assertEquals(0, reads(), "removal through the watch read the store: " + counting().calls());

        counting().clearCalls();
        ReconcileReport full = a.reconcilers().of("n1").reconcileNow(WAIT);
        assertTrue(full.converged(), full.summary());
        assertEquals(2, reads(), "a full pass reads the record and the listing: " + counting().calls());
    }

    @Test
    void withoutAWatchAnswerAPassReadsTheStoreAndNeverFreezesOnIt() {
        assertTrue(WatchedState.networks(List.of()).isEmpty());
        assertTrue(WatchedState.endpoints(List.of()).isEmpty());
        a.createNetwork(hosts.net("n1", Map.of()));
        a.createEndpoint("n1", "n1", ep("ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        assertTrue(a.reconcilers().watched("n1").isEmpty(), "no watch has answered");
        counting().clearCalls();
        assertTrue(a.reconcilers().of("n1").triggerFromWatch());
        ReconcileReport r = a.reconcilers().of("n1").reconcileNow(WAIT);
        assertTrue(r.converged() && r.frozen().isEmpty(), r.summary());
        assertTrue(reads() >= 2, counting().calls().toString());
    }
}
