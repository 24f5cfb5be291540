package io.javaoverlay.vxlan;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The overlay behind Docker's remote NetworkDriver, keyed by <b>cluster network ID</b> only: the
 * edge (plugin-server's cluster layer) resolves Docker's network IDs once and passes the cluster ID
 * and, where a record names its owner, this host's Docker network ID. Network and endpoint
 * definitions go to the kvstore; a reconciler per network makes the kernel match them.
 *
 * <p>Every method is idempotent on IDs and safe to call concurrently. Failures are
 * {@link OverlayException}s whose message names the object and the problem.
 */
public interface NetworkService extends AutoCloseable {

    /** Starts watches, link-event subscription, start-up garbage collection and passes. */
    void start();

    /**
     * Records network {@code spec.networkId()} (the cluster ID), claiming its VNI cluster-wide, and
     * decides its MTU once: the explicit option, else this host's derived maximum. Repeating it with
     * the same spec returns the stored record.
     *
     * @throws OverlayException INVALID_REQUEST (options, MTU, IPAM), CONFLICT (another definition or VNI)
     */
    NetworkRecord createNetwork(NetworkSpec spec);

    /**
     * Records endpoint {@code spec.endpointId()} of network {@code clusterId} on this host: one read
     * transaction, one write transaction with its MAC and address index keys. Returns the MAC the
     * driver chose when the request carried none.
     *
     * @param localNetworkId this host's Docker network ID (stored as the record's owner)
     * @throws OverlayException NOT_FOUND (network), INVALID_REQUEST (addresses, MAC), CONFLICT (naming
     *                          the endpoint and host that hold the MAC or address)
     */
    EndpointGrant createEndpoint(String clusterId, String localNetworkId, EndpointSpec spec);

    /** Deletes the endpoint's host-side veth, then its record and index keys; unknown IDs succeed. */
    void deleteEndpoint(String clusterId, String endpointId);

    /**
     * Creates the endpoint's veth pair on the network's bridge (creating the bridge and vxlan device
     * if missing) and names the end Docker moves into the container; the peers follow in an
     * asynchronous pass.
     *
     * @throws OverlayException NOT_FOUND, CONFLICT (another host's endpoint), INVALID_REQUEST (this
     *                          host's underlay cannot carry the network's MTU: both numbers and the fix)
     */
    JoinResult join(String clusterId, String endpointId, String sandboxKey);

    /** Undoes forwarding state of Join (the interface is still in the container); unknown IDs succeed. */
    void leave(String clusterId, String endpointId);

    /**
     * This host's DeleteNetwork of {@code clusterId}: nothing is torn down beyond what the local
     * ports dictate (the devices go with the last port); per-network caches are dropped.
     */
    void forgetLocalNetwork(String clusterId);

    /**
     * The hosts whose peers are withdrawn on every network (the cluster's DEAD hosts; replaces the
     * previous set). Every network with state on this host converges at once.
     */
    void setWithdrawnHosts(Set<String> hostIds);

    /**
     * Tells {@code listener} the VTEPs this host's data plane sends to (the peers of every network with a
     * local port here) each time that set changes. Learned from the store's endpoint records as they
     * arrive, so it names a new host before the membership has read its first heartbeat.
     */
    void addPeerVtepListener(Consumer<Set<IpAddress>> listener);

    /** The endpoint of network {@code clusterId} holding address {@code ip}: one read of its index key. */
    Optional<String> endpointHolding(String clusterId, IpAddress ip);

    /** Every endpoint record of host {@code hostId}, in every network. */
    List<EndpointRecord> endpointsOfHost(String hostId);

    /**
     * What DeleteEndpoint does, for a record found stale by the cluster layer: the host end if the
     * endpoint is on this host, then the record and its index keys, only if the stored record is
     * still {@code record} (same values and creation time).
     */
    void deleteStaleEndpoint(EndpointRecord record);

    /**
     * Writes {@code record} and its index keys if absent (a record lost while the endpoint still
     * runs). The same record already stored is success.
     *
     * @throws OverlayException CONFLICT naming the holder when another live endpoint holds the MAC or an address
     */
    void republishEndpoint(EndpointRecord record);

    /** Every network record. */
    List<NetworkRecord> networks();

    /** One network record. */
    Optional<NetworkRecord> network(String clusterId);

    /** The last pass report of every network that has a reconciler now, by cluster ID. */
    Map<String, ReconcileReport> lastReports();

    @Override
    void close();

    /**
     * @param networkId     the cluster network ID
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

        /** The same definition under another network ID. */
        public NetworkSpec withNetworkId(String id) {
            return new NetworkSpec(id, ipv4, ipv6, driverOptions, ipv6Enabled, internal);
        }

        /**
         * Refuses pools from any IPAM but javaoverlay's (its address spaces {@code ipamSpaces}): Docker's
         * default IPAM allocates per host, so two hosts would hand out the same addresses on one overlay.
         * Only where several hosts share the network; one host may use any IPAM.
         *
         * @throws OverlayException INVALID_REQUEST naming the pool, its address space and the fix
         */
        public void requireSharedIpam(Set<String> ipamSpaces) {
            List<NetworkRecord.Pool> all = new ArrayList<>(ipv4);
            all.addAll(ipv6);
            for (NetworkRecord.Pool d : all) {
                if (!ipamSpaces.contains(d.addressSpace())) {
                    throw new OverlayException(OverlayException.Kind.INVALID_REQUEST, "network " + networkId
                            + " takes pool " + d.pool() + " from address space '" + d.addressSpace()
                            + "', not from javaoverlay's IPAM; another host's IPAM would hand out the same addresses."
                            + " Create it with: docker network create -d javaoverlay --ipam-driver javaoverlay"
                            + " [--subnet ...] NAME");
                }
            }
        }
    }

    /** An endpoint as CreateEndpoint describes it: addresses with their pool's prefix length, an optional MAC. */
    record EndpointSpec(String endpointId, Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6,
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
