package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The previous release's Docker-ID behaviour on top of the cluster-ID {@link NetworkService}: the
 * {@code netalias/} records map this host's Docker network IDs onto cluster IDs ({@link NetworkIdentity}),
 * a CreateNetwork joins an existing cluster network or creates one, a DeleteNetwork removes this
 * host's alias and, with the last one, the network record (never other hosts' endpoint records).
 *
 * @deprecated kept only until plugin-server's cluster layer calls {@link NetworkService} itself
 */
@Deprecated(forRemoval = true)
@SuppressWarnings("removal")
public final class LegacyDockerIdDriver implements LegacyNetworkDriver {
    private static final System.Logger LOG = System.getLogger(LegacyDockerIdDriver.class.getName());

    private final NetworkService overlay;
    private final OverlayStore store;
    private final String hostId;
    private final NetworkIdentity identity;

    /**
     * @param overlay the cluster-ID service doing the work
     * @param store   the same store's records (aliases included)
     * @param hostId  this host's ID in the alias records
     */
    public LegacyDockerIdDriver(NetworkService overlay, OverlayStore store, String hostId) {
        this.overlay = overlay;
        this.store = store;
        this.hostId = hostId;
        this.identity = new NetworkIdentity(store, hostId);
    }

    /** The cluster-ID service underneath. */
    public NetworkService overlay() {
        return overlay;
    }

    @Override
    public void start() {
        overlay.start();
    }

    @Override
    public void createNetwork(NetworkSpec spec) {
        String nid = requireId(spec.networkId());
        NetworkOptions opts = NetworkOptions.parse(nid, spec.driverOptions());
        Map<String, String> options = new TreeMap<>(spec.driverOptions());
        options.remove(NetworkOptions.CLUSTER_ID);
        NetworkRecord wanted = NetworkRecord.builder(nid).mtu(opts.mtu()).ipv4(spec.ipv4()).ipv6(spec.ipv6())
                .options(options).ipv6Enabled(spec.ipv6Enabled()).internal(spec.internal()).createdBy(hostId).build();
        Optional<String> target = identity.joinTarget(wanted, opts);
        if (target.isPresent() && target.equals(opts.clusterId()) && store.findNetwork(target.get()).isEmpty()) {
            // The cluster's definition outlives the overlay record, which goes with the last host that
            // had the network (e.g. every dockerd lost it): build the overlay again under the cluster ID.
            NetworkRecord again = overlay.createNetwork(spec.withNetworkId(target.get()));
            identity.join(wanted, target.get(), opts.vni());
            LOG.log(Level.INFO, "network " + nid + " is javaoverlay network " + target.get() + " (VNI " + again.vni()
                    + ", set up again)");
            return;
        }
        if (target.isPresent()) {
            NetworkRecord joined = identity.join(wanted, target.get(), opts.vni());
            LOG.log(Level.INFO, "network " + nid + " is javaoverlay network " + joined.networkId() + " (VNI "
                    + joined.vni() + ")");
            return;
        }
        overlay.createNetwork(spec);
        store.putAlias(hostId, nid, nid);
    }

    @Override
    public void deleteNetwork(String networkId) {
        String nid = requireId(networkId);
        Optional<String> alias = identity.aliasOf(nid);
        String cid = alias.orElse(nid);
        Optional<NetworkRecord> deleted;
        if (alias.isPresent()) {
            // Scope local (Docker 24+): this host leaves; the network goes with the last host.
            store.deleteAlias(hostId, nid);
            identity.forget(nid);
            deleted = store.deleteNetworkIfUnmapped(cid);
        } else {
            // No alias: 20.10 cluster store (one ID everywhere, rm anywhere removes it). Other hosts'
            // endpoint records stay: their containers may still run, and their owners remove them.
            deleted = store.deleteNetwork(nid, java.util.List.of());
            if (deleted.isPresent()) {
                store.aliases().stream().filter(a -> a.clusterId().equals(nid))
                        .forEach(a -> store.deleteAlias(a.hostId(), a.networkId()));
            }
        }
        deleted.ifPresent(r -> LOG.log(Level.INFO, "network " + cid + " (VNI " + r.vni() + ") deleted"));
        overlay.forgetLocalNetwork(cid);
    }

    @Override
    public EndpointGrant createEndpoint(String networkId, EndpointSpec spec) {
        String nid = requireId(networkId);
        return overlay.createEndpoint(identity.clusterIdOf(nid), nid, spec);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        overlay.deleteEndpoint(identity.clusterIdOf(requireId(networkId)), endpointId);
    }

    @Override
    public JoinResult join(String networkId, String endpointId, String sandboxKey) {
        return overlay.join(identity.clusterIdOf(requireId(networkId)), endpointId, sandboxKey);
    }

    @Override
    public void leave(String networkId, String endpointId) {
        overlay.leave(identity.clusterIdOf(requireId(networkId)), endpointId);
    }

    @Override
    public void nodeDiscovered(IpAddress address, boolean self, boolean added) {
        LOG.log(Level.DEBUG, "node " + (added ? "discovered: " : "gone: ") + address + (self ? " (self)" : "")
                + "; peers come from the store");
    }

    @Override
    public void close() {
        overlay.close();
    }

    private static String requireId(String id) {
        if (!NetworkKeys.isValidId(id)) {
            throw new OverlayException(Kind.INVALID_REQUEST, "invalid network ID '" + id + "'");
        }
        return id;
    }
}
