package io.javaoverlay.server.dns;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.WatchResult;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps a {@link NameTable} equal to the store's {@code names/} subtree: a blocking query loop
 * (like vxlan's StoreWatcher) whose first answer, any answer after a failure and any answer
 * with a backwards index ({@link WatchResult#resync()}) is applied as a full snapshot; every
 * other answer is diffed by modify index and only changed keys are decoded and applied.
 *
 * <p>A record that does not decode is logged once per modify index and left out; it never
 * stops the loop or hides the other records.
 */
public final class NameWatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(NameWatcher.class.getName());

    private final KvStore store;
    private final NameTable table;
    private final Duration maxWait;
    private final Map<String, Long> known = new HashMap<>(); // key → modify index, in the table or rejected
    private volatile boolean running = true;
    private volatile Thread thread;
    private long index;

    /** A watcher of {@code store} feeding {@code table}; each blocking query waits at most {@code maxWait}. */
    public NameWatcher(KvStore store, NameTable table, Duration maxWait) {
        this.store = Objects.requireNonNull(store, "store");
        this.table = Objects.requireNonNull(table, "table");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    }

    /** Starts the loop on its own daemon thread. */
    public void start() {
        Thread t = new Thread(this, "jo-dns-names-watch");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Stops the loop (interrupts a waiting query). */
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        long backoffMs = 500;
        while (running) {
            try {
                WatchResult r = store.watch(NameKeys.NAMES, index, maxWait);
                boolean snapshot = index == 0 || r.resync() || r.index() < index;
                accept(r.entries(), snapshot);
                index = r.index();
                backoffMs = 500;
            } catch (KvStoreException | RuntimeException e) {
                if (!running) {
                    return;
                }
                Thread.interrupted(); // only stop() ends the loop
                LOG.log(Level.WARNING, "watch on " + NameKeys.NAMES + " failed (" + e.getMessage()
                        + "); container names keep their last known state; retrying in " + backoffMs + " ms");
                index = 0;
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    if (!running) {
                        return;
                    }
                }
                backoffMs = Math.min(backoffMs * 2, 30_000);
            }
        }
    }

    /**
     * Applies one listing of {@code names/}: as a full snapshot, or as a delta against the
     * previous listing. Package-private so tests can drive it without a store.
     */
    void accept(List<KvEntry> entries, boolean snapshot) {
        Map<String, Long> now = new HashMap<>();
        Map<String, NameRecord> upserts = new HashMap<>();
        for (KvEntry e : entries) {
            if (NameKeys.hostOf(e.key()).isEmpty()) {
                continue;
            }
            now.put(e.key(), e.modifyIndex());
            if (!snapshot && Long.valueOf(e.modifyIndex()).equals(known.get(e.key()))) {
                continue;
            }
            try {
                upserts.put(e.key(), NameKeys.decode(e.key(), e.value()));
            } catch (IllegalArgumentException bad) {
                LOG.log(Level.WARNING, bad.getMessage() + "; the name is ignored until the record is rewritten");
            }
        }
        if (snapshot) {
            table.reset(upserts);
        } else {
            Set<String> removed = new HashSet<>(known.keySet());
            removed.removeAll(now.keySet());
            // A key whose new value is corrupt must not keep answering with its old value.
            for (String k : now.keySet()) {
                if (!upserts.containsKey(k) && !Long.valueOf(now.get(k)).equals(known.get(k))) {
                    removed.add(k);
                }
            }
            table.apply(upserts, removed);
        }
        known.clear();
        known.putAll(now);
    }
}
