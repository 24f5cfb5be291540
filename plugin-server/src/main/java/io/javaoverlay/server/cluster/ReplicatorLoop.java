package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.WatchResult;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs {@link NetworkReplicator#pass()} on its own thread: at start, whenever {@code clusternets/}
 * changes (a blocking store watch on a second thread), whenever this host's Docker networks change
 * ({@link #trigger()}, from the Docker view's events), after {@link #poke()} (a CreateNetwork or
 * DeleteNetwork here: quick re-polls for a few seconds, since Docker stores a network only after the
 * call), and every {@code poll} (the slow safety net, the resync interval). Failures (dockerd down or
 * starting, store unreachable) back off from 1 s to 30 s and are logged once per cause.
 */
public final class ReplicatorLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReplicatorLoop.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** After a poke the network may not be in Docker's store yet: look again quickly for a while. */
    private static final Duration FAST_POLL = Duration.ofMillis(250);
    private static final Duration FAST_WINDOW = Duration.ofSeconds(3);

    private final NetworkReplicator replicator;
    private final KvStore store;
    private final Duration poll;
    private final Object lock = new Object();
    private boolean dirty = true;
    private long fastUntil;
    private volatile boolean closed;
    private Thread worker;
    private Thread watcher;

    /**
     * @param poll how often to look at Docker's networks without a trigger
     */
    public ReplicatorLoop(NetworkReplicator replicator, KvStore store, Duration poll) {
        this.replicator = Objects.requireNonNull(replicator, "replicator");
        this.store = Objects.requireNonNull(store, "store");
        this.poll = Objects.requireNonNull(poll, "poll");
    }

    /** Starts the pass thread and the store watch. */
    public synchronized void start() {
        if (worker != null) {
            return;
        }
        worker = new Thread(this::run, "jo-replicator");
        worker.setDaemon(true);
        worker.start();
        watcher = new Thread(this::watch, "jo-replicator-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Requests a pass soon, and quick re-polls for a few seconds (a network was just created). */
    public void poke() {
        synchronized (lock) {
            dirty = true;
            fastUntil = System.nanoTime() + FAST_WINDOW.toNanos();
            lock.notifyAll();
        }
    }

    /** Requests a pass soon (this host's Docker networks changed); any thread, never blocks. */
    public void trigger() {
        synchronized (lock) {
            dirty = true;
            lock.notifyAll();
        }
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        String lastFailure = null;
        while (!closed) {
            Duration wait = poll;
            try {
                replicator.pass();
                if (lastFailure != null) {
                    LOG.log(Level.INFO, "replicator recovered");
                    lastFailure = null;
                }
                backoff = Duration.ofSeconds(1);
                Optional<Duration> due = replicator.nextDeadline();
                if (due.isPresent() && due.get().plusMillis(50).compareTo(wait) < 0) {
                    wait = due.get().plusMillis(50);
                }
            } catch (IOException | RuntimeException e) {
                // KvStoreException is an IOException too: test it first.
                boolean expected = !(e instanceof RuntimeException) || e instanceof io.javaoverlay.types.OverlayException;
                String cause = (e instanceof KvStoreException || e instanceof io.javaoverlay.types.OverlayException
                        ? "store: " : e instanceof IOException ? "Docker API: " : "unexpected: ") + e.getMessage();
                if (!cause.equals(lastFailure)) {
                    LOG.log(expected ? Level.WARNING : Level.ERROR,
                            "replication pass failed (retrying, up to every " + MAX_BACKOFF.toSeconds() + " s): " + cause);
                    lastFailure = cause;
                }
                wait = backoff;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            synchronized (lock) {
                if (System.nanoTime() < fastUntil && lastFailure == null) {
                    wait = FAST_POLL;
                }
                long deadline = System.nanoTime() + wait.toNanos();
                dirty = dirty && lastFailure == null;
                while (!dirty && !closed) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    try {
                        lock.wait(left);
                    } catch (InterruptedException e) {
                        if (closed) {
                            return;
                        }
                    }
                }
                dirty = false;
            }
        }
    }

    private void watch() {
        long index = 0;
        while (!closed) {
            try {
                WatchResult r = store.watch(ClusterKeys.NETWORKS, index, Duration.ofSeconds(30));
                if (r.index() != index || r.resync()) {
                    index = r.index();
                    trigger();
                }
            } catch (KvStoreException | RuntimeException e) {
                // The pass thread reports store trouble; just do not spin.
                index = 0;
                sleep(Duration.ofSeconds(2));
            }
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        Thread w;
        Thread v;
        synchronized (this) {
            w = worker;
            v = watcher;
        }
        // The watcher sits in a blocking store query that an interrupt does not cut short; it is a
        // daemon thread and ends after that query returns, so only the pass thread is waited for.
        if (v != null) {
            v.interrupt();
        }
        if (w != null) {
            w.interrupt();
            try {
                w.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
