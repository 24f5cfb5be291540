package io.javaoverlay.server.dns;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.javaoverlay.server.dns.Names.NET_A;
import static io.javaoverlay.server.dns.Names.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameWatcherTest {
    private final NameRecord a = rec(NET_A, "front", "e1", "h1", "a", List.of(), "10.77.0.2", null);
    private final NameRecord b = rec(NET_A, "front", "e2", "h2", "b", List.of(), "10.77.0.3", null);

    private static KvEntry entry(NameRecord r, long index) {
        return new KvEntry(NameKeys.key(r), NameKeys.encode(r), index);
    }

    @Test
    void snapshotThenDeltas() {
        NameTable t = new NameTable();
        NameWatcher w = new NameWatcher(mockStore(), t, Duration.ofSeconds(1));
        w.accept(List.of(entry(a, 5), entry(b, 6)), true);
        assertEquals(2, t.size());
        // delta: b unchanged (same index), a changed, c added
        NameRecord a2 = rec(NET_A, "front", "e1", "h1", "a", List.of("alias"), "10.77.0.2", null);
        NameRecord c = rec(NET_A, "front", "e3", "h1", "c", List.of(), "10.77.0.4", null);
        w.accept(List.of(entry(a2, 9), entry(b, 6), entry(c, 10)), false);
        assertEquals(3, t.size());
        assertEquals(1, t.lookup(Set.of(NET_A), "alias").size());
        // delta: b gone
        w.accept(List.of(entry(a2, 9), entry(c, 10)), false);
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "b"));
        assertEquals(2, t.size());
    }

    @Test
    void aSnapshotDropsWhatItDoesNotListEvenWithoutADelta() {
        NameTable t = new NameTable();
        NameWatcher w = new NameWatcher(mockStore(), t, Duration.ofSeconds(1));
        w.accept(List.of(entry(a, 5), entry(b, 6)), false);
        // after a reset (resync), the index went backwards and b's index is the same as before
        w.accept(List.of(entry(b, 6)), true);
        assertEquals(1, t.size());
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "a"));
        // a store reset can bring back the same modify index with other contents: a snapshot
        // trusts no index, so a now-corrupt value at b's old index must not keep b answering
        KvEntry corruptAtSameIndex = new KvEntry(NameKeys.key(b), "not json".getBytes(StandardCharsets.UTF_8), 6);
        w.accept(List.of(corruptAtSameIndex), true);
        assertEquals(0, t.size());
    }

    @Test
    void aCorruptRecordIsSkippedAndHidesItsOldValue() {
        NameTable t = new NameTable();
        NameWatcher w = new NameWatcher(mockStore(), t, Duration.ofSeconds(1));
        w.accept(List.of(entry(a, 5), entry(b, 6)), true);
        KvEntry corrupt = new KvEntry(NameKeys.key(a), "{\"oops\":1}".getBytes(StandardCharsets.UTF_8), 7);
        KvEntry stray = new KvEntry("names/not-a-record", new byte[0], 8);
        w.accept(List.of(corrupt, entry(b, 6), stray), false);
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "a"));
        assertEquals(1, t.lookup(Set.of(NET_A), "b").size());
    }

    @Test
    void publisherReconcilesThisHostsSubtreeAndTheWatcherSeesIt(@TempDir Path dir) throws Exception {
        try (KvStore store = LocalKvStore.open(dir)) {
            NamePublisher h1 = new NamePublisher(store, "h1");
            NamePublisher h2 = new NamePublisher(store, "h2");
            NameRecord c = rec(NET_A, "front", "e3", "h1", "c", List.of(), "10.77.0.4", null);
            assertEquals(2, h1.publish(List.of(a, c)));
            assertEquals(1, h2.publish(List.of(b)));
            assertEquals(0, h1.publish(List.of(c, a)), "unchanged records are not rewritten");
            assertEquals(1, h1.publish(List.of(a)), "c is gone from Docker: its record is deleted");
            assertThrows(IllegalArgumentException.class, () -> h1.publish(List.of(b)));
            NameTable t = new NameTable();
            NameWatcher w = new NameWatcher(store, t, Duration.ofSeconds(1));
            w.accept(store.list(NameKeys.NAMES), true);
            assertEquals(2, t.size());
            h2.removeHost("h1");
            w.accept(store.list(NameKeys.NAMES), false);
            assertEquals(1, t.size());
            assertTrue(t.lookup(Set.of(NET_A), "a").isEmpty());
        }
    }

    @Test
    void theLoopFollowsTheStore(@TempDir Path dir) throws Exception {
        try (KvStore store = LocalKvStore.open(dir)) {
            NamePublisher h1 = new NamePublisher(store, "h1");
            NameTable t = new NameTable();
            NameWatcher w = new NameWatcher(store, t, Duration.ofSeconds(2));
            w.start();
            try {
                h1.publish(List.of(a));
                waitFor(() -> t.lookup(Set.of(NET_A), "a").size() == 1);
                h1.publish(List.of());
                waitFor(() -> t.lookup(Set.of(NET_A), "a").isEmpty());
            } finally {
                w.stop();
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 500 && !cond.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(cond.getAsBoolean(), "condition not reached within 5 s");
    }

    private static KvStore mockStore() {
        return (KvStore) java.lang.reflect.Proxy.newProxyInstance(KvStore.class.getClassLoader(),
                new Class<?>[] {KvStore.class}, (p, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @SuppressWarnings("unused")
    private static List<KvEntry> list(KvEntry... e) {
        return new ArrayList<>(List.of(e));
    }
}
