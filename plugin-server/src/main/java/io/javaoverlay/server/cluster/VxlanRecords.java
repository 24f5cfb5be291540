package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link OverlayRecords} on the overlay's {@link NetworkService} (and one listing of {@code endpoints/}). */
public final class VxlanRecords implements OverlayRecords {
    private static final System.Logger LOG = System.getLogger(VxlanRecords.class.getName());

    private final NetworkService overlay;
    private final KvStore kv;
    private final CasRetry cas;

    public VxlanRecords(NetworkService overlay, KvStore kv) {
        this.overlay = Objects.requireNonNull(overlay, "overlay");
        this.kv = Objects.requireNonNull(kv, "kv");
        this.cas = new CasRetry(kv, 1, Duration.ZERO);
    }

    @Override
    public List<NetworkRecord> networks() {
        return overlay.networks();
    }

    @Override
    public Optional<NetworkRecord> network(String clusterId) {
        return overlay.network(clusterId);
    }

    @Override
    public List<EndpointRecord> endpointsOfHost(String hostId) {
        return overlay.endpointsOfHost(hostId);
    }

    @Override
    public List<EndpointRecord> allEndpoints() {
        List<EndpointRecord> out = new ArrayList<>();
        for (KvEntry e : cas.once("list every endpoint record", () -> kv.list(NetworkKeys.ENDPOINTS))) {
            try {
                out.add(NetworkKeys.decode(e.key(), e.value(), EndpointRecord.class));
            } catch (IllegalArgumentException corrupt) {
                LOG.log(Level.DEBUG, corrupt.getMessage());
            }
        }
        return out;
    }

    @Override
    public Optional<String> endpointHolding(String clusterId, IpAddress ip) {
        return overlay.endpointHolding(clusterId, ip);
    }

    @Override
    public void deleteStaleEndpoint(EndpointRecord record) {
        overlay.deleteStaleEndpoint(record);
    }

    @Override
    public void republishEndpoint(EndpointRecord record) {
        overlay.republishEndpoint(record);
    }
}
