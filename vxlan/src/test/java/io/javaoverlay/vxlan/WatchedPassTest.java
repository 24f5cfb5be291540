package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.WatchResult;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.javaoverlay.vxlan.testing.TwoHosts.await;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passes triggered by store changes take the endpoint records from the endpoints watch's listing
 * instead of listing the network again (with Consul, an HTTP read that grows with the network), and
 * read the store again while the watch is not answering.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchedPassTest extends TwoHostsBase {
    /** Counts listings of n1's endpoint records; its watches can be made to fail. */
    static final class CountingStore extends InMemoryKvStore {
        final AtomicInteger listings = new AtomicInteger();
        volatile boolean watchFails;

        @Override
        public List<KvEntry> list(String prefix) throws KvStoreException {
            if (prefix.equals("endpoints/n1/")) {
                listings.incrementAndGet();
            }
            return super.list(prefix);
        }

        @Override
        public WatchResult watch(String prefix, long since, Duration maxWait) throws KvStoreException {
            if (watchFails) {
                throw new StoreUnavailableException("the test's outage of the watch", null);
            }
            return super.watch(prefix, since, maxWait);
        }
    }

    @Override
    protected KvStore newStore() {
        return new CountingStore();
    }

    private CountingStore store() {
        return (CountingStore) kv;
    }

    /** Host a's FDB entries of MACs behind b's VTEP. */
    private long entriesTowardsB() {
        int vx = nlA.findLinkByName("jo-vx-1").orElseThrow().index();
        return nlA.fdbList(vx).stream().filter(e -> !e.mac().toString().equals("00:00:00:00:00:00"))
                .map(FdbEntry::destination).filter(d -> d.isPresent() && d.get().toString().equals("198.18.0.2"))
                .count();
    }

    /** a and b each with a container in n1, every pass done. */
    private void oneContainerEach() throws Exception {
        n1OnBothWithContainerOnA();
        b.createEndpoint("n1", "dn-b", ep("eb0", "10.20.0.10/24"));
        b.join("n1", "eb0", "/var/run/docker/netns/b0");
        await("a programs b's first endpoint", () -> entriesTowardsB() >= 1);
        await("both networks idle", () -> !a.reconcilers().busy("n1") && !b.reconcilers().busy("n1"));
    }

    @Test
    void passesAfterStoreChangesDoNotListTheNetworkAgain() throws Exception {
        oneContainerEach();
        int before = store().listings.get();
        for (int i = 1; i <= 6; i++) {
            b.createEndpoint("n1", "dn-b", ep("eb" + i, "10.20.0." + (10 + i) + "/24"));
            b.join("n1", "eb" + i, "/var/run/docker/netns/b" + i);
        }
        await("a programs b's new endpoints", () -> entriesTowardsB() >= 7);
        await("both networks idle", () -> !a.reconcilers().busy("n1") && !b.reconcilers().busy("n1"));
        // At most one listing per host: a host's first pass after its last store read may find the watch's
        // listing asked for before that read, and read the store once more. With every pass listing the
        // store (the build before), this test counted 5.
        int listed = store().listings.get() - before;
        assertTrue(listed <= 2, "the passes on a (b's records) and on b (its own) took the records from the watch,"
                + " but the store was listed " + listed + " times");
    }

    @Test
    void whileTheWatchFailsPassesReadTheStoreAndItsReturnCatchesUp() throws Exception {
        oneContainerEach();
        store().watchFails = true;
        Thread.sleep(600); // the blocking query under way (200 ms at most) returns, the next one fails
        int before = store().listings.get();
        a.reconcilers().trigger("n1");
        await("a's pass", () -> store().listings.get() > before);
        b.createEndpoint("n1", "dn-b", ep("eb9", "10.20.0.29/24"));
        b.join("n1", "eb9", "/var/run/docker/netns/b9");
        Thread.sleep(300);
        assertEquals(1, entriesTowardsB(), "no watch, no news of b's endpoint (a's resync is 10 min away)");
        store().watchFails = false;
        await("the watch's first answer after the outage brings b's endpoint", () -> entriesTowardsB() == 2);
        assertTrue(store().listings.get() > before);
    }
}
