package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.vxlan.OverlayException;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The single writer of one network's kernel state on this host. Every change (passes, Join,
 * DeleteEndpoint) runs on its one-thread executor, so no two threads ever program the same
 * bridge. Triggers only mark the network dirty: at most one pass is queued at any time.
 * A pass that fails schedules a retry with capped exponential backoff (1 s → 30 s).
 */
public final class NetworkReconciler {
    private static final System.Logger LOG = System.getLogger(NetworkReconciler.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String networkId;
    private final NetlinkHandle handle;
    private final OverlayStore store;
    private final VxlanConfig config;
    private final ScheduledExecutorService scheduler;
    private final BiConsumer<Integer, String> vniSeen;
    private final PassListener listener;
    private final ThreadPoolExecutor executor;
    private final Applier applier;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private int consecutiveFailures; // only touched on the executor thread
    private volatile PassReport lastReport;
    private int lastPeers; // only touched on the executor thread

    NetworkReconciler(String networkId, NetlinkHandle handle, OverlayStore store, VxlanConfig config,
                      ScheduledExecutorService scheduler, BiConsumer<Integer, String> vniSeen) {
        this(networkId, handle, store, config, scheduler, vniSeen, PassListener.NONE);
    }

    NetworkReconciler(String networkId, NetlinkHandle handle, OverlayStore store, VxlanConfig config,
                      ScheduledExecutorService scheduler, BiConsumer<Integer, String> vniSeen, PassListener listener) {
        this.networkId = networkId;
        this.handle = handle;
        this.store = store;
        this.config = config;
        this.scheduler = scheduler;
        this.vniSeen = vniSeen;
        this.listener = listener;
        this.applier = new Applier(handle);
        this.executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jo-reconcile-" + PassReport.shortId(networkId));
            t.setDaemon(true);
            return t;
        });
        // Idle networks should not pin a thread each.
        executor.allowCoreThreadTimeOut(true);
    }

    /** The network this reconciler owns. */
    public String networkId() {
        return networkId;
    }

    /** The report of the last finished pass, if any. */
    public Optional<PassReport> lastReport() {
        return Optional.ofNullable(lastReport);
    }

    /** Marks the network dirty. Never blocks; coalesces with an already queued pass. */
    public void trigger() {
        if (executor.isShutdown()) {
            return;
        }
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    queued.set(false);
                    passAndSchedule();
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    /** Runs a pass on the network's executor now and waits for it. */
    public PassReport reconcileNow(Duration timeout) {
        return exclusive("reconcile network " + networkId, timeout, this::passAndSchedule);
    }

    /**
     * Runs {@code work} on the network's executor (after whatever is queued) and waits.
     *
     * @throws OverlayException UNAVAILABLE on timeout; the work's own OverlayException as is
     */
    public <T> T exclusive(String what, Duration timeout, Callable<T> work) {
        Future<T> f;
        try {
            f = executor.submit(work);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            throw new OverlayException(OverlayException.Kind.UNAVAILABLE, what + ": the driver is shutting down");
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OverlayException(OverlayException.Kind.UNAVAILABLE, what + " timed out after "
                    + timeout.toSeconds() + " s; the network's reconciler is busy");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayException(OverlayException.Kind.UNAVAILABLE, what + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof OverlayException oe) {
                throw oe;
            }
            throw new OverlayException(OverlayException.Kind.INTERNAL, what + " failed: " + c, c);
        }
    }

    /**
     * Runs one pass on the calling thread. Call it only from work given to {@link #exclusive}
     * (it relies on the executor being the single writer). Schedules a retry when it did not
     * converge.
     */
    public PassReport passAndSchedule() {
        long t0 = System.nanoTime();
        lastPeers = 0;
        PassReport report = pass();
        lastReport = report;
        try {
            listener.passFinished(report, Duration.ofNanos(System.nanoTime() - t0), lastPeers);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pass listener failed: " + e);
        }
        boolean busy = !report.planned().isEmpty() || !report.converged();
        LOG.log(busy ? Level.INFO : Level.DEBUG, report.summary());
        if (report.converged()) {
            consecutiveFailures = 0;
        } else {
            consecutiveFailures++;
            long delay = Math.min(MAX_BACKOFF.toMillis(),
                    MIN_BACKOFF.toMillis() << Math.min(consecutiveFailures - 1, 10));
            if (retryScheduled.compareAndSet(false, true)) {
                try {
                    scheduler.schedule(() -> {
                        retryScheduled.set(false);
                        trigger();
                    }, delay, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    retryScheduled.set(false);
                }
            }
        }
        return report;
    }

    private PassReport pass() {
        Optional<DesiredNetwork> desired;
        ActualNetwork actual;
        try {
            desired = desired();
            actual = actual(desired);
        } catch (NetlinkException | RuntimeException e) {
            // Store or kernel unreadable: keep whatever is programmed (never tear down on an outage).
            return new PassReport(networkId, List.of(), new Applier.Result(List.of()),
                    Optional.of(Applier.describe(e)));
        }
        lastPeers = desired.map(d -> d.peers().size()).orElse(0);
        List<Action> plan = Planner.plan(networkId, desired, actual);
        return new PassReport(networkId, plan, applier.apply(plan), Optional.empty());
    }

    /** Reads the desired state from the store. */
    Optional<DesiredNetwork> desired() {
        Optional<NetworkRecord> net = store.findNetwork(networkId);
        if (net.isEmpty()) {
            return Optional.empty();
        }
        vniSeen.accept(net.get().vni(), networkId);
        List<EndpointRecord> endpoints = store.endpoints(networkId);
        if (config.livePeersOnly()) {
            java.util.Set<String> live = store.registeredHosts();
            endpoints = endpoints.stream()
                    .filter(ep -> ep.hostId().equals(config.hostId()) || live.contains(ep.hostId())).toList();
        }
        return DesiredNetwork.derive(net, endpoints, config.hostId(), config.vtep(), config.port(),
                config.underlay().deviceIndex(), containerMtu(net.get(), config));
    }

    /** The container MTU on this host: the override, capped to what this host's underlay carries. */
    public static int containerMtu(NetworkRecord net, VxlanConfig config) {
        int max = config.maxContainerMtu();
        return Math.min(net.mtuOverride().orElse(max), max);
    }

    /** Dumps the links, FDB and neighbours that concern this network. */
    ActualNetwork actual(Optional<DesiredNetwork> desired) throws NetlinkException {
        Set<String> names = new HashSet<>();
        desired.ifPresent(d -> {
            names.add(d.bridgeName());
            names.add(d.vxlanName());
            d.ports().forEach(p -> names.add(p.hostEnd()));
        });
        List<Link> links = new ArrayList<>();
        for (Link l : handle.linkList()) {
            boolean owned = DeviceNames.parseAlias(l.attrs().alias())
                    .map(o -> o.networkId().equals(networkId)).orElse(false);
            if (owned || names.contains(l.name())) {
                links.add(l);
            }
        }
        List<FdbEntry> fdb = List.of();
        List<Neighbor> neigh = List.of();
        if (desired.isPresent()) {
            Optional<Link> vx = links.stream().filter(l -> l.name().equals(desired.get().vxlanName())).findFirst();
            if (vx.isPresent()) {
                fdb = handle.fdbList(vx.get().index());
                neigh = handle.neighList(vx.get().index(), Family.ALL);
            }
        }
        return new ActualNetwork(links, fdb, neigh);
    }

    /** Stops the executor; a running pass finishes. */
    void shutdown() {
        executor.shutdownNow();
    }
}
