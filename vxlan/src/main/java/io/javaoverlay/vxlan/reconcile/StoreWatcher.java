package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.WatchResult;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Blocking query loop on one key prefix. Each answer is diffed against the previous listing by
 * modify index, and the network IDs of changed, added or removed keys are reported. A backwards
 * index ({@link WatchResult#resync()}) or a failed query makes the next answer a fresh snapshot:
 * every network in it, and every one known before, is reported.
 */
final class StoreWatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(StoreWatcher.class.getName());

    private final KvStore store;
    private final String prefix;
    private final Duration maxWait;
    private final Consumer<Set<String>> onChange;
    private final Consumer<List<KvEntry>> onListing;
    private volatile boolean running = true;
    private volatile Thread thread;

    StoreWatcher(KvStore store, String prefix, Duration maxWait, Consumer<Set<String>> onChange,
                 Consumer<List<KvEntry>> onListing) {
        this.store = store;
        this.prefix = prefix;
        this.maxWait = maxWait;
        this.onChange = onChange;
        this.onListing = onListing;
    }

    void start() {
        Thread t = new Thread(this, "jo-watch-" + prefix.replace("/", ""));
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        long index = 0;
        Map<String, Long> known = new HashMap<>();
        long backoffMs = 1000;
        while (running) {
            try {
                WatchResult r = store.watch(prefix, index, maxWait);
                boolean snapshot = index == 0 || r.resync() || r.index() < index;
                Map<String, Long> now = new HashMap<>();
                for (KvEntry e : r.entries()) {
                    now.put(e.key(), e.modifyIndex());
                }
                Set<String> changed = new HashSet<>();
                if (snapshot) {
                    known.keySet().forEach(k -> NetworkKeys.networkIdOf(k).ifPresent(changed::add));
                    now.keySet().forEach(k -> NetworkKeys.networkIdOf(k).ifPresent(changed::add));
                } else {
                    for (Map.Entry<String, Long> e : now.entrySet()) {
                        if (!e.getValue().equals(known.get(e.getKey()))) {
                            NetworkKeys.networkIdOf(e.getKey()).ifPresent(changed::add);
                        }
                    }
                    for (String k : known.keySet()) {
                        if (!now.containsKey(k)) {
                            NetworkKeys.networkIdOf(k).ifPresent(changed::add);
                        }
                    }
                }
                known = now;
                index = r.index();
                backoffMs = 1000;
                onListing.accept(r.entries());
                if (!changed.isEmpty()) {
                    onChange.accept(changed);
                }
            } catch (KvStoreException | RuntimeException e) {
                // Only stop() ends the loop: a dead watcher would silently stop all store triggers.
                if (!running) {
                    return;
                }
                Thread.interrupted(); // an interrupt that was not a stop() must not kill the sleep below
                LOG.log(Level.WARNING, "watch on " + prefix + " failed (" + e.getMessage() + "); retrying in "
                        + backoffMs + " ms with a full resync");
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
}
