package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.cluster.LegacyNetworkDriver;
import io.javaoverlay.vxlan.cluster.HostRegistry;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * The network service with cluster-wide network definitions (Docker 24+, Scope local): the
 * handlers tell the replicator what happened, through the store or a wake-up signal only, never
 * by calling Docker. Everything else goes straight to the wrapped service.
 */
public final class ClusterNetworkService implements LegacyNetworkDriver {
    private static final System.Logger LOG = System.getLogger(ClusterNetworkService.class.getName());

    private final LegacyNetworkDriver delegate;
    private final NetworkReplicator replicator;
    private final ReplicatorLoop loop;
    private final HostRegistry hosts;

    /**
     * @param delegate   the network service doing the work
     * @param replicator for marking removals from the DeleteNetwork handler
     * @param loop       the replicator's thread, started and stopped with this service
     * @param hosts      this host's registration, started and stopped with this service
     */
    public ClusterNetworkService(LegacyNetworkDriver delegate, NetworkReplicator replicator, ReplicatorLoop loop,
                                 HostRegistry hosts) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.replicator = Objects.requireNonNull(replicator, "replicator");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
    }

    @Override
    public void start() {
        delegate.start();
        hosts.start();
        loop.start();
    }

    /** Records the network, then wakes the replicator, which learns the name from Docker. */
    @Override
    public void createNetwork(NetworkSpec spec) {
        delegate.createNetwork(spec);
        loop.poke();
    }

    /**
     * Marks the cluster network for removal on every host (before the alias goes, since it is the
     * way from this host's ID to the cluster network), then removes this host's part. Docker
     * ignores DeleteNetwork errors, so a store failure in the marking is logged, not thrown.
     */
    @Override
    public void deleteNetwork(String networkId) {
        try {
            replicator.markDeleting(networkId);
        } catch (KvStoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "network " + networkId + ": cannot mark it for removal on every host: "
                    + e.getMessage());
        }
        delegate.deleteNetwork(networkId);
        loop.poke();
    }

    @Override
    public EndpointGrant createEndpoint(String networkId, EndpointSpec spec) {
        return delegate.createEndpoint(networkId, spec);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        delegate.deleteEndpoint(networkId, endpointId);
    }

    @Override
    public JoinResult join(String networkId, String endpointId, String sandboxKey) {
        return delegate.join(networkId, endpointId, sandboxKey);
    }

    @Override
    public void leave(String networkId, String endpointId) {
        delegate.leave(networkId, endpointId);
    }

    @Override
    public void nodeDiscovered(IpAddress address, boolean self, boolean added) {
        delegate.nodeDiscovered(address, self, added);
    }

    @Override
    public void close() {
        loop.close();
        hosts.close();
        delegate.close();
    }
}
