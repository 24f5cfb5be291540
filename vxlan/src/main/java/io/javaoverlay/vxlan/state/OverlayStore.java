package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Typed access to the vxlan module's records in the kvstore (layout: {@link NetworkKeys}).
 * Translates store failures into {@link OverlayException}s that name the object.
 */
public final class OverlayStore {
    /** Races on the VNI are retried this often before giving up with CONFLICT. */
    private static final int MAX_ATTEMPTS = 16;

    private final KvStore store;

    public OverlayStore(KvStore store) {
        this.store = store;
    }

    /** The underlying store (for watches). */
    public KvStore kv() {
        return store;
    }

    /** Reads a network record. */
    public Optional<NetworkRecord> findNetwork(String networkId) {
        String key = NetworkKeys.network(networkId);
        return call("read network " + networkId, () -> store.get(key))
                .map(e -> NetworkKeys.decode(key, e.value(), NetworkRecord.class));
    }

    /** All network records. */
    public List<NetworkRecord> networks() {
        List<NetworkRecord> out = new ArrayList<>();
        for (KvEntry e : call("list networks", () -> store.list(NetworkKeys.NETWORKS))) {
            out.add(NetworkKeys.decode(e.key(), e.value(), NetworkRecord.class));
        }
        return out;
    }

    /**
     * Stores {@code record} and claims its VNI in one transaction. With {@code requestedVni} empty
     * the lowest free VNI in {@code [vniMin, vniMax]} is taken. A record already stored with the
     * same spec is returned as is (idempotent CreateNetwork).
     *
     * @throws OverlayException CONFLICT (other spec / VNI taken), EXHAUSTED, UNAVAILABLE
     */
    public NetworkRecord claimNetwork(NetworkRecord record, Optional<Integer> requestedVni, int vniMin, int vniMax) {
        String nid = record.networkId();
        String netKey = NetworkKeys.network(nid);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<NetworkRecord> existing = findNetwork(nid);
            if (existing.isPresent()) {
                return sameOrConflict(existing.get(), record, requestedVni);
            }
            int vni = requestedVni.isPresent() ? requestedVni.get() : lowestFreeVni(vniMin, vniMax);
            NetworkRecord candidate = record.withVni(vni);
            try {
                call("create network " + nid, () -> store.txn(List.of(
                        new TxnOp.PutIfAbsent(netKey, NetworkKeys.encode(candidate)),
                        new TxnOp.PutIfAbsent(NetworkKeys.vni(vni), nid.getBytes(StandardCharsets.UTF_8)))));
                return candidate;
            } catch (Raced race) {
                // Someone wrote first: the loop re-reads both keys and decides.
                Optional<String> owner = vniOwner(vni);
                if (requestedVni.isPresent() && owner.isPresent() && !owner.get().equals(nid)) {
                    throw new OverlayException(Kind.CONFLICT, "VNI " + vni + " requested for network " + nid
                            + " is already used by network " + owner.get());
                }
            }
        }
        throw new OverlayException(Kind.CONFLICT, "network " + nid + ": gave up allocating a VNI after "
                + MAX_ATTEMPTS + " concurrent conflicts; retry");
    }

    private NetworkRecord sameOrConflict(NetworkRecord stored, NetworkRecord wanted, Optional<Integer> requestedVni) {
        if (requestedVni.isPresent() && requestedVni.get() != stored.vni()) {
            throw new OverlayException(Kind.CONFLICT, "network " + wanted.networkId() + " already exists with VNI "
                    + stored.vni() + ", not the requested " + requestedVni.get());
        }
        if (!stored.sameSpec(wanted.withVni(stored.vni()))) {
            throw new OverlayException(Kind.CONFLICT, "network " + wanted.networkId()
                    + " already exists with a different definition (pools, options or MTU)");
        }
        return stored;
    }

    /** The network that holds {@code vni}, if any. */
    public Optional<String> vniOwner(int vni) {
        return call("read VNI " + vni, () -> store.get(NetworkKeys.vni(vni))).map(KvEntry::valueAsString);
    }

    private int lowestFreeVni(int vniMin, int vniMax) {
        TreeSet<Integer> used = new TreeSet<>();
        for (KvEntry e : call("list VNIs", () -> store.list(NetworkKeys.VNIS))) {
            NetworkKeys.vniOf(e.key()).ifPresent(used::add);
        }
        for (int v = vniMin; v <= vniMax; v++) {
            if (!used.contains(v)) {
                return v;
            }
        }
        throw new OverlayException(Kind.EXHAUSTED, "no free VNI left in the range " + vniMin + ".." + vniMax
                + " (" + used.size() + " networks exist)");
    }

    /**
     * Deletes a network record, its VNI claim (only if it still points at this network), every
     * host's alias onto it and any endpoint records left under it. Returns the deleted record;
     * unknown IDs return empty.
     */
    public Optional<NetworkRecord> deleteNetwork(String networkId) {
        return deleteNetwork(networkId, false);
    }

    /**
     * Like {@link #deleteNetwork} but only when no host maps a Docker network onto
     * {@code clusterId} any more. Returns empty when it is still mapped or unknown.
     */
    public Optional<NetworkRecord> deleteNetworkIfUnmapped(String clusterId) {
        return deleteNetwork(clusterId, true);
    }

    private Optional<NetworkRecord> deleteNetwork(String networkId, boolean onlyIfUnmapped) {
        String netKey = NetworkKeys.network(networkId);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KvEntry> net = call("read network " + networkId, () -> store.get(netKey));
            if (net.isEmpty()) {
                return Optional.empty();
            }
            // Read the record's index before listing aliases: a concurrent join rewrites the record
            // (see joinNetwork), so the conditional delete below fails if an alias appeared since.
            List<NetworkAlias> mapped = aliases().stream().filter(a -> a.clusterId().equals(networkId)).toList();
            if (onlyIfUnmapped && !mapped.isEmpty()) {
                return Optional.empty();
            }
            NetworkRecord rec = NetworkKeys.decode(netKey, net.get().value(), NetworkRecord.class);
            String vniKey = NetworkKeys.vni(rec.vni());
            Optional<KvEntry> vni = call("read VNI " + rec.vni(), () -> store.get(vniKey));
            List<TxnOp> ops = new ArrayList<>();
            ops.add(new TxnOp.DeleteIfIndex(netKey, net.get().modifyIndex()));
            if (vni.isPresent() && vni.get().valueAsString().equals(networkId)) {
                ops.add(new TxnOp.DeleteIfIndex(vniKey, vni.get().modifyIndex()));
            }
            try {
                call("delete network " + networkId, () -> store.txn(ops));
            } catch (Raced race) {
                continue;
            }
            for (NetworkAlias a : mapped) {
                deleteAlias(a.hostId(), a.networkId());
            }
            // Endpoints normally are gone already (Docker refuses rm with endpoints); a forced
            // delete leaves records of other hosts behind, which would never be cleaned up.
            call("delete endpoints of network " + networkId, () -> {
                store.deletePrefix(NetworkKeys.endpointsOf(networkId));
                return null;
            });
            return Optional.of(rec);
        }
        throw new OverlayException(Kind.CONFLICT, "network " + networkId + " changed concurrently while deleting; retry");
    }

    /** The cluster network {@code networkId} of {@code hostId} is mapped onto, if it has an alias. */
    public Optional<String> findAlias(String hostId, String networkId) {
        return call("read alias of network " + networkId, () -> store.get(NetworkKeys.alias(hostId, networkId)))
                .map(KvEntry::valueAsString);
    }

    /** Every host's aliases, sorted by key. */
    public List<NetworkAlias> aliases() {
        List<NetworkAlias> out = new ArrayList<>();
        for (KvEntry e : call("list network aliases", () -> store.list(NetworkKeys.ALIASES))) {
            NetworkKeys.aliasOf(e.key()).ifPresent(p -> out.add(new NetworkAlias(p[0], p[1], e.valueAsString())));
        }
        return out;
    }

    /** Records that {@code hostId}'s network {@code networkId} is the cluster network itself (its creator). */
    public void putAlias(String hostId, String networkId, String clusterId) {
        call("record alias of network " + networkId, () -> {
            store.put(NetworkKeys.alias(hostId, networkId), clusterId.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }

    /**
     * Maps {@code hostId}'s network {@code networkId} onto the existing cluster network
     * {@code clusterId}, atomically with a rewrite of the cluster record, so that a concurrent
     * {@link #deleteNetworkIfUnmapped} either sees the alias or makes this fail.
     *
     * @throws OverlayException NOT_FOUND when the cluster network no longer exists
     */
    public NetworkRecord joinNetwork(String hostId, String networkId, String clusterId) {
        String netKey = NetworkKeys.network(clusterId);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KvEntry> net = call("read network " + clusterId, () -> store.get(netKey));
            if (net.isEmpty()) {
                throw new OverlayException(Kind.NOT_FOUND, "network " + networkId + ": javaoverlay network "
                        + clusterId + " it should join does not exist (any more)");
            }
            try {
                call("join network " + clusterId, () -> store.txn(List.of(
                        new TxnOp.Cas(netKey, net.get().value(), net.get().modifyIndex()),
                        new TxnOp.Set(NetworkKeys.alias(hostId, networkId), clusterId.getBytes(StandardCharsets.UTF_8)))));
                return NetworkKeys.decode(netKey, net.get().value(), NetworkRecord.class);
            } catch (Raced race) {
                // re-read and retry
            }
        }
        throw new OverlayException(Kind.CONFLICT, "network " + networkId + ": javaoverlay network " + clusterId
                + " changed concurrently while joining; retry");
    }

    /** Removes {@code hostId}'s alias of {@code networkId}; absent is fine. */
    public void deleteAlias(String hostId, String networkId) {
        call("delete alias of network " + networkId, () -> {
            store.delete(NetworkKeys.alias(hostId, networkId));
            return null;
        });
    }

    /** Reads an endpoint record. */
    public Optional<EndpointRecord> findEndpoint(String networkId, String endpointId) {
        String key = NetworkKeys.endpoint(networkId, endpointId);
        return call("read endpoint " + endpointId, () -> store.get(key))
                .map(e -> NetworkKeys.decode(key, e.value(), EndpointRecord.class));
    }

    /** All endpoint records of a network, on every host, sorted by endpoint ID. */
    public List<EndpointRecord> endpoints(String networkId) {
        List<EndpointRecord> out = new ArrayList<>();
        for (KvEntry e : call("list endpoints of network " + networkId,
                () -> store.list(NetworkKeys.endpointsOf(networkId)))) {
            out.add(NetworkKeys.decode(e.key(), e.value(), EndpointRecord.class));
        }
        return out;
    }

    /**
     * Creates an endpoint record. An identical record already stored is success; a different
     * one is CONFLICT.
     */
    public void createEndpoint(EndpointRecord record) {
        String key = NetworkKeys.endpoint(record.networkId(), record.endpointId());
        try {
            call("create endpoint " + record.endpointId(), () -> {
                store.putIfAbsent(key, NetworkKeys.encode(record));
                return null;
            });
        } catch (Raced exists) {
            Optional<EndpointRecord> stored = findEndpoint(record.networkId(), record.endpointId());
            if (stored.isPresent() && !stored.get().equals(record)) {
                throw new OverlayException(Kind.CONFLICT, "endpoint " + record.endpointId() + " of network "
                        + record.networkId() + " already exists with different addresses, MAC or host ("
                        + stored.get().hostId() + ")");
            }
            if (stored.isEmpty()) {
                createEndpoint(record); // deleted in between: try once more
            }
        }
    }

    /**
     * Rewrites the VTEP of every endpoint record of {@code hostId} that carries another address
     * (the host's advertise address changed across a restart): peers would otherwise tunnel to
     * the old one. Returns how many records were rewritten.
     */
    public int refreshVteps(String hostId, IpAddress vtep) {
        int n = 0;
        for (NetworkRecord net : networks()) {
            String prefix = NetworkKeys.endpointsOf(net.networkId());
            for (KvEntry entry : call("list endpoints of network " + net.networkId(), () -> store.list(prefix))) {
                EndpointRecord e = NetworkKeys.decode(entry.key(), entry.value(), EndpointRecord.class);
                if (!e.hostId().equals(hostId) || e.vtep().equals(vtep)) {
                    continue;
                }
                EndpointRecord updated = e.withVtep(vtep);
                try {
                    // CAS: a concurrent DeleteEndpoint must not be undone by this rewrite.
                    call("update endpoint " + e.endpointId(), () -> {
                        store.compareAndSet(entry.key(), NetworkKeys.encode(updated), entry.modifyIndex());
                        return null;
                    });
                    n++;
                } catch (Raced changed) {
                    // deleted or rewritten meanwhile: whoever wrote it knew better
                }
            }
        }
        return n;
    }

    /** Deletes an endpoint record; absent is fine. */
    public void deleteEndpoint(String networkId, String endpointId) {
        call("delete endpoint " + endpointId, () -> {
            store.delete(NetworkKeys.endpoint(networkId, endpointId));
            return null;
        });
    }

    /** Host IDs registered under {@code hosts/} (hosts whose liveness lease is alive). */
    public java.util.Set<String> registeredHosts() {
        java.util.Set<String> out = new TreeSet<>();
        for (KvEntry e : call("list hosts", () -> store.list(NetworkKeys.HOSTS))) {
            out.add(e.key().substring(NetworkKeys.HOSTS.length()));
        }
        return out;
    }

    /** Map of VNI → network ID for every claimed VNI. */
    public Map<Integer, String> vniTable() {
        Map<Integer, String> out = new HashMap<>();
        for (KvEntry e : call("list VNIs", () -> store.list(NetworkKeys.VNIS))) {
            NetworkKeys.vniOf(e.key()).ifPresent(v -> out.put(v, e.valueAsString()));
        }
        return out;
    }

    /** A CAS / txn condition failed; internal signal for the retry loops. */
    private static final class Raced extends RuntimeException {
        Raced(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private interface StoreCall<T> {
        T run() throws KvStoreException;
    }

    private static <T> T call(String what, StoreCall<T> body) {
        try {
            return body.run();
        } catch (CasConflictException e) {
            throw new Raced(e);
        } catch (KvStoreException e) {
            Kind kind = e.isRetryable() ? Kind.UNAVAILABLE : Kind.INTERNAL;
            throw new OverlayException(kind, "cannot " + what + ": key-value store " + e.getMessage(), e);
        }
    }
}
