package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreContract;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.WatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store contract against the embedded file-backed store, plus local-only behaviour. */
class LocalKvStoreTest extends KvStoreContract {
    LocalKvStoreTest() {
        super(Duration.ofSeconds(1), Duration.ofSeconds(4));
    }

    @TempDir
    Path dir;

    @Override
    protected KvStore createStore() throws Exception {
        return LocalKvStore.open(dir);
    }

    @Test
    void stateSurvivesReopen() throws Exception {
        store.put("persist/a", b("1"));
        long idx = store.get("persist/a").orElseThrow().modifyIndex();
        store.close();
        store = LocalKvStore.open(dir);
        assertEquals(idx, store.get("persist/a").orElseThrow().modifyIndex());
        store.put("persist/b", b("2"));
        assertTrue(store.get("persist/b").orElseThrow().modifyIndex() > idx);
    }

    @Test
    void leftoverTempFileFromACrashIsIgnored() throws Exception {
        store.put("a", b("1"));
        Files.write(dir.resolve("state.tmp"), new byte[] {1, 2, 3}); // a torn write that never got renamed
        store.close();
        store = LocalKvStore.open(dir);
        assertEquals("1", store.get("a").orElseThrow().valueAsString());
        store.put("b", b("2"));
        assertEquals(List.of("a", "b"), keys(store.list("")));
    }

    @Test
    void corruptStateFileIsReportedNotSilentlyReset() throws Exception {
        store.put("a", b("1"));
        store.close();
        byte[] bytes = Files.readAllBytes(dir.resolve("state"));
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(dir.resolve("state"), bytes);
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> LocalKvStore.open(dir));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        store = null;
    }

    @Test
    void twoStoresOnOneDirectorySeeEachOther() throws Exception {
        try (LocalKvStore other = LocalKvStore.open(dir)) {
            WatchResult initial = other.watch("shared/", 0, Duration.ZERO);
            CompletableFuture<WatchResult> woke = CompletableFuture.supplyAsync(() -> {
                try {
                    return other.watch("shared/", initial.index(), Duration.ofSeconds(20));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            store.put("shared/x", b("1"));
            assertEquals(List.of("shared/x"), keys(woke.get(20, TimeUnit.SECONDS).entries()));
            other.putIfAbsent("shared/y", b("2"));
            assertEquals(List.of("shared/x", "shared/y"), keys(store.list("shared/")));
        }
    }

    @Test
    void watchReportsResyncWhenTheStoreIsReset() throws Exception {
        store.put("r/a", b("1"));
        store.put("r/b", b("1"));
        WatchResult before = store.watch("r/", 0, Duration.ZERO);
        store.close();
        Files.delete(dir.resolve("state"));
        store = LocalKvStore.open(dir);
        WatchResult after = store.watch("r/", before.index(), Duration.ofSeconds(5));
        assertTrue(after.resync());
        assertTrue(after.index() < before.index());
        assertEquals(List.of(), after.entries());
    }

    @Test
    void aSymlinkToTheDirectoryIsTheSameStoreAndTheSameLock(@TempDir Path links) throws Exception {
        // Two lock channels on one file in one JVM would throw OverlappingFileLockException, and
        // closing either would drop the other's POSIX lock (letting another process in mid-commit).
        Path alias = Files.createSymbolicLink(links.resolve("alias"), dir);
        ExecutorService other = Executors.newSingleThreadExecutor();
        StateDir held = StateDir.acquire(dir);
        try {
            Throwable[] seen = new Throwable[1];
            held.withLock(Duration.ofSeconds(10), current -> {
                Future<?> f = other.submit(() -> {
                    LocalKvStore.open(alias, Duration.ofMillis(20), Duration.ofMillis(300)).close();
                    return null;
                });
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    seen[0] = e.getCause();
                } catch (InterruptedException | TimeoutException e) {
                    seen[0] = e;
                }
                return null;
            });
            assertInstanceOf(StoreUnavailableException.class, seen[0], "opening the alias while the lock is held");
            try (LocalKvStore viaAlias = LocalKvStore.open(alias)) {
                viaAlias.put("aliased", b("1"));
                assertEquals(viaAlias.directory(), ((LocalKvStore) store).directory());
            }
            assertEquals("1", store.get("aliased").orElseThrow().valueAsString());
        } finally {
            held.release();
            other.shutdownNow();
        }
    }
}
