package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Owns one {@link NetworkReconciler} per network with state on this host and feeds them triggers:
 * store watches on {@code networks/} and {@code endpoints/}, link events of owned devices, the
 * withdrawn-host set, a periodic resync and start-up. Work is bounded by what this host runs: store
 * changes and the resync trigger only networks that have a device or port here (or a reconciler
 * busy with one), and a reconciler whose network left nothing in the kernel retires. Also keeps the
 * {@link LinkIndex} and runs the start-up garbage collection.
 */
public final class Reconcilers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconcilers.class.getName());
    /** How long {@link #triggerSoon} lets a burst of this host's own device changes settle. */
    static final Duration SETTLE = Duration.ofMillis(100);

    private final NetlinkHandle handle;
    private final OverlayStore store;
    private final VxlanConfig config;
    private final ScheduledExecutorService scheduler;
    private final LinkIndex links;
    /** The tc redirects around the bridge, for every network. */
    private final FastPath fastPath;
    private final Map<String, NetworkReconciler> byNetwork = new ConcurrentHashMap<>();
    private final Map<Integer, String> vniToNetwork = new ConcurrentHashMap<>();
    /** Networks with a {@link #triggerSoon} pending. */
    private final Set<String> settling = ConcurrentHashMap.newKeySet();
    private final List<StoreWatcher> watchers;
    private final WatchedEndpoints watchedEndpoints;
    private final List<PassListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Set<IpAddress>>> peerVtepListeners = new CopyOnWriteArrayList<>();
    /** Per network with a local port, the VTEPs of its peers; guards {@link #peerVtepUnion}. */
    private final Map<String, Set<IpAddress>> peerVtepsByNetwork = new HashMap<>();
    private Set<IpAddress> peerVtepUnion = Set.of();
    /** What the listeners heard last; only the timer thread touches it. */
    private Set<IpAddress> peerVtepsDelivered = Set.of();
    private volatile Set<String> withdrawn = Set.of();
    private volatile LinkSubscription subscription;
    private volatile boolean closed;

    public Reconcilers(NetlinkHandle handle, OverlayStore store, VxlanConfig config) {
        this.handle = handle;
        this.store = store;
        this.config = config;
        this.links = new LinkIndex(handle);
        this.fastPath = new FastPath(handle, config.fastPath());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-reconcile-timer");
            t.setDaemon(true);
            return t;
        });
        this.watchedEndpoints = new WatchedEndpoints(store::endpointsFrom,
                nid -> byNetwork.containsKey(nid) || links.hasState(nid));
        this.watchers = List.of(
                new StoreWatcher(store.kv(), NetworkKeys.NETWORKS, config.watchWait(), this::onStoreChange,
                        (entries, askedAt) -> learnVnis(entries), () -> { }, e -> false),
                new StoreWatcher(store.kv(), NetworkKeys.ENDPOINTS, config.watchWait(), this::onStoreChange,
                        watchedEndpoints::update, watchedEndpoints::lost, this::ownEndpoint));
    }

    /** Subscribes to link events, garbage-collects, starts the watches, the periodic resync and a first pass. */
    public void start() {
        try {
            int moved = store.refreshVteps(config.hostId(), config.vtep());
            if (moved > 0) {
                LOG.log(Level.INFO, moved + " endpoint records of this host now point at VTEP " + config.vtep());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not refresh this host's VTEP in endpoint records: " + e.getMessage());
        }
        try {
            subscription = handle.subscribeLinks(this::onLinkEvent);
            links.setLive(true);
        } catch (NetlinkException | RuntimeException e) {
            LOG.log(Level.WARNING, "no link-event subscription (" + Applier.describe(e)
                    + "); every pass dumps the links, and the periodic resync catches outside changes");
        }
        try {
            Applier.Result gc = collectGarbage();
            if (!gc.outcomes().isEmpty()) {
                LOG.log(Level.INFO, "start-up garbage collection: " + gc.applied() + " devices removed, "
                        + gc.failures().size() + " failed " + gc.failures());
            }
        } catch (RuntimeException | NetlinkException e) {
            LOG.log(Level.WARNING, "start-up garbage collection skipped: " + Applier.describe(e));
        }
        watchers.forEach(StoreWatcher::start);
        long period = config.resyncInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::resyncAll, period, period, TimeUnit.MILLISECONDS);
        resyncAll();
    }

    /** The reconciler of {@code networkId}, created on first use (or after the previous one retired). */
    public NetworkReconciler of(String networkId) {
        return byNetwork.compute(networkId, (nid, r) -> r != null && !r.retired() ? r
                : new NetworkReconciler(nid, handle, store, config, this));
    }

    /** Marks {@code networkId} dirty. */
    public void trigger(String networkId) {
        if (closed) {
            return;
        }
        NetworkReconciler r = of(networkId);
        if (!r.trigger()) {
            byNetwork.remove(networkId, r);
            of(networkId).trigger();
        }
    }

    /**
     * Marks {@code networkId} dirty in {@link #SETTLE} from now, once for every call until then: for the
     * changes this host makes in a burst (a Join's veth pair and Docker moving its container end, a
     * container's removal), so that one pass follows the burst instead of one per link event, and it runs
     * after the burst rather than next to Docker starting the container.
     */
    public void triggerSoon(String networkId) {
        if (closed || !settling.add(networkId)) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                settling.remove(networkId);
                trigger(networkId);
            }, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            settling.remove(networkId);
        }
    }

    /**
     * True while {@code networkId} has work in flight: a {@link #triggerSoon} pending, or a pass or call
     * running or queued on its executor. A drift seen meanwhile may be what that work is about to mend.
     */
    public boolean busy(String networkId) {
        if (settling.contains(networkId)) {
            return true;
        }
        NetworkReconciler r = byNetwork.get(networkId);
        return r != null && r.busy();
    }

    /** Marks {@code networkId} dirty for a full pass (the periodic resync's kind). */
    public void triggerFull(String networkId) {
        if (closed) {
            return;
        }
        NetworkReconciler r = of(networkId);
        if (!r.triggerFull()) {
            byNetwork.remove(networkId, r);
            of(networkId).triggerFull();
        }
    }

    /**
     * Runs {@code work} on the network's executor and waits (see {@link NetworkReconciler#exclusive});
     * a reconciler that retired in between is replaced by a new one.
     */
    public <T> T exclusive(String networkId, String what, Duration timeout, Callable<T> work) {
        while (true) {
            NetworkReconciler r = of(networkId);
            try {
                return r.exclusive(what, timeout, work);
            } catch (RejectedExecutionException retiredMeanwhile) {
                if (closed) {
                    throw new io.javaoverlay.types.OverlayException(io.javaoverlay.types.OverlayException.Kind.UNAVAILABLE,
                            what + ": the driver is shutting down");
                }
                byNetwork.remove(networkId, r);
            }
        }
    }

    /**
     * Adds a listener told the VTEPs this host's data plane sends to (the peers of every network with a
     * local port here) whenever that set changes, right after the pass that changed it, so that the VXLAN
     * ingress filter can admit a host as soon as this host programs its first endpoint, before the
     * membership has read its heartbeat. Called on the timer thread, one call at a time.
     */
    public void addPeerVtepListener(Consumer<Set<IpAddress>> listener) {
        peerVtepListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The VTEPs this host's data plane sends to now (see {@link #addPeerVtepListener}). */
    public Set<IpAddress> peerVteps() {
        synchronized (peerVtepsByNetwork) {
            return peerVtepUnion;
        }
    }

    /** Adds a listener told about every finished pass of every network (metrics, status). */
    public void addPassListener(PassListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The reconcilers that exist now (read-only view, for status output); never creates one. */
    public Collection<NetworkReconciler> existing() {
        return List.copyOf(byNetwork.values());
    }

    /** The last report of every existing reconciler that has finished a pass, by network ID. */
    public Map<String, ReconcileReport> lastReports() {
        Map<String, ReconcileReport> out = new TreeMap<>();
        byNetwork.forEach((nid, r) -> r.lastReport().ifPresent(rep -> out.put(nid, rep)));
        return out;
    }

    /** The index of this host's javaoverlay devices. */
    public FastPath fastPath() {
        return fastPath;
    }

    /** The index of this host's links, fed by link events. */
    public LinkIndex links() {
        return links;
    }

    /** Hosts whose peers are withdrawn; every network with state here converges at once. */
    public void setWithdrawnHosts(Set<String> hostIds) {
        Set<String> next = Set.copyOf(hostIds);
        if (next.equals(withdrawn)) {
            return;
        }
        LOG.log(Level.INFO, "peers of " + (next.isEmpty() ? "no host" : "hosts " + new java.util.TreeSet<>(next))
                + " are withdrawn");
        withdrawn = next;
        triggerLive(false);
    }

    /** The withdrawn hosts now. */
    public Set<String> withdrawn() {
        return withdrawn;
    }

    /**
     * Removes what a previous life left behind, on the kernel's evidence alone (never because the store
     * lacks something): host ends of unfinished Joins (no alias yet), and bridges and vxlan devices of
     * networks that have no local port. Host ends with an alias stay: they go only by DeleteEndpoint.
     */
    public Applier.Result collectGarbage() throws NetlinkException {
        links.refresh();
        return new Applier(handle).apply(GarbageCollector.plan(links.all()));
    }

    /** Re-reads every link and triggers a full pass of every network with state here. */
    public void resyncAll() {
        if (closed) {
            return;
        }
        try {
            links.refresh();
        } catch (NetlinkException | RuntimeException e) {
            LOG.log(Level.DEBUG, "resync: link dump failed (" + Applier.describe(e) + ")");
        }
        triggerLive(true);
    }

    private void triggerLive(boolean full) {
        Set<String> nids = new HashSet<>(byNetwork.keySet());
        try {
            nids.addAll(links.networks());
        } catch (NetlinkException | RuntimeException e) {
            LOG.log(Level.DEBUG, "resync: link dump failed (" + Applier.describe(e) + ")");
        }
        nids.removeIf(n -> !NetworkKeys.isValidId(n));
        for (String nid : nids) {
            if (full) {
                triggerFull(nid);
            } else {
                trigger(nid);
            }
        }
    }

    /**
     * Store changes matter only to networks this host has something of. A change of this host's own
     * endpoint records alone (its CreateEndpoint, DeleteEndpoint, a VTEP refresh) is one this host made:
     * the call that made it asked for its pass, so it only joins that pass ({@link #triggerSoon}) instead
     * of running one next to Docker's Join. Any other host's change is passed on at once.
     */
    private void onStoreChange(StoreWatcher.Changes changes) {
        for (String nid : changes.networks()) {
            if (byNetwork.containsKey(nid) || links.hasState(nid)) {
                if (changes.ownOnly().contains(nid)) {
                    triggerSoon(nid);
                } else {
                    trigger(nid);
                }
            }
        }
    }

    /** True when {@code e} is an endpoint record of this host (an unreadable one is not). */
    private boolean ownEndpoint(KvEntry e) {
        try {
            return config.hostId().equals(NetworkKeys.decode(e.key(), e.value(), EndpointRecord.class).hostId());
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    private void learnVnis(List<KvEntry> networkEntries) {
        for (KvEntry e : networkEntries) {
            try {
                NetworkRecord r = NetworkKeys.decode(e.key(), e.value(), NetworkRecord.class);
                vniToNetwork.put(r.vni(), r.networkId());
            } catch (IllegalArgumentException corrupt) {
                LOG.log(Level.WARNING, corrupt.getMessage());
            }
        }
    }

    private void onLinkEvent(LinkEvent ev) {
        links.onEvent(ev);
        if (ev instanceof LinkEvent.Overflow) {
            try {
                scheduler.execute(this::resyncAll); // not on the event thread: it dumps
            } catch (RejectedExecutionException shuttingDown) {
                // closing
            }
            return;
        }
        Link l = ev instanceof LinkEvent.Changed c ? c.link() : ((LinkEvent.Deleted) ev).link();
        Optional<String> nid = DeviceNames.parseAlias(l.attrs().alias()).map(DeviceNames.Owner::networkId)
                .or(() -> DeviceNames.vniOf(l.name()).map(vniToNetwork::get))
                .filter(NetworkKeys::isValidId);
        nid.filter(n -> byNetwork.containsKey(n) || links.hasState(n)).ifPresent(this::triggerSoon);
    }

    // ---- for the reconcilers ------------------------------------------------------------------

    void vniSeen(int vni, String networkId) {
        vniToNetwork.put(vni, networkId);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * The endpoint records of {@code networkId} as the watch last read them, if that read was asked for
     * after {@code notBeforeNanos}; see {@link WatchedEndpoints#of}.
     */
    Optional<List<EndpointRecord>> watchedEndpoints(String networkId, long notBeforeNanos) {
        return watchedEndpoints.of(networkId, notBeforeNanos);
    }

    void retired(NetworkReconciler r) {
        byNetwork.remove(r.networkId(), r);
        notePeerVteps(r.networkId(), Set.of());
    }

    /**
     * The VTEPs network {@code networkId}'s last pass sends to. When the union over all networks changed,
     * the listeners hear it on the timer thread, so a slow listener (the firewall runs {@code nft}) never
     * holds up a pass; that one thread always delivers the newest union, so they never hear an older one
     * last.
     */
    void notePeerVteps(String networkId, Set<IpAddress> vteps) {
        synchronized (peerVtepsByNetwork) {
            if (vteps.isEmpty()) {
                peerVtepsByNetwork.remove(networkId);
            } else {
                peerVtepsByNetwork.put(networkId, Set.copyOf(vteps));
            }
            Set<IpAddress> union = new HashSet<>();
            peerVtepsByNetwork.values().forEach(union::addAll);
            if (union.equals(peerVtepUnion)) {
                return;
            }
            peerVtepUnion = Set.copyOf(union);
        }
        try {
            scheduler.execute(this::deliverPeerVteps);
        } catch (RejectedExecutionException shuttingDown) {
            // closed
        }
    }

    private void deliverPeerVteps() {
        Set<IpAddress> now = peerVteps();
        if (now.equals(peerVtepsDelivered)) {
            return;
        }
        peerVtepsDelivered = now;
        for (Consumer<Set<IpAddress>> l : peerVtepListeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "peer VTEP listener failed: " + e);
            }
        }
    }

    void passFinished(ReconcileReport report, Duration duration, int peers) {
        for (PassListener l : listeners) {
            try {
                l.passFinished(report, duration, peers);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pass listener failed: " + e);
            }
        }
    }

    /** Stops watches, the link subscription, timers and every network executor. */
    @Override
    public void close() {
        closed = true;
        watchers.forEach(StoreWatcher::stop);
        LinkSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        byNetwork.values().forEach(NetworkReconciler::shutdown);
        scheduler.shutdownNow();
    }
}
