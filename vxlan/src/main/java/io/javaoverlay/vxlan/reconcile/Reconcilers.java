package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Owns one {@link NetworkReconciler} per network and feeds them triggers: store watches on
 * {@code networks/} and {@code endpoints/}, link events on owned devices, a periodic resync and
 * start-up. Also runs the start-up garbage collection.
 */
public final class Reconcilers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconcilers.class.getName());

    private final NetlinkHandle handle;
    private final OverlayStore store;
    private final VxlanConfig config;
    private final ScheduledExecutorService scheduler;
    private final Map<String, NetworkReconciler> byNetwork = new ConcurrentHashMap<>();
    private final Map<Integer, String> vniToNetwork = new ConcurrentHashMap<>();
    private final List<StoreWatcher> watchers;
    private volatile LinkSubscription subscription;
    private final java.util.List<PassListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final PassListener fanOut = (report, duration, peers) ->
            listeners.forEach(l -> l.passFinished(report, duration, peers));

    public Reconcilers(NetlinkHandle handle, OverlayStore store, VxlanConfig config) {
        this.handle = handle;
        this.store = store;
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-reconcile-timer");
            t.setDaemon(true);
            return t;
        });
        this.watchers = List.of(
                new StoreWatcher(store.kv(), NetworkKeys.NETWORKS, config.watchWait(), this::triggerAll,
                        this::learnVnis),
                new StoreWatcher(store.kv(), NetworkKeys.ENDPOINTS, config.watchWait(), this::triggerAll,
                        entries -> { }));
    }

    /** Garbage-collects, subscribes to link events, starts the watches and the periodic resync. */
    public void start() {
        try {
            int moved = store.refreshVteps(config.hostId(), config.vtep());
            if (moved > 0) {
                LOG.log(Level.INFO, moved + " endpoint records of this host now point at VTEP "
                        + config.vtep().getHostAddress());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not refresh this host's VTEP in endpoint records: " + e.getMessage());
        }
        try {
            Applier.Result gc = collectGarbage();
            if (!gc.outcomes().isEmpty()) {
                LOG.log(Level.INFO, "start-up garbage collection: " + gc.applied() + " devices removed, "
                        + gc.failures().size() + " failed " + gc.failures());
            }
        } catch (RuntimeException | NetlinkException e) {
            // The store may be down at boot; the per-network passes converge later anyway.
            LOG.log(Level.WARNING, "start-up garbage collection skipped: " + Applier.describe(e));
        }
        try {
            subscription = handle.subscribeLinks(this::onLinkEvent);
        } catch (NetlinkException | RuntimeException e) {
            LOG.log(Level.WARNING, "no link-event subscription (" + Applier.describe(e)
                    + "); relying on the periodic resync");
        }
        watchers.forEach(StoreWatcher::start);
        long period = config.resyncInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::resyncAll, period, period, TimeUnit.MILLISECONDS);
        resyncAll();
    }

    /** The reconciler of {@code networkId}, created on first use. */
    public NetworkReconciler of(String networkId) {
        return byNetwork.computeIfAbsent(networkId, nid ->
                new NetworkReconciler(nid, handle, store, config, scheduler, vniToNetwork::put, fanOut));
    }

    /** Adds a listener told about every finished pass of every network (metrics). */
    public void addPassListener(PassListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** The reconcilers that exist now (read-only view, for status output); never creates one. */
    public java.util.Collection<NetworkReconciler> existing() {
        return java.util.List.copyOf(byNetwork.values());
    }

    /**
     * Deletes owned devices of networks that no longer exist and host ends whose endpoint is gone
     * from this host. Devices of live networks are left to their reconciler.
     */
    public Applier.Result collectGarbage() throws NetlinkException {
        Set<String> networks = new HashSet<>();
        Map<String, Set<String>> local = new HashMap<>();
        for (NetworkRecord n : store.networks()) {
            networks.add(n.networkId());
            Set<String> eids = new HashSet<>();
            for (EndpointRecord e : store.endpoints(n.networkId())) {
                if (e.hostId().equals(config.hostId())) {
                    eids.add(e.endpointId());
                }
            }
            local.put(n.networkId(), eids);
        }
        Map<Integer, String> vnis = store.vniTable();
        vniToNetwork.putAll(vnis);
        List<Action> plan = GarbageCollector.plan(handle.linkList(), networks, local, vnis);
        return new Applier(handle).apply(plan);
    }

    /** Triggers every network known from the store, from owned devices and from earlier passes. */
    public void resyncAll() {
        Set<String> nids = new HashSet<>(byNetwork.keySet());
        try {
            store.networks().forEach(n -> {
                nids.add(n.networkId());
                vniToNetwork.put(n.vni(), n.networkId());
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "resync: store unreadable (" + e.getMessage() + ")");
        }
        try {
            for (Link l : handle.linkList()) {
                DeviceNames.parseAlias(l.attrs().alias()).map(DeviceNames.Owner::networkId)
                        .filter(NetworkKeys::isValidId).ifPresent(nids::add);
            }
        } catch (NetlinkException | RuntimeException e) {
            LOG.log(Level.DEBUG, "resync: link dump failed (" + Applier.describe(e) + ")");
        }
        triggerAll(nids);
    }

    private void triggerAll(Set<String> networkIds) {
        networkIds.forEach(nid -> of(nid).trigger());
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
        if (ev instanceof LinkEvent.Overflow) {
            resyncAll();
            return;
        }
        Link l = ev instanceof LinkEvent.Changed c ? c.link() : ((LinkEvent.Deleted) ev).link();
        Optional<String> nid = DeviceNames.parseAlias(l.attrs().alias()).map(DeviceNames.Owner::networkId)
                .or(() -> DeviceNames.vniOf(l.name()).map(vniToNetwork::get))
                .filter(NetworkKeys::isValidId);
        nid.ifPresent(n -> of(n).trigger());
    }

    @Override
    /** Stops watches, the link subscription, timers and every network executor. */
    public void close() {
        watchers.forEach(StoreWatcher::stop);
        LinkSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        byNetwork.values().forEach(NetworkReconciler::shutdown);
        scheduler.shutdownNow();
    }
}
