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
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;

/**
 * Blocking query loop on one key prefix. Each answer is diffed against the previous listing by
 * modify index, and the network IDs of changed, added or removed keys are reported. A backwards
 * index ({@link WatchResult#resync()}) or a failed query makes the next answer a fresh snapshot:
 * every network in it, and every one known before, is reported.
 *
 * <p>A network whose every changed key is one of this host's own ({@code own}: the entry as written,
 * or, for a removed key, as last seen) is reported as {@link Changes#ownOnly()} too: a change this host
 * made itself, whose pass its own call already asked for (never on a snapshot).
 *
 * <p>Paced: each answer is a listing of the whole prefix, read and compared in full, so a host whose
 * store changes in a burst would spend a core re-reading it once per change. After an answer with
 * changes, the next query waits {@link #PACE_RATIO} times the CPU the answer cost (at most
 * {@link #MAX_PACE}); changes made meanwhile come in its answer together. That keeps the watch below a
 * third of a core; a change after a quiet spell finds the query waiting and is read at once.
 */
final class StoreWatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(StoreWatcher.class.getName());
    /** The pause before the next query, as a multiple of the CPU the last answer with changes cost. */
    static final int PACE_RATIO = 2;
    /** The longest pause between two queries. */
    static final Duration MAX_PACE = Duration.ofMillis(100);
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final KvStore store;
    private final String prefix;
    private final Duration maxWait;
    private final Consumer<Changes> onChange;
    private final ObjLongConsumer<List<KvEntry>> onListing;
    private final Runnable onLost;
    private final Predicate<KvEntry> own;
    private volatile boolean running = true;
    private volatile Thread thread;

    /** A key's modify index at the answer of {@code generation}. */
    private static final class Seen {
        long index;
        long generation;
    }

    /** The networks with changed keys; {@code ownOnly}: those whose changed keys are all this host's own. */
    record Changes(Set<String> networks, Set<String> ownOnly) {}

    /**
     * @param onListing every answer's whole listing, with the {@link System#nanoTime()} at which its query
     *                  was sent (the listing is the store at that moment or later), before {@code onChange}
     *                  hears of it
     * @param onLost    a query failed, or the watch ended: the last listing may be out of date
     */
    StoreWatcher(KvStore store, String prefix, Duration maxWait, Consumer<Changes> onChange,
                 ObjLongConsumer<List<KvEntry>> onListing, Runnable onLost, Predicate<KvEntry> own) {
        this.store = store;
        this.prefix = prefix;
        this.maxWait = maxWait;
        this.onChange = onChange;
        this.onListing = onListing;
        this.onLost = onLost;
        this.own = own;
    }

    /** Records that {@code key} changed: its network in {@code changed}, and in {@code notOwn} unless {@code mine}. */
    private static void mark(String key, boolean mine, Set<String> changed, Set<String> notOwn) {
        NetworkKeys.networkIdOf(key).ifPresent(n -> {
            changed.add(n);
            if (!mine) {
                notOwn.add(n);
            }
        });
    }

    void start() {
        Thread t = new Thread(this, "jo-watch-" + prefix.replace("/", ""));
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() {
        running = false;
        onLost.run();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** The pause before the next query after an answer with changes that cost {@code cpuNanos} of CPU. */
    static long pace(long cpuNanos) {
        return Math.min(MAX_PACE.toNanos(), Math.max(0, cpuNanos) * PACE_RATIO);
    }

    /** This thread's CPU time, or -1 where the JVM cannot tell. */
    private static long threadCpuNanos() {
        try {
            return CPU.getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    @Override
    public void run() {
        try {
            watchUntilStopped();
        } finally {
            onLost.run(); // also when an Error ends the thread: nobody may take the last listing as current
        }
    }

    private void watchUntilStopped() {
        long index = 0;
        // Key → its modify index at the last answer, updated in place: a map rebuilt per answer would
        // promote a node, a boxed index and a key per record on every wake-up.
        Map<String, Seen> known = new HashMap<>();
        long generation = 0;
        Set<String> ownKeys = new HashSet<>(); // keys whose last seen entry was this host's own
        long backoffMs = 1000;
        long paceNanos = 0;
        while (running) {
            try {
                if (paceNanos > 0) {
                    Thread.sleep(paceNanos / 1_000_000, (int) (paceNanos % 1_000_000));
                }
                long cpu0 = threadCpuNanos();
                long askedAt = System.nanoTime();
                WatchResult r = store.watch(prefix, index, maxWait);
                boolean snapshot = index == 0 || r.resync() || r.index() < index;
                long gen = ++generation;
                Set<String> changed = new HashSet<>();
                Set<String> notOwn = new HashSet<>(); // networks with a changed key that is not this host's own
                if (snapshot) {
                    // Every network known before, and (below) every one in the answer.
                    known.keySet().forEach(k -> NetworkKeys.networkIdOf(k).ifPresent(changed::add));
                    ownKeys.clear();
                }
                for (KvEntry e : r.entries()) {
                    Seen seen = known.get(e.key());
                    boolean added = seen == null;
                    if (added) {
                        seen = new Seen();
                        known.put(e.key(), seen);
                    }
                    if (snapshot) {
                        NetworkKeys.networkIdOf(e.key()).ifPresent(changed::add);
                        if (own.test(e)) {
                            ownKeys.add(e.key());
                        }
                    } else if (added || seen.index != e.modifyIndex()) {
                        boolean mine = own.test(e);
                        if (mine) {
                            ownKeys.add(e.key());
                        } else {
                            ownKeys.remove(e.key());
                        }
                        mark(e.key(), mine, changed, notOwn);
                    }
                    seen.index = e.modifyIndex();
                    seen.generation = gen;
                }
                for (var it = known.entrySet().iterator(); it.hasNext(); ) {
                    var k = it.next();
                    if (k.getValue().generation != gen) { // removed since the last answer
                        if (!snapshot) {
                            mark(k.getKey(), ownKeys.remove(k.getKey()), changed, notOwn);
                        }
                        it.remove();
                    }
                }
                if (snapshot) {
                    notOwn.addAll(changed);
                }
                index = r.index();
                backoffMs = 1000;
                onListing.accept(r.entries(), askedAt);
                if (!changed.isEmpty()) {
                    Set<String> ownOnly = new HashSet<>(changed);
                    ownOnly.removeAll(notOwn);
                    onChange.accept(new Changes(changed, ownOnly));
                }
                paceNanos = changed.isEmpty() || cpu0 < 0 ? 0 : pace(threadCpuNanos() - cpu0);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                paceNanos = 0;
            } catch (KvStoreException | RuntimeException e) {
                onLost.run();
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
