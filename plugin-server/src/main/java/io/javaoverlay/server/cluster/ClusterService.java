package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;

/**
 * The edge the plugin resources call: Docker's calls with Docker's IDs, typed. It resolves the
 * cluster network behind this host's Docker network once per call ({@link NetworkIdentity}) and hands
 * the overlay (vxlan) and the IPAM typed values keyed by the cluster network ID. It never calls
 * Docker: the cluster's other parts (replicator, endpoint reconciler) run on their own threads and
 * are only told what happened. Its {@link #start()} and {@link #close()} run those parts.
 *
 * <p>Every method is safe to call concurrently and idempotent on IDs; failures are
 * {@link io.javaoverlay.types.OverlayException}s whose message names the object and the problem.
 */
public interface ClusterService extends AutoCloseable {

    /** Starts the overlay and the cluster's background parts (membership, Docker view, reconcilers). */
    void start();

    /** Docker's CreateNetwork: {@code spec.networkId()} is this host's Docker network ID. */
    void createNetwork(NetworkSpec spec);

    /**
     * Docker's DeleteNetwork: this host leaves the cluster network (its alias goes; with the last host
     * the network record goes too, atomically) and, with replication, the network is marked for
     * removal on every host. Unknown IDs succeed.
     */
    void deleteNetwork(String localNetworkId);

    /** Docker's CreateEndpoint on this host's Docker network {@code localNetworkId}. */
    EndpointGrant createEndpoint(String localNetworkId, EndpointSpec spec);

    /** Docker's DeleteEndpoint; unknown IDs succeed. */
    void deleteEndpoint(String localNetworkId, String endpointId);

    /** Docker's Join. */
    JoinResult join(String localNetworkId, String endpointId, String sandboxKey);

    /** Docker's Leave; unknown IDs succeed. */
    void leave(String localNetworkId, String endpointId);

    /** A node-discovery hint from Docker (20.10 cluster store); peers come from the store. */
    void nodeDiscovered(IpAddress address, boolean self, boolean added);

    /**
     * Docker's IpamDriver.ReleaseAddress, guarded: if an endpoint record of the network that owns the
     * pool still holds {@code address}, the release is a repeated or late one (Docker's calls can
     * arrive twice or out of order) and is ignored, logged once; otherwise the address is released.
     */
    void releaseAddress(String poolId, IpAddress address);

    /** Stops the background parts and the overlay; the store is closed by its owner. */
    @Override
    void close();
}
