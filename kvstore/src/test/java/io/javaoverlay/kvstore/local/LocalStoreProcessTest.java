package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.WatchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local store across processes: child JVMs ({@link LocalStoreChild}) write to a shared
 * directory while this JVM kills them with SIGKILL or runs them side by side.
 */
class LocalStoreProcessTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process spawn(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LocalStoreChild.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        return p;
    }

    @Test
    void killMinus9InTheMiddleOfWritesLeavesTheLastCommittedState() throws Exception {
        long base = 0;
        for (int round = 0; round < 3; round++) {
            Process child = spawn("increment", dir.toString(), "1000000");
            long lastAck = 0;
            // Kill at a different point each round, after some acknowledged commits.
            long killAfter = 40 + round * 37L;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lastAck = Long.parseLong(line.substring("ACK ".length()));
                    if (lastAck >= base + killAfter) {
                        break;
                    }
                }
                // SIGKILL through the handle: Process.destroyForcibly() would also close our end
                // of the pipe, losing acks the child printed just before it died.
                child.toHandle().destroyForcibly();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
                // Acks printed before the kill landed but not yet read count as acknowledged.
                while ((line = out.readLine()) != null) {
                    lastAck = Long.parseLong(line.substring("ACK ".length()));
                }
            }
            try (LocalKvStore store = LocalKvStore.open(dir)) {
                long counter = Long.parseLong(store.get("counter").orElseThrow().valueAsString());
                assertTrue(counter == lastAck || counter == lastAck + 1,
                        "counter " + counter + " but last acknowledged " + lastAck);
                base = counter;
                List<KvEntry> written = store.list("k/");
                assertEquals(counter, written.size(), "every committed increment wrote exactly one key");
                for (KvEntry e : written) {
                    assertTrue(Long.parseLong(e.valueAsString()) <= counter);
                }
            }
            // The next round continues from the surviving counter.
            assertFalse(child.isAlive());
        }
    }

    @Test
    void twoProcessesSharingADirectoryNeverLoseAnIncrement() throws Exception {
        int each = 150;
        Process a = spawn("increment", dir.toString(), Integer.toString(each));
        Process b = spawn("increment", dir.toString(), Integer.toString(each));
        try (LocalKvStore store = LocalKvStore.open(dir)) {
            // This JVM competes too, through the same directory.
            for (int i = 0; i < 50; i++) {
                while (true) {
                    KvEntry cur = store.get("counter").orElse(null);
                    long n = cur == null ? 1 : Long.parseLong(cur.valueAsString()) + 1;
                    try {
                        store.compareAndSet("counter", LocalStoreChildBytes.of(n), cur == null ? 0 : cur.modifyIndex());
                        store.put("k/" + n, LocalStoreChildBytes.of(n));
                        break;
                    } catch (CasConflictException e) {
                        // retry
                    }
                }
            }
            a.getInputStream().transferTo(OutputStream.nullOutputStream());
            b.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertTrue(a.waitFor(120, TimeUnit.SECONDS));
            assertTrue(b.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, a.exitValue());
            assertEquals(0, b.exitValue());
            assertEquals(Long.toString(2L * each + 50), store.get("counter").orElseThrow().valueAsString());
            assertEquals(2 * each + 50, store.list("k/").size());
        }
    }

    @Test
    void leaseOfAKilledProcessExpiresLongBeforeItsTtl() throws Exception {
        Process child = spawn("lease", dir.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("READY", out.readLine());
        }
        String key = "owned/" + child.pid();
        try (LocalKvStore store = LocalKvStore.open(dir)) {
            assertTrue(store.get(key).isPresent(), "the live child's key is visible");
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            // The lease has a 60 s TTL; the owner being gone is enough to end it.
            assertFalse(store.get(key).isPresent(), "key of a dead process must vanish");
        }
    }

    @Test
    void aPeerHoldingTheLockGivesStoreUnavailableNotAHang() throws Exception {
        try (LocalKvStore store = LocalKvStore.open(dir, Duration.ofMillis(20), Duration.ofMillis(500))) {
            store.put("k", "1".getBytes(StandardCharsets.UTF_8));
            Process holder = spawn("hold-lock", dir.toString());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8))) {
                assertEquals("LOCKED", out.readLine());
            }
            StoreUnavailableException e = assertThrows(
                    StoreUnavailableException.class, () -> store.get("k"));
            assertTrue(e.getMessage().contains("another process"), e.getMessage());
            holder.destroyForcibly();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            assertEquals("1", store.get("k").orElseThrow().valueAsString());
        }
    }

    @Test
    void aWatcherNoticesACommitByAnotherProcess() throws Exception {
        try (LocalKvStore store = LocalKvStore.open(dir)) {
            WatchResult before = store.watch("k/", 0, Duration.ZERO);
            Process writer = spawn("increment", dir.toString(), "1");
            WatchResult after = store.watch("k/", before.index(), Duration.ofSeconds(60));
            assertTrue(after.index() > before.index(), after + " vs " + before);
            assertEquals(1, after.entries().size());
            assertTrue(writer.waitFor(60, TimeUnit.SECONDS));
        }
    }
}
