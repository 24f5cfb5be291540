package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;

/**
 * Docker's NetworkDriver calls keyed by <b>this host's Docker network ID</b>, the shape the plugin's
 * resources used before the cluster-ID {@link NetworkService}. {@link LegacyDockerIdDriver} maps the
 * IDs through the {@code netalias/} records and calls the {@link NetworkService}.
 *
 * @deprecated plugin-server's cluster layer resolves Docker's IDs at the edge and calls
 *             {@link NetworkService} directly; this goes once it does
 */
@Deprecated(forRemoval = true)
public interface LegacyNetworkDriver extends AutoCloseable {

    /** Starts the overlay and whatever the wrapper runs. */
    void start();

    /** CreateNetwork of Docker network {@code spec.networkId()} (joins a cluster network or creates one). */
    void createNetwork(NetworkSpec spec);

    /** DeleteNetwork of Docker network {@code networkId}; unknown IDs succeed. */
    void deleteNetwork(String networkId);

    /** CreateEndpoint in Docker network {@code networkId}. */
    EndpointGrant createEndpoint(String networkId, EndpointSpec spec);

    /** DeleteEndpoint; unknown IDs succeed. */
    void deleteEndpoint(String networkId, String endpointId);

    /** Join. */
    JoinResult join(String networkId, String endpointId, String sandboxKey);

    /** Leave; unknown IDs succeed. */
    void leave(String networkId, String endpointId);

    /** A node-discovery hint from Docker (20.10 cluster store). Peers come from the store, not from this. */
    void nodeDiscovered(IpAddress address, boolean self, boolean added);

    @Override
    void close();
}
