package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.List;
import java.util.Optional;

/**
 * What the cluster's repair loops ({@link EndpointReconciler}, {@link DeadHostCollector}) and the
 * ReleaseAddress guard need from the overlay: its network and endpoint records, keyed by cluster
 * network ID, and the two repairs. The overlay's {@code NetworkService} provides each method with the
 * same meaning; the wiring adapts it ({@link ClusterWiring}), and unit tests use an in-memory fake.
 * Failures are {@link io.javaoverlay.types.OverlayException}s (UNAVAILABLE when the store does not answer).
 */
public interface OverlayRecords {

    /** Every network record. */
    List<NetworkRecord> networks();

    /** One network record, by cluster network ID. */
    Optional<NetworkRecord> network(String clusterId);

    /** Every endpoint record owned by {@code hostId}, on every network. */
    List<EndpointRecord> endpointsOfHost(String hostId);

    /** Every endpoint record of every host (the owners of records, for membership and the collector). */
    List<EndpointRecord> allEndpoints();

    /** The endpoint whose record holds {@code ip} on network {@code clusterId} (one read of its index key). */
    Optional<String> endpointHolding(String clusterId, IpAddress ip);

    /**
     * Deletes an endpoint record the way DeleteEndpoint does: the host end of its veth if it is this
     * host's, the record and its index keys (a compare-and-set on the record, so a concurrent
     * re-create is not undone).
     */
    void deleteStaleEndpoint(EndpointRecord record);

    /**
     * Writes a record (and its index keys) that is missing from the store.
     *
     * @throws io.javaoverlay.types.OverlayException CONFLICT naming the holder when its address or MAC
     *                                               belongs to another live endpoint
     */
    void republishEndpoint(EndpointRecord record);
}
