package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link ClusterService} on the overlay ({@code NetworkService}, keyed by cluster network ID) and the
 * IPAM: each call resolves the cluster network once ({@link NetworkIdentity}: a cache, one alias read
 * on a miss) and passes typed values down. It also owns the cluster's background parts (started with
 * the overlay, stopped before it): membership, firewall, Docker view, replicator, endpoint reconciler,
 * dead-host collector, as the wiring hands them in.
 */
public final class OverlayClusterService implements ClusterService {
    private static final System.Logger LOG = System.getLogger(OverlayClusterService.class.getName());

    /** A background part: started in order after the overlay, closed in reverse order before it. */
    public interface Part extends AutoCloseable {
        void start();

        @Override
        void close();
    }

    private final NetworkService overlay;
    private final NetworkIdentity identity;
    private final ReleaseGuard guard;
    private final Optional<NetworkReplicator> replicator;
    private final Runnable poke;
    private final Set<String> ipamSpaces;
    private final boolean singleHost;
    private final Optional<GoneNetworks> gone;
    private final List<Part> parts;
    /** How long a CreateNetwork waits for Docker to say whether a conflicting network of this host still exists. */
    static final java.time.Duration GONE_CHECK_WAIT = java.time.Duration.ofSeconds(3);

    /**
     * @param overlay    the data plane and its records
     * @param identity   Docker network ID → cluster network ID
     * @param guard      the ReleaseAddress guard
     * @param replicator the replicator (Docker 24+ with a shared store), if replication is on
     * @param poke       wakes the replicator after a create or delete here (no-op without one)
     * @param ipamSpaces the address spaces of javaoverlay's IPAM (another IPAM would allocate per host)
     * @param singleHost true with the embedded file store: any IPAM will do
     * @param gone       forgets networks Docker no longer has (scope local without replication), if on
     * @param parts      the background parts, in start order
     */
    public OverlayClusterService(NetworkService overlay, NetworkIdentity identity, ReleaseGuard guard,
                                 Optional<NetworkReplicator> replicator, Runnable poke, Set<String> ipamSpaces,
                                 boolean singleHost, Optional<GoneNetworks> gone, List<Part> parts) {
        this.overlay = Objects.requireNonNull(overlay, "overlay");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.replicator = Objects.requireNonNull(replicator, "replicator");
        this.poke = Objects.requireNonNull(poke, "poke");
        this.ipamSpaces = Set.copyOf(ipamSpaces);
        this.singleHost = singleHost;
        this.gone = Objects.requireNonNull(gone, "gone");
        this.parts = List.copyOf(parts);
    }

    @Override
    public void start() {
        overlay.start();
        parts.forEach(Part::start);
    }

    @Override
    public void createNetwork(NetworkService.NetworkSpec spec) {
        String nid = spec.networkId();
        NetworkOptions opts = NetworkOptions.parse(nid, spec.driverOptions());
        if (!singleHost) {
            spec.requireSharedIpam(ipamSpaces);
        }
        Map<String, String> options = new TreeMap<>(spec.driverOptions());
        options.remove(NetworkOptions.CLUSTER_ID); // identity, not definition: the same on every host
        NetworkRecord wanted = NetworkRecord.builder(nid).ipv4(spec.ipv4()).ipv6(spec.ipv6()).options(options)
                .ipv6Enabled(spec.ipv6Enabled()).internal(spec.internal()).createdBy(identity.hostId()).build();
        Optional<String> target = identity.joinTarget(wanted, opts);
        if (target.isPresent() && gone.isPresent() && identity.heldHereByAnother(target.get(), nid)) {
            // Joining would be refused: another network of this host already is that network. If Docker
            // no longer has that one (dockerd lost it, or it went while javaoverlay was down), forget it
            // first, so the subnet can be used again; otherwise the join refuses as before.
            if (!gone.get().sweepFromHandler(GONE_CHECK_WAIT, target.get()).isEmpty()) {
                target = identity.joinTarget(wanted, opts);
            }
        }
        if (target.isPresent() && target.equals(opts.clusterId()) && overlay.network(target.get()).isEmpty()) {
            // The cluster's definition outlives the overlay record, which goes with the last host that had
            // the network (e.g. every dockerd lost it): build the overlay again under the cluster ID.
            String cid = target.get();
            NetworkRecord again = overlay.createNetwork(spec.withNetworkId(cid));
            identity.created(nid, cid);
            LOG.log(Level.INFO, "network " + nid + " is javaoverlay network " + cid + " (VNI " + again.vni()
                    + ", set up again)");
        } else if (target.isPresent()) {
            NetworkRecord joined = identity.join(wanted, target.get(), opts.vni());
            LOG.log(Level.INFO, "network " + nid + " is javaoverlay network " + joined.networkId() + " (VNI "
                    + joined.vni() + ")");
        } else {
            NetworkRecord stored = overlay.createNetwork(spec);
            identity.created(nid, nid);
            LOG.log(Level.INFO, "network " + nid + " has VNI " + stored.vni() + (stored.mtu() == null ? ""
                    : ", MTU " + stored.mtu()));
        }
        poke.run();
    }

    /**
     * Scope global: the ID is the cluster's, and {@code rm} on any host removes it. Otherwise this host
     * leaves: with replication the network is first marked for removal on every host (and remembered
     * here, so no replication pass brings it back); then the alias goes, with the last one the network
     * record, and with it the cluster definition. Docker ignores DeleteNetwork errors, so a failed
     * marking is logged, not thrown.
     */
    @Override
    public void deleteNetwork(String localNetworkId) {
        if (identity.global()) {
            identity.deleteNetwork(localNetworkId)
                    .ifPresent(r -> LOG.log(Level.INFO, "network " + localNetworkId + " (VNI " + r.vni() + ") deleted"));
            overlay.forgetLocalNetwork(localNetworkId);
            return;
        }
        Optional<String> recorded = identity.recordedClusterIdOf(localNetworkId);
        if (recorded.isEmpty()) {
            // Recorded before aliases existed (or never): the ID is the cluster ID; go with the last host.
            if (identity.hostsWith(localNetworkId).isEmpty()) {
                identity.deleteNetwork(localNetworkId);
            }
            overlay.forgetLocalNetwork(localNetworkId);
            return;
        }
        String cid = recorded.get();
        replicator.ifPresent(r -> {
            try {
                r.markDeleting(cid);
            } catch (OverlayException e) {
                LOG.log(Level.WARNING, "network " + localNetworkId + ": cannot mark it for removal on every host: "
                        + e.getMessage());
            }
        });
        Optional<NetworkIdentity.Left> left = identity.leave(localNetworkId);
        if (left.isPresent() && left.get().networkDeleted()) {
            LOG.log(Level.INFO, "network " + localNetworkId + " (javaoverlay network " + cid + ") deleted: it was the"
                    + " last host's");
            replicator.ifPresent(r -> r.forgetDefinition(cid));
        }
        overlay.forgetLocalNetwork(cid);
        poke.run();
    }

    @Override
    public NetworkService.EndpointGrant createEndpoint(String localNetworkId, NetworkService.EndpointSpec spec) {
        return overlay.createEndpoint(identity.clusterIdOf(localNetworkId), localNetworkId, spec);
    }

    @Override
    public void deleteEndpoint(String localNetworkId, String endpointId) {
        overlay.deleteEndpoint(identity.clusterIdOf(localNetworkId), endpointId);
    }

    @Override
    public NetworkService.JoinResult join(String localNetworkId, String endpointId, String sandboxKey) {
        return overlay.join(identity.clusterIdOf(localNetworkId), endpointId, sandboxKey);
    }

    @Override
    public void leave(String localNetworkId, String endpointId) {
        overlay.leave(identity.clusterIdOf(localNetworkId), endpointId);
    }

    @Override
    public void nodeDiscovered(IpAddress address, boolean self, boolean added) {
        // Docker 20.10's cluster store tells every host about the others; liveness comes from the
        // membership (heartbeats), so the hint is only logged.
        LOG.log(Level.DEBUG, "node " + (added ? "discovered: " : "gone: ") + address + (self ? " (self)" : "")
                + "; hosts are known from their heartbeats");
    }

    @Override
    public void releaseAddress(String poolId, IpAddress address) {
        guard.release(poolId, address);
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stopping " + parts.get(i) + " failed: " + e);
            }
        }
        overlay.close();
    }
}
