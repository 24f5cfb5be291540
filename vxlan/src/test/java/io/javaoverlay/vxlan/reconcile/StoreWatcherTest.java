package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.WatchResult;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Snapshot-vs-delta handling of the store watch, with a scripted store. */
class StoreWatcherTest {

    /** Answers watch() from a script; an exception entry is thrown; then blocks forever-ish. */
    static final class ScriptedStore extends InMemoryKvStore {
        final Deque<Object> script = new ArrayDeque<>();
        final List<Long> askedIndexes = new CopyOnWriteArrayList<>();

        @Override
        public synchronized WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException {
            askedIndexes.add(index);
            Object next = script.poll();
            if (next == null) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    throw new StoreUnavailableException("stopped", e);
                }
                return new WatchResult(index, List.of(), false);
            }
            if (next instanceof KvStoreException e) {
                throw e;
            }
            return (WatchResult) next;
        }
    }

    static KvEntry e(String key, long idx) {
        return new KvEntry(key, new byte[0], idx);
    }

    @Test
    void reportsChangedNetworksAndTreatsBackwardsIndexAsSnapshot() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.script.add(new WatchResult(10, List.of(e("endpoints/n1/a", 5), e("endpoints/n2/b", 6)), false));
        store.script.add(new WatchResult(11, List.of(e("endpoints/n1/a", 5), e("endpoints/n2/b", 11),
                e("endpoints/n3/c", 11)), false));
        store.script.add(new WatchResult(12, List.of(e("endpoints/n1/a", 5)), false));
        store.script.add(new WatchResult(3, List.of(e("endpoints/n4/d", 2)), true));
        List<Set<String>> seen = new CopyOnWriteArrayList<>();
        StoreWatcher w = new StoreWatcher(store, "endpoints/", Duration.ofMillis(10), c -> seen.add(c.networks()),
                (entries, askedAt) -> { }, () -> { }, e -> false);
        w.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        w.stop();
        assertEquals(List.of(Set.of("n1", "n2"), Set.of("n2", "n3"), Set.of("n2", "n3"), Set.of("n1", "n4")),
                new ArrayList<>(seen.subList(0, 4)));
    }

    static KvEntry e(String key, long idx, String value) {
        return new KvEntry(key, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), idx);
    }

    @Test
    void aNetworkWhoseChangedKeysAreAllThisHostsOwnIsReportedAsOwnOnly() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.script.add(new WatchResult(10, List.of(e("endpoints/n1/a", 5, "mine"), e("endpoints/n1/b", 6, "theirs"),
                e("endpoints/n2/c", 7, "mine")), false));
        // a of n1 changed (own), c of n2 changed (own): both own only
        store.script.add(new WatchResult(11, List.of(e("endpoints/n1/a", 11, "mine"), e("endpoints/n1/b", 6, "theirs"),
                e("endpoints/n2/c", 11, "mine")), false));
        // n1: own a and another host's b changed together; n2: c removed (last seen own)
        store.script.add(new WatchResult(12, List.of(e("endpoints/n1/a", 12, "mine"), e("endpoints/n1/b", 12, "theirs")),
                false));
        // n1: b removed (another host's); a new own key d in n3
        store.script.add(new WatchResult(13, List.of(e("endpoints/n1/a", 12, "mine"), e("endpoints/n3/d", 13, "mine")),
                false));
        // an own key rewritten by another host (it is not this host's any more)
        store.script.add(new WatchResult(14, List.of(e("endpoints/n1/a", 14, "theirs"), e("endpoints/n3/d", 13, "mine")),
                false));
        // a backwards index: a snapshot is never own only
        store.script.add(new WatchResult(2, List.of(e("endpoints/n3/d", 13, "mine")), true));
        List<StoreWatcher.Changes> seen = new CopyOnWriteArrayList<>();
        StoreWatcher w = new StoreWatcher(store, "endpoints/", Duration.ofMillis(10), seen::add, (entries, askedAt) -> { },
                () -> { }, e -> e.valueAsString().equals("mine"));
        w.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        w.stop();
        assertEquals(List.of(
                        new StoreWatcher.Changes(Set.of("n1", "n2"), Set.of()),        // the first listing: a snapshot
                        new StoreWatcher.Changes(Set.of("n1", "n2"), Set.of("n1", "n2")),
                        new StoreWatcher.Changes(Set.of("n1", "n2"), Set.of("n2")),
                        new StoreWatcher.Changes(Set.of("n1", "n3"), Set.of("n3")),
                        new StoreWatcher.Changes(Set.of("n1"), Set.of()),
                        new StoreWatcher.Changes(Set.of("n1", "n3"), Set.of())),
                new ArrayList<>(seen.subList(0, 6)));
    }

    @Test
    void failedQueryRestartsFromAFullSnapshot() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.script.add(new WatchResult(10, List.of(e("networks/n1", 5)), false));
        store.script.add(new StoreUnavailableException("consul down", null));
        store.script.add(new WatchResult(20, List.of(e("networks/n1", 5)), false));
        List<Set<String>> seen = new CopyOnWriteArrayList<>();
        StoreWatcher w = new StoreWatcher(store, "networks/", Duration.ofMillis(10), c -> seen.add(c.networks()),
                (entries, askedAt) -> { }, () -> { }, e -> false);
        w.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        w.stop();
        assertEquals(List.of(Set.of("n1"), Set.of("n1")), new ArrayList<>(seen.subList(0, 2)),
                "unchanged n1 is reported again after the failure (full resync)");
        assertEquals(List.of(0L, 10L, 0L), store.askedIndexes.subList(0, 3));
    }

    @Test
    void theListingIsPublishedBeforeItsChangesAndWithdrawnWhileQueriesFail() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.script.add(new WatchResult(10, List.of(e("endpoints/n1/a", 5)), false));
        store.script.add(new WatchResult(11, List.of(e("endpoints/n1/a", 5), e("endpoints/n1/b", 11),
                e("endpoints/n2/c", 11), e("endpoints/n2", 11), e("endpoints/n3/d", 11)), false));
        store.script.add(new StoreUnavailableException("consul down", null));
        store.script.add(new WatchResult(20, List.of(e("endpoints/n2/c", 11)), false));
        // Records named by their keys: the view's decoder is the store's in the daemon.
        long start = System.nanoTime();
        WatchedEndpoints view = new WatchedEndpoints((nid, entries) -> entries.stream()
                .map(x -> new EndpointRecord(nid, x.key().substring(x.key().lastIndexOf('/') + 1), "h",
                        IpAddress.parse("198.18.0.2"), MacAddress.parse("02:00:00:00:00:01"), null, null))
                .toList(), nid -> !nid.equals("n3"));
        List<String> events = new CopyOnWriteArrayList<>();
        StoreWatcher w = new StoreWatcher(store, "endpoints/", Duration.ofMillis(10), c -> {
            // What a pass triggered by this change would read: the listing that holds the change.
            for (String n : new java.util.TreeSet<>(c.networks())) {
                events.add(n + "=" + view.of(n, start).map(l -> l.stream().map(EndpointRecord::endpointId).toList().toString()).orElse("the store"));
            }
        }, (l, askedAt) -> {
            view.update(l, askedAt);
            events.add("listing");
        }, () -> {
            view.lost();
            events.add("lost " + view.of("n1", start).isPresent());
        }, e -> false);
        w.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (events.size() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        w.stop();
        // n3 is not wanted (this host has nothing of it), and n1 has no records in the last listing: the
        // passes of both read the store.
        assertEquals(List.of("listing", "n1=[a]",
                        "listing", "n1=[a, b]", "n2=[c]", "n3=the store",
                        "lost false",
                        "listing", "n1=the store", "n2=[c]"),
                new ArrayList<>(events.subList(0, 10)));
        assertEquals(java.util.Optional.empty(), view.of("n2", start), "a stopped watch is not live");
    }

    @Test
    void theNextQueryWaitsTwiceTheCpuOfTheLastAnswerWithChangesAtMostATenthOfASecond() {
        assertEquals(0, StoreWatcher.pace(0));
        assertEquals(0, StoreWatcher.pace(-5));
        assertEquals(6_000_000, StoreWatcher.pace(3_000_000));
        assertEquals(100_000_000, StoreWatcher.pace(80_000_000));
    }

    @Test
    void aListingAskedForBeforeTheNetworksLastStoreReadIsNotUsed() {
        WatchedEndpoints view = new WatchedEndpoints((nid, entries) -> entries.stream()
                .map(x -> new EndpointRecord(nid, x.key().substring(x.key().lastIndexOf('/') + 1), "h",
                        IpAddress.parse("198.18.0.2"), MacAddress.parse("02:00:00:00:00:01"), null, null))
                .toList(), nid -> true);
        long asked = System.nanoTime();
        view.update(List.of(e("endpoints/n1/a", 5)), asked);
        assertEquals(java.util.Optional.of(1), view.of("n1", asked - 1).map(List::size), "asked after the store read");
        assertEquals(java.util.Optional.empty(), view.of("n1", asked), "asked when the store read ended");
        assertEquals(java.util.Optional.empty(), view.of("n1", asked + 1_000_000), "asked before it");
    }
}
