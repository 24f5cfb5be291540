package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local store's write-ahead log ({@link StateFiles}): commits are appended as changes and
 * replayed on open, torn tails are ignored and cut off, a log never applies to a snapshot it
 * does not belong to, and a grown log is folded into a new snapshot.
 */
class LocalStoreLogTest {
    @TempDir
    Path dir;

    private LocalKvStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void reopen() throws Exception {
        store.close();
        store = LocalKvStore.open(dir);
    }

    private List<String> keys() throws Exception {
        List<String> out = new ArrayList<>();
        for (KvEntry e : store.list("")) {
            out.add(e.key());
        }
        return out;
    }

    @Test
    void commitsAppendToTheLogWithoutRewritingTheSnapshotAndReplayOnOpen() throws Exception {
        store = LocalKvStore.open(dir);
        store.put("k/00", b("first"));
        byte[] snapshot = Files.readAllBytes(dir.resolve("state"));
        long logBefore = Files.size(dir.resolve("wal"));
        List<KvEntry> written = new ArrayList<>();
        for (int i = 1; i < 50; i++) {
            store.put(String.format("k/%02d", i), b("v" + i));
        }
        store.delete("k/07");
        store.txn(List.of(new io.javaoverlay.kvstore.TxnOp.Set("k/08", b("txn")),
                new io.javaoverlay.kvstore.TxnOp.Delete("k/09")));
        written.addAll(store.list(""));
        long prefixIndex = store.watch("k/", 0, java.time.Duration.ZERO).index();
        // Each commit added one small record; the snapshot file was not touched.
        assertTrue(Files.size(dir.resolve("wal")) > logBefore);
        assertTrue(java.util.Arrays.equals(snapshot, Files.readAllBytes(dir.resolve("state"))));
        reopen();
        assertEquals(written, store.list(""));
        assertEquals(prefixIndex, store.watch("k/", 0, java.time.Duration.ZERO).index(), "tombstones replayed too");
        assertEquals(48, written.size());
    }

    @Test
    void aTornRecordAtTheEndOfTheLogIsIgnoredThenCutOff() throws Exception {
        store = LocalKvStore.open(dir);
        store.put("a", b("1"));
        store.put("b", b("2"));
        store.close();
        // What a writer killed in the middle of an append leaves: a record header and half a body.
        Files.write(dir.resolve("wal"), new byte[] {0x4a, 0x4f, 0x57, 0x52, 0, 0, 0, 100, 1, 2, 3, 4, 5, 6, 7},
                StandardOpenOption.APPEND);
        store = LocalKvStore.open(dir);
        assertEquals(List.of("a", "b"), keys());
        store.put("c", b("3"));
        reopen();
        assertEquals(List.of("a", "b", "c"), keys());
        assertEquals("3", store.get("c").orElseThrow().valueAsString());
    }

    @Test
    void aLogIsNeverReplayedOntoAnotherSnapshot() throws Exception {
        store = LocalKvStore.open(dir);
        store.put("a", b("1"));
        store.put("old", b("logged"));
        store.close();
        byte[] oldLog = Files.readAllBytes(dir.resolve("wal"));
        Files.delete(dir.resolve("state")); // the directory is reset by hand, the log left behind
        store = LocalKvStore.open(dir);
        assertEquals(List.of(), keys());
        store.put("a", b("1")); // the same first commit again: same index, same content
        store.close();
        Files.write(dir.resolve("wal"), oldLog); // and the old log comes back (a crash before the cut)
        store = LocalKvStore.open(dir);
        assertEquals(List.of("a"), keys());
    }

    @Test
    void aStateFileOfTheFirstReleaseIsStillRead() throws Exception {
        StoreState s = new StoreState();
        s.set("old/key", b("v1"), 5, null);
        s.index = 5;
        byte[] v2 = StateCodec.encode(s, 42);
        // Version 1: the same layout without the 8-byte generation trailer.
        int bodyLen = v2.length - StateCodec.HEADER_SIZE - 8;
        CRC32C crc = new CRC32C();
        crc.update(v2, StateCodec.HEADER_SIZE, bodyLen);
        ByteBuffer v1 = ByteBuffer.allocate(StateCodec.HEADER_SIZE + bodyLen);
        v1.put(v2, 0, StateCodec.HEADER_SIZE + bodyLen).put(4, (byte) 1).putInt(13, bodyLen)
                .putInt(17, (int) crc.getValue());
        Files.write(dir.resolve("state"), v1.array());
        store = LocalKvStore.open(dir);
        assertEquals(5, store.get("old/key").orElseThrow().modifyIndex());
        store.put("new/key", b("v2"));
        reopen();
        assertEquals(List.of("new/key", "old/key"), keys());
    }

    @Test
    void aRemovedLogIsStartedAgainRatherThanFailingEveryCommit() throws Exception {
        store = LocalKvStore.open(dir);
        store.put("a", b("1")); // the first commit writes the snapshot
        store.put("b", b("2")); // this one goes to the log
        Files.delete(dir.resolve("wal"));
        store.put("c", b("3")); // a new snapshot, from this JVM's state (which still holds b)
        reopen();
        assertEquals(List.of("a", "b", "c"), keys());
        store.put("d", b("4"));
        reopen();
        assertEquals(List.of("a", "b", "c", "d"), keys());
    }

    @Test
    void aLargeLogIsFoldedIntoANewSnapshot() throws Exception {
        store = LocalKvStore.open(dir);
        byte[] big = new byte[64 * 1024];
        store.put("big/0", big);
        long snapshotBefore = Files.size(dir.resolve("state"));
        int n = (int) (StateFiles.MIN_LOG_BYTES_BEFORE_SNAPSHOT / big.length) + 4;
        for (int i = 1; i <= n; i++) {
            store.put("big/" + i, big);
        }
        assertTrue(Files.size(dir.resolve("state")) > snapshotBefore, "the snapshot was rewritten");
        assertTrue(Files.size(dir.resolve("wal")) < StateFiles.MIN_LOG_BYTES_BEFORE_SNAPSHOT, "the log was cut");
        List<KvEntry> all = store.list("");
        reopen();
        assertEquals(all, store.list(""));
        assertEquals(n + 1, all.size());
    }
}
