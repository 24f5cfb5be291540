package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.types.IpAddress;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The one host listing of the cluster: heartbeats in {@code hosts/<hostId>} and each observer's
 * judgement of every host as {@link Liveness#ALIVE}, {@link Liveness#SILENT} or {@link Liveness#DEAD}.
 *
 * <p><b>Heartbeat.</b> Every {@code heartbeat} this host puts its {@link HostRecord} with an incremented
 * beat (a plain put, no lease: the record outlives the host and keeps its VTEP for the collector; a
 * restarted process takes the same key over at its first beat, so a restart never looks like a departure,
 * and {@link #close()} deliberately leaves the record).
 *
 * <p><b>Observation.</b> In the same tick it lists {@code hosts/} once (O(N) per host, no per-host
 * watches) and keeps, per host, the observer-local monotonic time at which the record's modify index
 * last changed. Nobody compares clocks across hosts. A host is ALIVE while that happened within
 * {@code deadAfter}; after that it is SILENT, or DEAD once its VTEP failed the ICMP probes
 * ({@link TrackedHost} has the hysteresis). Probes start {@code 2 x heartbeat} before {@code deadAfter}
 * runs out, one at a time per host, one heartbeat apart, on a small pool of their own, so the verdict is
 * ready when the silence is long enough and a slow probe never delays our own heartbeat.
 *
 * <p><b>Only while we can see.</b> Nothing is judged from a failed read. After any failed read, or when
 * two successful reads are more than {@code deadAfter / 2} apart (a hung store call, a paused JVM), every
 * silence clock restarts at the next successful read, so losing the store never withdraws anyone.
 * Probes are not used until then either. A host first seen is ALIVE (it has a record) or SILENT (it is
 * only known as an owner of endpoint records, {@link #noteOwners}); either way it is judged only after
 * {@code deadAfter}. A host with no record that owns nothing any more is forgotten once DEAD.
 *
 * <p><b>Threads.</b> One scheduled thread beats, lists and judges; each tick blocks at most for the
 * store's own call timeouts (one put, one list). Probes run on up to 8 daemon threads (extra probes wait
 * for the next tick). Listeners run on one notifier thread, in order, so a slow
 * listener (a firewall update) never delays a heartbeat.
 */
public final class Membership implements MembershipView, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Membership.class.getName());
    static final int PROBE_THREADS = 8;

    /**
     * Settings.
     *
     * @param heartbeat    how often this host beats and looks at the others (default 1 s)
     * @param deadAfter    silence after which a host is no longer ALIVE (default 6 s; at least 2 heartbeats)
     * @param probe        whether to ask the VTEP (ICMP echo) before declaring DEAD; without it, silence
     *                     alone makes a host DEAD (use it where ICMP is blocked between hosts)
     * @param probeTimeout how long one probe waits for an answer (default 1 s)
     */
    public record Settings(Duration heartbeat, Duration deadAfter, boolean probe, Duration probeTimeout) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), Duration.ofSeconds(6), true,
                Duration.ofSeconds(1));

        public Settings {
            Objects.requireNonNull(heartbeat, "heartbeat");
            Objects.requireNonNull(deadAfter, "deadAfter");
            Objects.requireNonNull(probeTimeout, "probeTimeout");
            if (heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
            }
            if (deadAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("deadAfter (" + deadAfter.toMillis() + " ms) must be at least two"
                        + " heartbeats (" + heartbeat.multipliedBy(2).toMillis() + " ms)");
            }
            if (probeTimeout.isNegative() || probeTimeout.isZero()) {
                throw new IllegalArgumentException("probeTimeout must be positive, got " + probeTimeout);
            }
        }
    }

    /**
     * A host's state changed ({@code before} empty: newly tracked; {@code after} empty: forgotten).
     */
    public record Change(String hostId, Optional<Liveness> before, Optional<Liveness> after) {}

    /** Told about state changes, on the notifier thread, in order. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param hosts   the snapshot after the changes
         * @param changes what changed (empty on the first call after {@link #addListener})
         */
        void membershipChanged(Map<String, HostView> hosts, List<Change> changes);
    }

    private final KvStore store;
    private final HostRecord self;
    private final String selfKey;
    private final Settings settings;
    private final VtepProber prober;
    private final LongSupplier nanoTime;
    private final Clock wall;
    private final Executor probeExecutor;
    private final Executor notifier;
    private final ScheduledExecutorService scheduler;
    private final List<ExecutorService> owned = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private final HostTable table;
    private volatile Map<String, Optional<IpAddress>> owners = Map.of();
    private volatile Map<String, HostView> snapshot = Map.of();
    private volatile boolean judging;
    private long beat;
    private String writeProblem;
    private String readProblem;
    private volatile boolean closed;

    /**
     * A membership with real time, ICMP probes on a small pool and its own threads.
     *
     * @param store    where {@code hosts/} lives
     * @param self     this host's record (its beat is replaced by the counter)
     * @param settings heartbeat, deadAfter, probe
     * @param prober   the VTEP probe ({@link IcmpProber})
     */
    public Membership(KvStore store, HostRecord self, Settings settings, VtepProber prober) {
        this(store, self, settings, prober, System::nanoTime, Clock.systemUTC(), null, null);
    }

    /** For tests: a fake clock, and executors (null: the real pools) for probes and listeners. */
    Membership(KvStore store, HostRecord self, Settings settings, VtepProber prober, LongSupplier nanoTime,
               Clock wall, Executor probeExecutor, Executor notifier) {
        this.store = Objects.requireNonNull(store, "store");
        this.self = Objects.requireNonNull(self, "self");
        this.selfKey = ClusterKeys.host(self.hostId());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.table = new HostTable(self.hostId(), HostTable.parseLiteral(self.vtep()), settings);
        this.prober = Objects.requireNonNull(prober, "prober");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.wall = Objects.requireNonNull(wall, "wall");
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("jo-membership"));
        owned.add(scheduler);
        if (probeExecutor == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, PROBE_THREADS, 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemon("jo-membership-probe"));
            owned.add(pool);
            probeExecutor = pool;
        }
        if (notifier == null) {
            ExecutorService n = Executors.newSingleThreadExecutor(daemon("jo-membership-notify"));
            owned.add(n);
            notifier = n;
        }
        this.probeExecutor = probeExecutor;
        this.notifier = notifier;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts beating and observing on the membership thread; never blocks on the store. */
    public void start() {
        scheduler.execute(this::loop);
    }

    private void loop() {
        if (closed) {
            return;
        }
        long started = nanoTime.getAsLong();
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "membership tick failed unexpectedly; retrying next heartbeat", e);
        }
        long spent = nanoTime.getAsLong() - started;
        if (!closed) {
            try {
                scheduler.schedule(this::loop, Math.max(0, settings.heartbeat().toNanos() - spent), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // closed meanwhile
            }
        }
    }

    /** One heartbeat: write our record, list {@code hosts/}, judge, probe. Package-private for tests. */
    void tick() {
        writeHeartbeat();
        List<KvEntry> entries;
        try {
            entries = store.list(ClusterKeys.HOSTS);
        } catch (KvStoreException | RuntimeException e) {
            readFailure(e);
            return;
        }
        readProblem = null;
        HostTable.Result r;
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            r = table.observe(entries, owners, now);
            judging = true;
            publish(r.changes(), now);
        }
        r.probes().forEach(this::submitProbe);
    }

    private void writeHeartbeat() {
        try {
            store.put(selfKey, ClusterKeys.encodeHost(self.withBeat(beat++)));
            if (writeProblem != null) {
                LOG.log(Level.INFO, "heartbeat of " + self.hostId() + " is written again to " + store.describe());
                writeProblem = null;
            }
        } catch (KvStoreException | RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            if (!why.equals(writeProblem) && !closed) {
                LOG.log(Level.WARNING, "cannot write the heartbeat " + selfKey + " to " + store.describe() + ": " + why
                        + "; other hosts will see this host SILENT (kept while its VTEP answers ICMP)");
                writeProblem = why;
            }
        }
    }

    private void readFailure(Exception e) {
        synchronized (lock) {
            table.readFailed();
            judging = false;
        }
        String why = String.valueOf(e.getMessage());
        if (!why.equals(readProblem) && !closed) {
            LOG.log(Level.WARNING, "cannot list " + ClusterKeys.HOSTS + " in " + store.describe() + ": " + why
                    + "; no host is judged until the store answers (every host keeps its state)");
            readProblem = why;
        }
    }

    private void submitProbe(HostTable.Probe p) {
        try {
            probeExecutor.execute(() -> {
                boolean ok;
                try {
                    ok = prober.reachable(p.vtep(), settings.probeTimeout());
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "probe of " + p.vtep().toString() + " failed: " + e.getMessage());
                    ok = false;
                }
                synchronized (lock) {
                    if (!closed) {
                        long now = nanoTime.getAsLong();
                        publish(table.probed(p.host(), p.generation(), ok, now), now);
                    }
                }
            });
        } catch (RejectedExecutionException busy) {
            // Every probe thread is busy (many silent hosts whose VTEPs drop ICMP): probe this one at a later tick.
            synchronized (lock) {
                table.probeNotSent(p);
            }
        }
    }

    /** Builds the snapshot and hands listeners the changes. Holds the lock, so notifications keep their order. */
    private void publish(List<Change> changes, long now) {
        Map<String, HostView> snap = table.views(now, wall.instant());
        snapshot = snap;
        if (changes.isEmpty()) {
            return;
        }
        List<Change> c = List.copyOf(changes);
        for (Listener l : listeners) {
            notify(l, snap, c);
        }
    }

    private void notify(Listener l, Map<String, HostView> snap, List<Change> changes) {
        try {
            notifier.execute(() -> {
                try {
                    l.membershipChanged(snap, changes);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "membership listener " + l + " failed", e);
                }
            });
        } catch (RejectedExecutionException closedNow) {
            // shutting down
        }
    }

    /**
     * Hosts that own endpoint records, with the VTEP those records name (empty if unknown). A host in
     * this map without a {@code hosts/} record is tracked as "no beat" and judged like a silent one
     * (probing that VTEP); hosts that left this map and have no record are forgotten once DEAD.
     * Replaces the previous call's map; takes effect at the next heartbeat.
     */
    @Override
    public void noteOwners(Map<String, Optional<IpAddress>> ownerVteps) {
        owners = Map.copyOf(ownerVteps);
    }

    /** Like {@link #noteOwners(Map)} without VTEPs. */
    public void noteOwners(Set<String> hostIds) {
        Map<String, Optional<IpAddress>> m = new HashMap<>();
        hostIds.forEach(id -> m.put(id, Optional.empty()));
        noteOwners(m);
    }

    /** Every tracked host (this one included), as of the last successful look; empty before the first. */
    @Override
    public Map<String, HostView> snapshot() {
        return snapshot;
    }

    /** True while our own reads of {@code hosts/} succeed, i.e. while the snapshot is being kept current. */
    @Override
    public boolean isJudging() {
        return judging;
    }

    /** How long {@code hostId} has been DEAD without a break, as this observer saw it; empty if it is not DEAD. */
    @Override
    public Optional<Duration> deadFor(String hostId) {
        synchronized (lock) {
            return table.deadFor(hostId, nanoTime.getAsLong());
        }
    }

    /** Adds a listener; it is called at once with the current snapshot (no changes) if there is one. */
    public void addListener(Listener l) {
        Objects.requireNonNull(l, "listener");
        synchronized (lock) {
            listeners.add(l);
            if (judging) {
                notify(l, snapshot, List.of());
            }
        }
    }

    /** Removes a listener. */
    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Stops beating and observing. Our record stays: a restart must not look like a departure. */
    @Override
    public void close() {
        closed = true;
        for (ExecutorService e : owned) {
            e.shutdownNow();
        }
        try {
            // A tick stuck in a store call ends within the store's timeout; do not wait for it here.
            scheduler.awaitTermination(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
