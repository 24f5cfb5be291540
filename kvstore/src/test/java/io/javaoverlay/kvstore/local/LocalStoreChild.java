package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.TxnOp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Child-process driver for the multi-process tests (run with {@code java -cp <test classpath>}).
 * Modes:
 * <ul>
 *   <li>{@code increment DIR N}: N times, atomically CAS-increment {@code counter} and write
 *       {@code k/<n>}; print {@code ACK n} after each acknowledged commit.</li>
 *   <li>{@code lease DIR}: create a 60 s lease, bind {@code owned/<pid>} to it, print
 *       {@code READY}, then sleep until killed.</li>
 *   <li>{@code hold-lock DIR}: take the store's file lock, print {@code LOCKED}, sleep until killed.</li>
 * </ul>
 */
public final class LocalStoreChild {
    private LocalStoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("hold-lock")) {
            // Simulates a peer that stopped while holding the store lock.
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve("lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock ignored = ch.lock()) {
                System.out.println("LOCKED");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            return;
        }
        try (LocalKvStore store = LocalKvStore.open(dir)) {
            if (args[0].equals("increment")) {
                increment(store, Integer.parseInt(args[2]));
            } else if (args[0].equals("lease")) {
                Lease lease = store.createLease("child", Duration.ofSeconds(60));
                store.putWithLease("owned/" + ProcessHandle.current().pid(), bytes("x"), lease);
                System.out.println("READY");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            } else {
                throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    private static void increment(LocalKvStore store, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            while (true) {
                Optional<KvEntry> cur = store.get("counter");
                long n = cur.map(e -> Long.parseLong(e.valueAsString())).orElse(0L) + 1;
                long idx = cur.map(KvEntry::modifyIndex).orElse(0L);
                try {
                    store.txn(List.of(new TxnOp.Cas("counter", bytes(Long.toString(n)), idx),
                            new TxnOp.Set("k/" + n, bytes(Long.toString(n)))));
                    System.out.println("ACK " + n);
                    System.out.flush();
                    break;
                } catch (CasConflictException e) {
                    // another process won this round; re-read and retry
                }
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
