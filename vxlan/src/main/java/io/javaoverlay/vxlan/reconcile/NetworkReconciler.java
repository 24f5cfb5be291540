package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single writer of one network's kernel state on this host. Every change (passes, Join,
 * DeleteEndpoint) runs on its one-thread executor, so no two threads ever program the same bridge.
 * Triggers only mark the network dirty: at most one pass is queued at any time, and a queued pass
 * lets waiting Join/DeleteEndpoint work go first (a few times), so a request never waits for more
 * than the pass that is running. A pass that fails schedules a retry with capped exponential backoff
 * (1 s → 30 s). A pass that leaves nothing of the network in the kernel retires the reconciler
 * (its executor ends; {@link Reconcilers} forgets it).
 */
public final class NetworkReconciler {
    private static final System.Logger LOG = System.getLogger(NetworkReconciler.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often a queued pass steps aside for waiting requests before it runs anyway. */
    private static final int MAX_DEFERRALS = 3;

    private final String networkId;
    private final NetlinkHandle handle;
    private final OverlayStore store;
    private final VxlanConfig config;
    private final Reconcilers owner;
    private final ThreadPoolExecutor executor;
    /** Tasks submitted and not yet finished (see {@link #busy()}). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Applier applier;
    private final Object lock = new Object();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    /** A full pass is wanted (the first pass reads everything); taken atomically, so a request made meanwhile is never lost. */
    private final AtomicBoolean fullRequested = new AtomicBoolean(true);
    private volatile boolean retired;
    private volatile ReconcileReport lastReport;
    // Only touched on the executor thread:
    private int consecutiveFailures;
    private int deferrals;
    private int lastPeers;
    /** The distinct VTEPs of the last pass's peers; null when that pass could not read the store or the kernel. */
    private Set<IpAddress> lastPeerVteps;
    private Optional<String> frozen = Optional.empty();
    /** Hosts of the network at the last BUM cost warning; 0 while below {@code --bum-warn-hosts}. */
    private int bumWarnedHosts;
    /**
     * {@link System#nanoTime()} when the pass last began to read this network's endpoint records from the
     * store: a pass uses the watch's listing only if that was asked for later ({@link WatchedEndpoints}). A
     * write that lands during that read, after the listing was asked for, can be in the read and not in the
     * listing; the watch's next answer holds it, and triggers a pass.
     */
    private long storeReadAt = System.nanoTime();
    /** Endpoint ID → MAC of this host's endpoint records, as the pass last read them. */
    private Map<String, MacAddress> localMacs = Map.of();

    NetworkReconciler(String networkId, NetlinkHandle handle, OverlayStore store, VxlanConfig config, Reconcilers owner) {
        this.networkId = networkId;
        this.handle = handle;
        this.store = store;
        this.config = config;
        this.owner = owner;
        this.applier = new Applier(handle);
        this.executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jo-reconcile-" + ReconcileReport.shortId(networkId));
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
    public Optional<ReconcileReport> lastReport() {
        return Optional.ofNullable(lastReport);
    }

    /** True once the reconciler has retired (or was shut down): it takes no more work. */
    public boolean retired() {
        return retired;
    }

    /**
     * Marks the network dirty. Never blocks; coalesces with an already queued pass.
     *
     * @return false when this reconciler has retired (the caller asks {@link Reconcilers} for a new one)
     */
    public boolean trigger() {
        if (queued.compareAndSet(false, true)) {
            try {
                submit(() -> {
                    queued.set(false);
                    if (deferrals < MAX_DEFERRALS && !executor.getQueue().isEmpty()) {
                        deferrals++; // a request is waiting: let it go first, then pass
                        trigger();
                        return null;
                    }
                    deferrals = 0;
                    passAndSchedule(false);
                    return null;
                });
            } catch (RejectedExecutionException closed) {
                queued.set(false);
                return false;
            }
        }
        return !retired;
    }

    /** Marks the network dirty for a full pass (also reads the vxlan port's settings). */
    public boolean triggerFull() {
        fullRequested.set(true);
        return trigger();
    }

    /** Runs a full pass on the network's executor now and waits for it. */
    public ReconcileReport reconcileNow(Duration timeout) {
        fullRequested.set(true);
        return exclusive("reconcile network " + networkId, timeout, this::passAndSchedule);
    }

    /**
     * Runs {@code work} on the network's executor (after whatever runs now) and waits.
     *
     * @throws OverlayException UNAVAILABLE on timeout; the work's own OverlayException as is
     * @throws RejectedExecutionException when this reconciler has retired (see {@link Reconcilers#exclusive})
     */
    public <T> T exclusive(String what, Duration timeout, Callable<T> work) {
        Future<T> f = submit(work);
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

    private <T> Future<T> submit(Callable<T> work) {
        synchronized (lock) {
            if (retired) {
                throw new RejectedExecutionException("reconciler of network " + networkId + " has retired");
            }
            // Counted from submission to the end of the work: between two tasks the executor shows neither
            // an active thread nor a queued task for a moment, and busy() must not say "idle" then.
            inFlight.incrementAndGet();
            try {
                return executor.submit(() -> {
                    try {
                        return work.call();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet();
                throw e;
            }
        }
    }

    /**
     * Runs one pass on the calling thread, reading the network's records from the store. Call it only
     * from work given to {@link #exclusive} (it relies on the executor being the single writer).
     * Schedules a retry when it did not converge; retires the reconciler when nothing of the network is
     * left in the kernel.
     */
    public ReconcileReport passAndSchedule() {
        return passAndSchedule(true);
    }

    /**
     * One pass; {@code fromStore} false lets a pass that is not full take the endpoint records from the
     * endpoints watch's last listing ({@link WatchedEndpoints}) instead of listing them again.
     */
    private ReconcileReport passAndSchedule(boolean fromStore) {
        long t0 = System.nanoTime();
        boolean full = fullRequested.getAndSet(false);
        lastPeers = 0;
        lastPeerVteps = null;
        ReconcileReport report = pass(full, fromStore || full);
        lastReport = report;
        if (lastPeerVteps != null) {
            owner.notePeerVteps(networkId, lastPeerVteps);
        }
        owner.passFinished(report, Duration.ofNanos(System.nanoTime() - t0), lastPeers);
        boolean busy = !report.planned().isEmpty() || !report.converged();
        LOG.log(busy && report.frozen().isEmpty() ? Level.INFO : Level.DEBUG, report.summary());
        if (report.converged()) {
            consecutiveFailures = 0;
            if (!owner.links().hasState(networkId) && executor.getQueue().isEmpty()) {
                retire();
            }
        } else {
            consecutiveFailures++;
            long delay = Math.min(MAX_BACKOFF.toMillis(),
                    MIN_BACKOFF.toMillis() << Math.min(consecutiveFailures - 1, 10));
            if (retryScheduled.compareAndSet(false, true)) {
                try {
                    owner.scheduler().schedule(() -> {
                        retryScheduled.set(false);
                        owner.trigger(networkId);
                    }, delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shuttingDown) {
                    retryScheduled.set(false);
                }
            }
        }
        return report;
    }

    private ReconcileReport pass(boolean full, boolean fromStore) {
        Optional<DesiredNetwork> desired;
        ActualNetwork actual;
        try {
            desired = desiredForPass(fromStore);
            actual = actual(desired, full);
        } catch (NetlinkException | RuntimeException e) {
            // Store or kernel unreadable: keep whatever is programmed (never tear down on an outage).
            return new ReconcileReport(networkId, List.of(), new Applier.Result(List.of()),
                    Optional.of(Applier.describe(e)));
        }
        // Peers count only where this host has a port: without one nothing is sent to them.
        Optional<DesiredNetwork> sending = desired.filter(d -> !actual.ports(networkId).isEmpty());
        lastPeers = sending.map(d -> d.peers().size()).orElse(0);
        lastPeerVteps = sending.map(DesiredNetwork::peerVteps).orElse(Set.of());
        Optional<String> freeze = Planner.freezeReason(networkId, desired, actual);
        noteFreeze(freeze, actual);
        noteBumCost(desired, actual);
        List<Action> plan = Planner.plan(networkId, desired, actual);
        Applier.Result result = applier.apply(plan);
        for (Applier.Outcome o : result.outcomes()) {
            if (o.error().isEmpty() && o.action() instanceof Action.DeleteLink del && del.index() > 0) {
                owner.links().remove(del.index()); // before its event arrives: the next pass knows it is gone
            }
        }
        if (freeze.isEmpty() && desired.isPresent()) {
            Set<Integer> deleted = new java.util.HashSet<>();
            for (Applier.Outcome o : result.outcomes()) {
                if (o.error().isEmpty() && o.action() instanceof Action.DeleteLink del) {
                    deleted.add(del.index());
                }
            }
            syncFastPath(desired.get(), actual, deleted, full);
        }
        return new ReconcileReport(networkId, plan, result, Optional.empty(), freeze);
    }

    /**
     * One WARN each time a network with BUM replication that has a port here reaches a new size at or
     * above {@code --bum-warn-hosts}: every broadcast or multicast frame sent here goes out once per
     * other host of the network.
     */
    private void noteBumCost(Optional<DesiredNetwork> desired, ActualNetwork actual) {
        int hosts = desired.filter(d -> d.replicateBum() && !actual.ports(networkId).isEmpty())
                .map(d -> d.floodVteps().size() + 1).orElse(0);
        int warn = config.bumLimits().warnHosts();
        if (hosts < warn) {
            bumWarnedHosts = 0;
        } else if (hosts != bumWarnedHosts) {
            bumWarnedHosts = hosts;
            LOG.log(Level.WARNING, "network " + networkId + " spans " + hosts + " hosts with javaoverlay.bum=replicate:"
                    + " each broadcast or multicast frame a container on " + config.hostId() + " sends is sent "
                    + (hosts - 1) + " times over the underlay (head-end replication), and every host receives every"
                    + " such frame of every other host. Warned from --bum-warn-hosts " + warn + "; Join is refused"
                    + " beyond --bum-max-hosts " + config.bumLimits().maxHosts() + ". Use a network without the option"
                    + " for containers that need no broadcast or multicast.");
        }
    }

    /** One loud ERROR when the network freezes, one line when it thaws. */
    private void noteFreeze(Optional<String> freeze, ActualNetwork actual) {
        if (freeze.isPresent() && frozen.isEmpty()) {
            List<String> ports = actual.ports(networkId).stream().map(Link::name).sorted().limit(5).toList();
            LOG.log(Level.ERROR, "network " + networkId + ": " + freeze.get() + " (" + String.join(", ", ports)
                    + "), reading the store " + store.describe() + ". Leaving its bridge, VXLAN device, forwarding"
                    + " entries and container interfaces exactly as they are, so running containers keep working,"
                    + " until the store has the network again. If the store's data was lost, restore it (for Consul:"
                    + " consul kv import of a backup); if this daemon reads the wrong store or prefix, restart it"
                    + " with the right --store.");
        } else if (freeze.isEmpty() && frozen.isPresent()) {
            LOG.log(Level.INFO, "network " + networkId + ": the store " + store.describe() + " has its records again;"
                    + " converging");
        }
        frozen = freeze;
    }

    /**
     * The tc redirects around the bridge ({@link FastPath}), from the network's ports (those of the
     * pass's kernel read: a pass never adds a port) and the MACs of this host's endpoint records.
     */
    private void syncFastPath(DesiredNetwork d, ActualNetwork actual, Set<Integer> deletedByThePass, boolean full) {
        List<FastPath.Port> ports = new java.util.ArrayList<>();
        for (Link l : actual.ports(networkId)) {
            if (deletedByThePass.contains(l.index())) {
                continue;
            }
            MacAddress mac = DeviceNames.parseAlias(l.attrs().alias()).flatMap(DeviceNames.Owner::endpointId)
                    .map(localMacs::get).orElse(null);
            ports.add(new FastPath.Port(l.index(), mac));
        }
        Set<MacAddress> remote = new java.util.HashSet<>();
        d.peers().forEach(p -> remote.add(p.mac()));
        // A MAC that is local here is never sent into the tunnel. One remove per local MAC: removeAll with
        // the map's values view would call containsValue (a scan) per remote MAC, N x M per pass.
        for (MacAddress m : localMacs.values()) {
            remote.remove(m);
        }
        // The pass's own read, unless the plan replaced or created the device.
        Optional<Link> vx = actual.link(d.vxlanName()).filter(l -> !deletedByThePass.contains(l.index()));
        if (vx.isEmpty() && !ports.isEmpty()) {
            try {
                vx = handle.findLinkByName(d.vxlanName());
            } catch (NetlinkException e) {
                return; // the next pass looks again; the filters stay as they are
            }
        }
        owner.fastPath().sync(networkId, d.vni(), vx, ports, remote, full);
    }

    /**
     * The store's wishes for this network (empty: no network record), read from the store. Changes nothing
     * here: for a look from outside the pass ({@link DriftCheck}).
     */
    Optional<DesiredNetwork> desired() {
        Optional<NetworkRecord> net = store.findNetwork(networkId);
        return net.isEmpty() ? Optional.empty() : derive(net.get(), store.endpoints(networkId));
    }

    /**
     * The pass's read of the desired state: the network record from the store, and its endpoint records
     * from the store or, unless {@code fromStore}, from the endpoints watch when it has them
     * ({@link WatchedEndpoints#of}). Notes the VNI, this host's endpoint MACs and when the store was read.
     */
    private Optional<DesiredNetwork> desiredForPass(boolean fromStore) {
        Optional<NetworkRecord> net = store.findNetwork(networkId);
        if (net.isEmpty()) {
            return Optional.empty();
        }
        owner.vniSeen(net.get().vni(), networkId);
        Optional<List<EndpointRecord>> watched = fromStore ? Optional.empty()
                : owner.watchedEndpoints(networkId, storeReadAt);
        List<EndpointRecord> endpoints = watched.orElseGet(() -> {
            storeReadAt = System.nanoTime(); // a listing asked for before now may be older than this read
            return store.endpoints(networkId);
        });
        Map<String, MacAddress> mine = new java.util.HashMap<>();
        for (EndpointRecord e : endpoints) {
            if (e.hostId().equals(config.hostId())) {
                mine.put(e.endpointId(), e.mac());
            }
        }
        localMacs = mine;
        return derive(net.get(), endpoints);
    }

    private Optional<DesiredNetwork> derive(NetworkRecord net, List<EndpointRecord> endpoints) {
        return DesiredNetwork.derive(Optional.of(net), endpoints, config.hostId(), config.vtep(), config.port(),
                config.underlay().deviceIndex(), containerMtu(net, config), owner.withdrawn());
    }

    /**
     * The container MTU on this host: the network's MTU, capped to what this host's underlay carries
     * (Join refuses a network this host cannot carry; the cap only keeps ports that predate the record's
     * MTU working); this host's maximum for a record of the previous release, which has none.
     */
    public static int containerMtu(NetworkRecord net, VxlanConfig config) {
        int max = config.maxContainerMtu();
        return Math.min(net.storedMtu().orElse(max), max);
    }

    /**
     * What the kernel holds for this network: its devices and ports from the {@link LinkIndex}, the
     * bridge and vxlan device read by name, the vxlan device's FDB (its own entries and the bridge's on
     * that port) and neighbours, and on a full pass the vxlan port's learning switch.
     */
    ActualNetwork actual(Optional<DesiredNetwork> desired, boolean full) throws NetlinkException {
        Map<String, Link> links = new LinkedHashMap<>();
        for (Link l : owner.links().ofNetwork(networkId)) {
            links.put(l.name(), l);
        }
        if (desired.isEmpty()) {
            return new ActualNetwork(List.copyOf(links.values()), List.of(), List.of());
        }
        DesiredNetwork d = desired.get();
        Optional<Link> vx = Optional.empty();
        for (String name : List.of(d.bridgeName(), d.vxlanName())) {
            Optional<Link> now = handle.findLinkByName(name);
            links.remove(name);
            if (now.isPresent()) {
                links.put(name, now.get());
                owner.links().put(now.get());
            }
            if (name.equals(d.vxlanName())) {
                vx = now;
            }
        }
        List<FdbEntry> fdb = List.of();
        List<Neighbor> neigh = List.of();
        Optional<Boolean> learning = Optional.empty();
        Optional<Boolean> unicastFlood = Optional.empty();
        if (vx.isPresent() && vx.get() instanceof Vxlan) {
            int idx = vx.get().index();
            fdb = handle.fdbList(idx);
            neigh = handle.neighList(idx, Family.ALL);
            if (full && vx.get().attrs().masterIndex() > 0) {
                try {
                    BridgePortSettings port = handle.bridgePortByIndex(idx).settings();
                    learning = port.learning();
                    unicastFlood = port.unicastFlood();
                } catch (NotFoundException | UnsupportedOperationException notAPort) {
                    // released meanwhile: the planner enslaves it again, and then turns learning off
                }
            }
        }
        return new ActualNetwork(List.copyOf(links.values()), fdb, neigh, learning, unicastFlood);
    }

    /** True while a pass or a call runs on the network's executor, or one is queued. */
    public boolean busy() {
        return inFlight.get() > 0;
    }

    /** Ends the executor once the queue is empty: no more work is accepted. */
    private void retire() {
        synchronized (lock) {
            if (!executor.getQueue().isEmpty()) {
                return;
            }
            retired = true;
            executor.shutdown();
        }
        owner.retired(this);
    }

    /** Stops the executor; a running pass finishes. */
    void shutdown() {
        synchronized (lock) {
            retired = true;
            executor.shutdownNow();
        }
    }
}
