package io.javaoverlay.vxlan;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.NetworkRecord;

import io.javaoverlay.types.OverlayException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The logic behind Docker's remote NetworkDriver: network and endpoint definitions go to the
 * kvstore (desired state); a reconciler per network makes the kernel match it. Join plumbs the
 * local veth synchronously. Every method is idempotent on IDs and safe to call concurrently.
 * Failures are {@link OverlayException}s whose message names the object and the problem.
 */
public interface NetworkService extends AutoCloseable {

    /** Starts watches, link-event subscription, start-up reconcile and garbage collection. */
    void start();

    /** Records a network (allocating its VNI cluster-wide). Repeating it with the same spec succeeds. */
    void createNetwork(NetworkSpec spec);

    /** Removes this host's part of a network; unknown IDs succeed. */
    void deleteNetwork(String networkId);

    /**
     * Records an endpoint (its IP, MAC and this host's VTEP) before answering. Returns the MAC
     * the driver chose when the request carried none.
     */
    EndpointGrant createEndpoint(EndpointSpec spec);

    /** Removes an endpoint and deletes its host-side veth; unknown IDs succeed. */
    void deleteEndpoint(String networkId, String endpointId);

    /** Creates the veth pair on the network's bridge and names the end Docker moves into the container. */
    JoinResult join(String networkId, String endpointId, String sandboxKey);

    /** Undoes forwarding state of Join (the interface is still in the container); unknown IDs succeed. */
    void leave(String networkId, String endpointId);

    /** A node-discovery hint from Docker (20.10 cluster store). Peers come from the store, not from this. */
    void nodeDiscovered(IpAddress address, boolean self, boolean added);

    @Override
    void close();

    /**
     * @param networkId     Docker's network ID
     * @param ipv4          IPv4 pools (Docker's IPv4Data), as they are stored
     * @param ipv6          IPv6 pools (Docker's IPv6Data)
     * @param driverOptions {@code -o key=value} driver options
     * @param internal      {@code --internal}
     */
    record NetworkSpec(String networkId, List<NetworkRecord.Pool> ipv4, List<NetworkRecord.Pool> ipv6,
                       Map<String, String> driverOptions, boolean ipv6Enabled, boolean internal) {
        public NetworkSpec {
            ipv4 = List.copyOf(ipv4);
            ipv6 = List.copyOf(ipv6);
            driverOptions = Map.copyOf(driverOptions);
        }
    }

    record EndpointSpec(String networkId, String endpointId, Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6,
                        Optional<MacAddress> mac) {}

    /** @param assignedMac the MAC the driver generated; empty when the request carried one */
    record EndpointGrant(Optional<MacAddress> assignedMac) {}

    /** A route for the container: {@code nextHop} empty means on-link (RouteType 1). */
    record StaticRoute(IpPrefix destination, Optional<IpAddress> nextHop) {}

    record JoinResult(String srcName, String dstPrefix, Optional<IpAddress> gateway, Optional<IpAddress> gatewayV6,
                      List<StaticRoute> staticRoutes, boolean disableGatewayService) {
        public JoinResult {
            staticRoutes = List.copyOf(staticRoutes);
        }
    }
}
