package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.reconcile.DeviceNames;
import io.javaoverlay.vxlan.reconcile.PassListener;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import io.javaoverlay.vxlan.reconcile.Reconcilers;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@link NetworkService} on rtnetlink and the kvstore. Requests read what they need in one
 * transaction and write once; kernel work runs on the network's single executor ({@link Reconcilers});
 * Join creates only what is missing (looked up by name) and leaves the peers to an asynchronous pass,
 * except for the network's first container on this host, whose Join programs them before it returns.
 * The handle and store belong to the caller and are not closed by {@link #close()}.
 */
public final class VxlanNetworkService implements NetworkService {
    private static final System.Logger LOG = System.getLogger(VxlanNetworkService.class.getName());
    /** Bound on waiting for a network's executor; well under Docker's patience (E25). */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final NetlinkHandle handle;
    private final OverlayStore store;
    private final VxlanConfig config;
    private final Reconcilers reconcilers;
    private final DevicePlumber devices;
    private final Clock clock;

    public VxlanNetworkService(NetlinkHandle handle, KvStore store, VxlanConfig config) {
        this(handle, store, config, PassListener.NONE, Clock.systemUTC());
    }

    /**
     * @param listener told about every finished pass of every network (metrics), from the first one on
     * @param clock    the clock of {@link EndpointRecord#createdAt()}
     */
    public VxlanNetworkService(NetlinkHandle handle, KvStore store, VxlanConfig config, PassListener listener,
                               Clock clock) {
        this.handle = handle;
        this.store = new OverlayStore(store);
        this.config = config;
        this.clock = clock;
        this.reconcilers = new Reconcilers(handle, this.store, config);
        this.reconcilers.addPassListener(listener);
        this.devices = new DevicePlumber(handle, config);
    }

    /** The data-plane settings (underlay, MTU) this service runs with, for status output. */
    public VxlanConfig config() {
        return config;
    }

    /** The reconcilers (for tests and status output). */
    public Reconcilers reconcilers() {
        return reconcilers;
    }

    /** The records this service keeps. */
    public OverlayStore store() {
        return store;
    }

    @Override
    public void start() {
        reconcilers.start();
    }

    @Override
    public NetworkRecord createNetwork(NetworkSpec spec) {
        String cid = requireId(spec.networkId(), "network");
        NetworkOptions opts = NetworkOptions.parse(cid, spec.driverOptions());
        if (spec.ipv4().isEmpty() && spec.ipv6().isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + cid + " has no IPv4 or IPv6 pool");
        }
        if (!config.singleHost()) {
            spec.requireSharedIpam(config.ipamAddressSpaces());
        }
        opts.checkMtu(cid, config, spec.ipv6Enabled() || !spec.ipv6().isEmpty());
        Map<String, String> options = new TreeMap<>(spec.driverOptions());
        options.remove(NetworkOptions.CLUSTER_ID); // identity, not definition: the same on every host
        int mtu = opts.mtu().orElse(config.maxContainerMtu());
        NetworkRecord wanted = NetworkRecord.builder(cid).mtu(Optional.of(mtu)).ipv4(spec.ipv4()).ipv6(spec.ipv6())
                .options(options).ipv6Enabled(spec.ipv6Enabled()).internal(spec.internal()).createdBy(config.hostId())
                .build();
        NetworkRecord stored = store.claimNetwork(wanted, opts.vni(), config.vniMin(), config.vniMax(),
                opts.mtu().isEmpty());
        LOG.log(Level.INFO, "network " + cid + " has VNI " + stored.vni() + " and MTU " + stored.mtu());
        return stored;
    }

    @Override
    public EndpointGrant createEndpoint(String clusterId, String localNetworkId, EndpointSpec spec) {
        String cid = requireId(clusterId, "network");
        String eid = requireId(spec.endpointId(), "endpoint");
        if (spec.ipv4().isEmpty() && spec.ipv6().isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + " has no IP address");
        }
        if (spec.mac().isPresent() && !Macs.isUsable(spec.mac().get())) {
            throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + ": MAC " + spec.mac().get()
                    + " is not a unicast address");
        }
        // Two round trips: the network record, then the create, which finds a repeated request itself
        // (the same endpoint already stored is success; another one with this ID is CONFLICT).
        NetworkRecord net = store.findNetwork(cid).orElseThrow(() -> unknownNetwork(cid));
        spec.ipv4().ifPresent(a -> checkInPools(eid, a, net.ipv4(), "IPv4"));
        spec.ipv6().ifPresent(a -> checkInPools(eid, a, net.ipv6(), "IPv6"));
        checkBumHosts(cid, eid, net);
        MacAddress mac = spec.mac().orElseGet(() -> Macs.derive(spec.ipv4(), spec.ipv6()));
        EndpointRecord rec = EndpointRecord.of(cid, eid, config.hostId(), config.vtep(), mac, spec.ipv4(), spec.ipv6())
                .withOwner(localNetworkId, clock.millis());
        EndpointRecord stored = store.createEndpoint(rec);
        return grant(spec, stored.mac());
    }

    /**
     * The cost guard of {@code javaoverlay.bum=replicate}: the first endpoint of this host in such a
     * network may not make it span more than {@code --bum-max-hosts} hosts. A partial replication list
     * would lose frames silently; a refused container says why. (Two hosts joining at the same moment
     * can pass the limit by one: it bounds the cost, it is not an exact count.) An endpoint ID that
     * another host already stored is CONFLICT naming that host, as the create itself would answer,
     * not EXHAUSTED.
     */
    private void checkBumHosts(String cid, String eid, NetworkRecord net) {
        if (NetworkOptions.bumOf(net.options()) != NetworkOptions.Bum.REPLICATE) {
            return;
        }
        Set<String> hosts = new TreeSet<>();
        for (EndpointRecord e : store.endpoints(cid)) {
            if (e.endpointId().equals(eid) && !e.hostId().equals(config.hostId())) {
                throw new OverlayException(Kind.CONFLICT, "endpoint " + eid + " of network " + cid
                        + " already exists on another host (" + e.hostId() + ")");
            }
            hosts.add(e.hostId());
        }
        int max = config.bumLimits().maxHosts();
        if (hosts.contains(config.hostId()) || hosts.size() < max) {
            return;
        }
        throw new OverlayException(Kind.EXHAUSTED, "network " + cid + " already spans " + hosts.size()
                + " hosts with javaoverlay.bum=replicate, the most --bum-max-hosts allows (" + max + "); a container on "
                + config.hostId() + " would make every broadcast and multicast frame be copied " + hosts.size()
                + " times by its sender. Raise --bum-max-hosts on this host, or use a network without the option");
    }

    private static EndpointGrant grant(EndpointSpec spec, MacAddress mac) {
        // Docker refuses a MAC in the answer when it sent one (even the same one).
        return new EndpointGrant(spec.mac().isPresent() ? Optional.empty() : Optional.of(mac));
    }

    private static void checkInPools(String eid, IpPrefix addr, List<NetworkRecord.Pool> pools, String family) {
        if (pools.isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + ": " + family + " address " + addr
                    + " given, but the network has no " + family + " pool");
        }
        for (NetworkRecord.Pool p : pools) {
            if (p.pool().contains(addr.address())) {
                return;
            }
        }
        throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + ": address " + addr
                + " is outside the network's " + family + " pools " + pools.stream().map(NetworkRecord.Pool::pool).toList());
    }

    @Override
    public void deleteEndpoint(String clusterId, String endpointId) {
        String cid = requireId(clusterId, "network");
        String eid = requireId(endpointId, "endpoint");
        try {
            reconcilers.exclusive(cid, "delete endpoint " + eid, CALL_TIMEOUT, () -> {
                deleteHostEnd(cid, eid);
                return null;
            });
            store.deleteEndpoint(cid, eid);
        } finally {
            // With the last port gone, the pass removes the bridge and vxlan device; it follows Docker's
            // other steps of the container's removal (its own link events) as one pass.
            reconcilers.triggerSoon(cid);
        }
    }

    /** Deletes the endpoint's host end if it is there and ours (the container end goes with it). */
    private void deleteHostEnd(String cid, String eid) throws NetlinkException {
        Optional<Link> host = handle.findLinkByName(DeviceNames.hostEnd(eid));
        if (host.isEmpty()) {
            return; // the pair vanished with the container's namespace
        }
        Optional<String> alias = host.get().attrs().alias().filter(a -> !a.isEmpty());
        if (alias.isPresent() && !alias.get().equals(DeviceNames.endpointAlias(cid, eid))) {
            throw new OverlayException(Kind.CONFLICT, "endpoint " + eid + ": interface " + host.get().name()
                    + " belongs to something else (alias '" + alias.get() + "'); not deleting it");
        }
        try {
            handle.linkDel(host.get().index());
        } catch (NotFoundException gone) {
            // deleted in between
        }
        reconcilers.links().remove(host.get().index());
    }

    @Override
    public JoinResult join(String clusterId, String endpointId, String sandboxKey) {
        String cid = requireId(clusterId, "network");
        String eid = requireId(endpointId, "endpoint");
        OverlayStore.NetworkAndEndpoint read = store.read(cid, eid);
        NetworkRecord net = read.network().orElseThrow(() -> unknownNetwork(cid));
        EndpointRecord ep = read.endpoint().orElseThrow(() -> new OverlayException(Kind.NOT_FOUND,
                "endpoint " + eid + " of network " + cid + " is not known to javaoverlay"));
        if (!ep.hostId().equals(config.hostId())) {
            throw new OverlayException(Kind.CONFLICT, "endpoint " + eid + " was created on host " + ep.hostId()
                    + ", not on this host (" + config.hostId() + ")");
        }
        int mtu = devices.joinMtu(net);
        boolean[] programmed = {false};
        try {
            return reconcilers.exclusive(cid, "join endpoint " + eid, CALL_TIMEOUT, () -> {
                DevicePlumber.Devices devs = devices.ensure(net, mtu);
                Link hostEnd;
                try {
                    hostEnd = new VethPlumber(handle).ensure(cid, ep, mtu, devs.bridgeIndex());
                } catch (NetlinkException e) {
                    throw new OverlayException(Kind.UNAVAILABLE, "endpoint " + eid + ": cannot create its veth pair: "
                            + e.operation() + ": " + e.getMessage(), e);
                }
                reconcilers.links().put(hostEnd); // the pass that follows must see the port before its event
                if (!devs.vxlanCreated()) {
                    // Before Docker starts the container: its MAC must not be redirected into the tunnel
                    // (a remote endpoint that had its address may not be gone from here yet; FastPath).
                    try {
                        reconcilers.fastPath().addPort(cid, net.vni(), ep.mac());
                    } catch (NetlinkException | RuntimeException e) {
                        LOG.log(Level.WARNING, "endpoint " + eid + ": could not check the fast path for its MAC "
                                + ep.mac() + " (" + e.getMessage() + "); the next pass does");
                    }
                }
                if (devs.vxlanCreated()) {
                    // The first container of the network on this host: program the peers before Docker starts
                    // it, so that its first packet finds their FDB and neighbour entries (an ARP the VXLAN
                    // proxy cannot answer is retried only after a second). A failing pass does not fail the
                    // Join: it schedules its own retry.
                    programmed[0] = reconcilers.of(cid).passAndSchedule().converged();
                }
                return new JoinResult(DeviceNames.containerEnd(eid), "eth", Optional.empty(), Optional.empty(),
                        List.of(), false);
            });
        } finally {
            if (!programmed[0]) {
                // The new port's fast-path filters (and, if the Join failed, the teardown of what it made),
                // after Docker has moved the container end: one pass for the Join's link events too. Until
                // then the bridge carries the container's frames.
                reconcilers.triggerSoon(cid);
            }
        }
    }

    @Override
    public void leave(String clusterId, String endpointId) {
        requireId(clusterId, "network");
        requireId(endpointId, "endpoint");
        // Nothing to undo: the interface is still in the container (Docker moves it back after
        // this call), and peers keep our FDB entry until DeleteEndpoint removes the record.
    }

    @Override
    public void forgetLocalNetwork(String clusterId) {
        // No cache of the network lives here beyond its reconciler: a pass removes its devices if no
        // port is left, and a reconciler with nothing left in the kernel retires.
        reconcilers.trigger(requireId(clusterId, "network"));
    }

    @Override
    public void setWithdrawnHosts(Set<String> hostIds) {
        reconcilers.setWithdrawnHosts(hostIds);
    }

    @Override
    public void addPeerVtepListener(Consumer<Set<IpAddress>> listener) {
        reconcilers.addPeerVtepListener(listener);
    }

    @Override
    public Optional<String> endpointHolding(String clusterId, IpAddress ip) {
        return store.endpointHolding(requireId(clusterId, "network"), ip);
    }

    @Override
    public List<EndpointRecord> endpointsOfHost(String hostId) {
        return store.endpointsOfHost(hostId);
    }

    @Override
    public void deleteStaleEndpoint(EndpointRecord record) {
        String cid = record.networkId();
        String eid = record.endpointId();
        Optional<EndpointRecord> stored = store.findEndpoint(cid, eid);
        if (stored.isEmpty() || !(stored.get().sameEndpoint(record) && stored.get().createdAt() == record.createdAt())) {
            return; // gone already, or created again since it was judged stale
        }
        try {
            if (record.hostId().equals(config.hostId())) {
                reconcilers.exclusive(cid, "delete stale endpoint " + eid, CALL_TIMEOUT, () -> {
                    deleteHostEnd(cid, eid);
                    return null;
                });
            }
            if (store.deleteStaleEndpoint(record)) {
                LOG.log(Level.INFO, "deleted stale endpoint " + eid + " of network " + cid + " (host " + record.hostId()
                        + ")");
            }
        } finally {
            reconcilers.trigger(cid);
        }
    }

    @Override
    public void republishEndpoint(EndpointRecord record) {
        requireId(record.networkId(), "network");
        requireId(record.endpointId(), "endpoint");
        store.createEndpoint(record);
    }

    @Override
    public List<NetworkRecord> networks() {
        return store.networks();
    }

    @Override
    public Optional<NetworkRecord> network(String clusterId) {
        return store.findNetwork(requireId(clusterId, "network"));
    }

    @Override
    public Map<String, ReconcileReport> lastReports() {
        return reconcilers.lastReports();
    }

    @Override
    public void close() {
        reconcilers.close();
    }

    private static OverlayException unknownNetwork(String cid) {
        return new OverlayException(Kind.NOT_FOUND, "network " + cid + " is not known to javaoverlay");
    }

    private static String requireId(String id, String what) {
        if (!NetworkKeys.isValidId(id)) {
            throw new OverlayException(Kind.INVALID_REQUEST, "invalid " + what + " ID '" + id + "'");
        }
        return id;
    }
}
