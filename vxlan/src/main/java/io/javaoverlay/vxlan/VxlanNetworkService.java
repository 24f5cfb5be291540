package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.netlink.IpPrefix;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.MacAddress;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.vxlan.OverlayException.Kind;
import io.javaoverlay.vxlan.cluster.NetworkIdentity;
import io.javaoverlay.vxlan.reconcile.DeviceNames;
import io.javaoverlay.vxlan.reconcile.NetworkReconciler;
import io.javaoverlay.vxlan.reconcile.PassReport;
import io.javaoverlay.vxlan.reconcile.Reconcilers;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link NetworkService} on rtnetlink and the kvstore. Create/Delete calls write desired state to
 * the store (and trigger the network's reconciler); Join plumbs the veth synchronously on the
 * network's single executor, after a pass that ensures the bridge and vxlan device exist.
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
    private final NetworkIdentity identity;

    public VxlanNetworkService(NetlinkHandle handle, KvStore store, VxlanConfig config) {
        this.handle = handle;
        this.store = new OverlayStore(store);
        this.config = config;
        this.reconcilers = new Reconcilers(handle, this.store, config);
        this.identity = new NetworkIdentity(this.store, config.hostId());
    }

    /** The mapping of this host's Docker network IDs onto cluster network IDs. */
    public NetworkIdentity identity() {
        return identity;
    }

    /** The data-plane settings (underlay, MTU) this service runs with, for status output. */
    public VxlanConfig config() {
        return config;
    }

    /** The reconcilers (for tests and status output). */
    public Reconcilers reconcilers() {
        return reconcilers;
    }

    @Override
    public void start() {
        reconcilers.start();
    }

    @Override
    public void createNetwork(NetworkSpec spec) {
        String nid = requireId(spec.networkId(), "network");
        NetworkOptions opts = NetworkOptions.parse(nid, spec.driverOptions());
        if (spec.ipv4().isEmpty() && spec.ipv6().isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + nid + " has no IPv4 or IPv6 pool");
        }
        checkIpam(nid, spec);
        opts.checkMtu(nid, config, spec.ipv6Enabled() || !spec.ipv6().isEmpty());
        java.util.Map<String, String> options = new java.util.TreeMap<>(spec.driverOptions());
        options.remove(NetworkOptions.CLUSTER_ID); // identity, not definition: the same on every host
        NetworkRecord wanted = new NetworkRecord(nid, 0, opts.mtu().orElse(null), pools(spec.ipv4()),
                pools(spec.ipv6()), options, spec.ipv6Enabled(), spec.internal(), config.hostId());
        Optional<String> target = identity.joinTarget(wanted, opts);
        if (target.isPresent() && target.equals(opts.clusterId()) && store.findNetwork(target.get()).isEmpty()) {
            // The cluster's definition outlives the overlay record, which goes with the last host that
            // had the network (e.g. every dockerd lost it): build the overlay again under the cluster ID.
            String cid = target.get();
            NetworkRecord again = store.claimNetwork(new NetworkRecord(cid, 0, wanted.mtu(), wanted.ipv4(), wanted.ipv6(),
                    wanted.options(), wanted.ipv6Enabled(), wanted.internal(), wanted.createdBy()), opts.vni(),
                    config.vniMin(), config.vniMax());
            identity.join(wanted, cid, opts.vni());
            LOG.log(Level.INFO, "network " + nid + " is javaoverlay network " + cid + " (VNI " + again.vni()
                    + ", set up again)");
            return;
        }
        if (target.isPresent()) {
            NetworkRecord joined = identity.join(wanted, target.get(), opts.vni());
            LOG.log(Level.INFO, "network " + nid + " is javaoverlay network " + joined.networkId() + " (VNI "
                    + joined.vni() + ")");
            return;
        }
        NetworkRecord stored = store.claimNetwork(wanted, opts.vni(), config.vniMin(), config.vniMax());
        store.putAlias(config.hostId(), nid, nid);
        LOG.log(Level.INFO, "network " + nid + " has VNI " + stored.vni());
    }

    /**
     * Docker's default IPAM allocates per host: two hosts would hand out the same addresses on one
     * overlay. Only javaoverlay's IPAM (its address spaces) is safe, unless there is one host.
     */
    private void checkIpam(String nid, NetworkSpec spec) {
        if (config.singleHost()) {
            return;
        }
        List<IpamData> all = new ArrayList<>(spec.ipv4());
        all.addAll(spec.ipv6());
        for (IpamData d : all) {
            if (!config.ipamAddressSpaces().contains(d.addressSpace())) {
                throw new OverlayException(Kind.INVALID_REQUEST, "network " + nid + " takes pool " + d.pool()
                        + " from address space '" + d.addressSpace() + "', not from javaoverlay's IPAM; another"
                        + " host's IPAM would hand out the same addresses. Create it with: docker network create"
                        + " -d javaoverlay --ipam-driver javaoverlay [--subnet ...] NAME");
            }
        }
    }

    private static List<NetworkRecord.Pool> pools(List<IpamData> data) {
        List<NetworkRecord.Pool> out = new ArrayList<>();
        for (IpamData d : data) {
            java.util.Map<String, String> aux = new java.util.TreeMap<>();
            d.auxAddresses().forEach((k, v) -> aux.put(k, v.toString()));
            out.add(new NetworkRecord.Pool(d.addressSpace(), d.pool().toString(),
                    d.gateway().map(IpPrefix::toString).orElse(null), aux));
        }
        return out;
    }

    @Override
    public void deleteNetwork(String networkId) {
        String nid = requireId(networkId, "network");
        Optional<String> alias = identity.aliasOf(nid);
        String cid = alias.orElse(nid);
        Optional<NetworkRecord> deleted;
        if (alias.isPresent()) {
            // Scope local (Docker 24+): this host leaves; the network goes with the last host.
            store.deleteAlias(config.hostId(), nid);
            identity.forget(nid);
            deleted = store.deleteNetworkIfUnmapped(cid);
        } else {
            // No alias: 20.10 cluster store (one ID everywhere, rm anywhere removes it) or a
            // network recorded before aliases existed.
            deleted = store.deleteNetwork(nid);
        }
        deleted.ifPresent(r -> LOG.log(Level.INFO, "network " + cid + " (VNI " + r.vni() + ") deleted"));
        // Tear down this host's part now; other hosts notice through the store watch.
        PassReport report = reconcilers.of(cid).reconcileNow(CALL_TIMEOUT);
        if (!report.converged()) {
            LOG.log(Level.WARNING, "network " + nid + " deleted, local cleanup incomplete (will retry): "
                    + report.summary());
        }
    }

    @Override
    public EndpointGrant createEndpoint(EndpointSpec spec) {
        String nid = identity.clusterIdOf(requireId(spec.networkId(), "network"));
        String eid = requireId(spec.endpointId(), "endpoint");
        NetworkRecord net = requireNetwork(nid);
        if (spec.ipv4().isEmpty() && spec.ipv6().isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + " has no IP address");
        }
        spec.ipv4().ifPresent(a -> checkInPools(eid, a, net.ipv4(), "IPv4"));
        spec.ipv6().ifPresent(a -> checkInPools(eid, a, net.ipv6(), "IPv6"));
        if (spec.mac().isPresent() && !Macs.isUsable(spec.mac().get())) {
            throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + ": MAC " + spec.mac().get()
                    + " is not a unicast address");
        }
        Optional<EndpointRecord> existing = store.findEndpoint(nid, eid);
        if (existing.isPresent() && sameRequest(existing.get(), spec)) {
            return grant(spec, existing.get().macAddress());
        }
        MacAddress mac = spec.mac().orElseGet(() -> Macs.derive(spec.ipv4(), spec.ipv6()));
        EndpointRecord rec = EndpointRecord.of(nid, eid, config.hostId(), config.vtep(), mac, spec.ipv4(), spec.ipv6());
        for (EndpointRecord other : store.endpoints(nid)) {
            if (other.endpointId().equals(eid)) {
                continue;
            }
            Optional<String> clash = clash(rec, other);
            if (clash.isPresent()) {
                throw new OverlayException(Kind.CONFLICT, "endpoint " + eid + ": " + clash.get()
                        + " is already used by endpoint " + other.endpointId() + " on host " + other.hostId());
            }
        }
        store.createEndpoint(rec);
        return grant(spec, mac);
    }

    private static EndpointGrant grant(EndpointSpec spec, MacAddress mac) {
        // Docker refuses a MAC in the answer when it sent one (even the same one).
        return new EndpointGrant(spec.mac().isPresent() ? Optional.empty() : Optional.of(mac));
    }

    private static boolean sameRequest(EndpointRecord r, EndpointSpec spec) {
        return r.ipv4Prefix().equals(spec.ipv4()) && r.ipv6Prefix().equals(spec.ipv6())
                && spec.mac().map(m -> m.equals(r.macAddress())).orElse(true);
    }

    private static Optional<String> clash(EndpointRecord a, EndpointRecord b) {
        if (a.ipv4() != null && b.ipv4Prefix().map(p -> p.address().equals(a.ipv4Prefix().get().address())).orElse(false)) {
            return Optional.of("address " + a.ipv4Prefix().get().address().getHostAddress());
        }
        if (a.ipv6() != null && b.ipv6Prefix().map(p -> p.address().equals(a.ipv6Prefix().get().address())).orElse(false)) {
            return Optional.of("address " + a.ipv6Prefix().get().address().getHostAddress());
        }
        if (a.macAddress().equals(b.macAddress())) {
            return Optional.of("MAC " + a.mac());
        }
        return Optional.empty();
    }

    private static void checkInPools(String eid, IpPrefix addr, List<NetworkRecord.Pool> pools, String family) {
        if (pools.isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + ": " + family + " address " + addr
                    + " given, but the network has no " + family + " pool");
        }
        for (NetworkRecord.Pool p : pools) {
            if (contains(IpPrefix.parse(p.pool()), addr.address())) {
                return;
            }
        }
        throw new OverlayException(Kind.INVALID_REQUEST, "endpoint " + eid + ": address " + addr
                + " is outside the network's " + family + " pools " + pools.stream().map(NetworkRecord.Pool::pool).toList());
    }

    static boolean contains(IpPrefix pool, InetAddress a) {
        byte[] p = pool.address().getAddress();
        byte[] b = a.getAddress();
        if (p.length != b.length) {
            return false;
        }
        int bits = pool.prefixLength();
        for (int i = 0; i < p.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((p[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        String nid = identity.clusterIdOf(requireId(networkId, "network"));
        String eid = requireId(endpointId, "endpoint");
        NetworkReconciler r = reconcilers.of(nid);
        r.exclusive("delete endpoint " + eid, CALL_TIMEOUT, () -> {
            deleteHostEnd(nid, eid);
            store.deleteEndpoint(nid, eid);
            return r.passAndSchedule();
        });
    }

    private void deleteHostEnd(String nid, String eid) throws NetlinkException {
        Optional<Link> host = handle.findLinkByName(DeviceNames.hostEnd(eid));
        if (host.isEmpty()) {
            return; // the pair vanished with the container's namespace
        }
        Optional<String> alias = host.get().attrs().alias().filter(a -> !a.isEmpty());
        if (alias.isPresent() && !alias.get().equals(DeviceNames.endpointAlias(nid, eid))) {
            throw new OverlayException(Kind.CONFLICT, "endpoint " + eid + ": interface " + host.get().name()
                    + " belongs to something else (alias '" + alias.get() + "'); not deleting it");
        }
        try {
            handle.linkDel(host.get().index());
        } catch (NotFoundException gone) {
            // deleted in between
        }
    }

    @Override
    public JoinResult join(String networkId, String endpointId, String sandboxKey) {
        String nid = identity.clusterIdOf(requireId(networkId, "network"));
        String eid = requireId(endpointId, "endpoint");
        NetworkRecord net = requireNetwork(nid);
        EndpointRecord ep = store.findEndpoint(nid, eid).orElseThrow(() -> new OverlayException(Kind.NOT_FOUND,
                "endpoint " + eid + " of network " + nid + " is not known to javaoverlay"));
        if (!ep.hostId().equals(config.hostId())) {
            throw new OverlayException(Kind.CONFLICT, "endpoint " + eid + " was created on host " + ep.hostId()
                    + ", not on this host (" + config.hostId() + ")");
        }
        int mtu = NetworkReconciler.containerMtu(net, config);
        NetworkReconciler r = reconcilers.of(nid);
        return r.exclusive("join endpoint " + eid, CALL_TIMEOUT, () -> {
            PassReport pass = r.passAndSchedule();
            // Both devices are required: a bridge without its vxlan would give the container a
            // network that silently cannot reach other hosts. Failed FDB entries are not fatal:
            // they concern single peers and the reconciler retries them.
            Optional<Link> bridge = handle.findLinkByName(DeviceNames.bridge(net.vni()));
            if (bridge.isEmpty() || handle.findLinkByName(DeviceNames.vxlan(net.vni())).isEmpty()) {
                throw new OverlayException(Kind.UNAVAILABLE, "network " + nid + ": could not set up "
                        + DeviceNames.bridge(net.vni()) + " and " + DeviceNames.vxlan(net.vni()) + ": " + pass.summary());
            }
            try {
                new VethPlumber(handle).ensure(nid, ep, mtu, bridge.get().index());
            } catch (NetlinkException e) {
                throw new OverlayException(Kind.UNAVAILABLE, "endpoint " + eid + ": cannot create its veth pair: "
                        + e.operation() + ": " + e.getMessage(), e);
            }
            return new JoinResult(DeviceNames.containerEnd(eid), "eth", Optional.empty(), Optional.empty(),
                    List.of(), false);
        });
    }

    @Override
    public void leave(String networkId, String endpointId) {
        requireId(networkId, "network");
        requireId(endpointId, "endpoint");
        // Nothing to undo: the interface is still in the container (Docker moves it back after
        // this call), and peers keep our FDB entry until DeleteEndpoint removes the record.
    }

    @Override
    public void nodeDiscovered(InetAddress address, boolean self, boolean added) {
        LOG.log(Level.DEBUG, "node " + (added ? "discovered: " : "gone: ") + address.getHostAddress()
                + (self ? " (self)" : "") + "; peers come from the store");
    }

    @Override
    public void close() {
        reconcilers.close();
    }

    private NetworkRecord requireNetwork(String nid) {
        return store.findNetwork(nid).orElseThrow(() ->
                new OverlayException(Kind.NOT_FOUND, "network " + nid + " is not known to javaoverlay"));
    }

    private static String requireId(String id, String what) {
        if (!NetworkKeys.isValidId(id)) {
            throw new OverlayException(Kind.INVALID_REQUEST, "invalid " + what + " ID '" + id + "'");
        }
        return id;
    }
}
