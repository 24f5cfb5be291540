package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The overlay's records in memory, with the index keys' rule: an address or MAC belongs to one
 * endpoint per network. Records every repair it is asked for.
 */
final class FakeOverlay implements OverlayRecords {
    final Map<String, NetworkRecord> networks = new TreeMap<>();
    /** cluster ID → endpoint ID → record. */
    final Map<String, Map<String, EndpointRecord>> endpoints = new TreeMap<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    final List<String> republished = new CopyOnWriteArrayList<>();
    /** Cluster IDs whose devices were told to follow the ports (a network forgotten here). */
    final List<String> forgotten = new CopyOnWriteArrayList<>();
    /** Set to fail every call (the store is down). */
    volatile RuntimeException down;

    FakeOverlay network(NetworkRecord r) {
        networks.put(r.networkId(), r);
        return this;
    }

    FakeOverlay endpoint(EndpointRecord r) {
        endpoints.computeIfAbsent(r.networkId(), k -> new TreeMap<>()).put(r.endpointId(), r);
        return this;
    }

    Optional<EndpointRecord> find(String cid, String eid) {
        return Optional.ofNullable(endpoints.getOrDefault(cid, Map.of()).get(eid));
    }

    private void check() {
        if (down != null) {
            throw down;
        }
    }

    @Override
    public synchronized List<NetworkRecord> networks() {
        check();
        return List.copyOf(networks.values());
    }

    @Override
    public synchronized Optional<NetworkRecord> network(String clusterId) {
        check();
        return Optional.ofNullable(networks.get(clusterId));
    }

    @Override
    public synchronized List<EndpointRecord> endpointsOfHost(String hostId) {
        check();
        return allEndpoints().stream().filter(r -> r.hostId().equals(hostId)).toList();
    }

    @Override
    public synchronized List<EndpointRecord> allEndpoints() {
        check();
        List<EndpointRecord> out = new ArrayList<>();
        endpoints.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    @Override
    public synchronized Optional<String> endpointHolding(String clusterId, IpAddress ip) {
        check();
        return endpoints.getOrDefault(clusterId, Map.of()).values().stream()
                .filter(r -> r.addresses().contains(ip)).map(EndpointRecord::endpointId).findFirst();
    }

    @Override
    public synchronized void deleteStaleEndpoint(EndpointRecord record) {
        check();
        Map<String, EndpointRecord> m = endpoints.getOrDefault(record.networkId(), Map.of());
        if (record.equals(m.get(record.endpointId()))) {
            m.remove(record.endpointId());
            deleted.add(record.endpointId());
        }
    }

    @Override
    public synchronized void republishEndpoint(EndpointRecord record) {
        check();
        for (EndpointRecord other : endpoints.getOrDefault(record.networkId(), Map.of()).values()) {
            if (other.endpointId().equals(record.endpointId())) {
                return;
            }
            if (other.mac().equals(record.mac()) || other.addresses().stream().anyMatch(record.addresses()::contains)) {
                throw new OverlayException(OverlayException.Kind.CONFLICT, "address/MAC of endpoint "
                        + record.endpointId() + " is already used by endpoint " + other.endpointId() + " on host "
                        + other.hostId());
            }
        }
        endpoint(record);
        republished.add(record.endpointId());
    }
}
