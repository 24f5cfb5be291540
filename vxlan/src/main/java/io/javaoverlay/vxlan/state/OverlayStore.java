package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Typed access to the vxlan module's records in the kvstore (layout: {@link NetworkKeys}).
 * Read-modify-write goes through the kvstore's {@link CasRetry}, which also translates store
 * failures into {@link OverlayException}s that name the store and what was being done.
 */
public final class OverlayStore {
    /** Lost races (on a VNI, a network record) are retried this often before giving up with CONFLICT. */
    private static final int MAX_ATTEMPTS = 16;

    private final KvStore store;
    private final CasRetry cas;

    public OverlayStore(KvStore store) {
        this.store = store;
        // No pause between attempts: every retry here first re-reads the keys it raced on.
        this.cas = new CasRetry(store, MAX_ATTEMPTS, Duration.ZERO);
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
        return cas.run("allocate a VNI for network " + nid, () -> {
            Optional<NetworkRecord> existing = findNetwork(nid);
            if (existing.isPresent()) {
                return sameOrConflict(existing.get(), record, requestedVni);
            }
            int vni = requestedVni.isPresent() ? requestedVni.get() : lowestFreeVni(vniMin, vniMax);
            NetworkRecord candidate = record.withVni(vni);
            try {
                store.txn(List.of(new TxnOp.PutIfAbsent(netKey, NetworkKeys.encode(candidate)),
                        new TxnOp.PutIfAbsent(NetworkKeys.vni(vni), nid.getBytes(StandardCharsets.UTF_8))));
                return candidate;
            } catch (CasConflictException race) {
                // Someone wrote first: the next attempt re-reads both keys and decides.
                Optional<String> owner = vniOwner(vni);
                if (requestedVni.isPresent() && owner.isPresent() && !owner.get().equals(nid)) {
                    throw new OverlayException(Kind.CONFLICT, "VNI " + vni + " requested for network " + nid
                            + " is already used by network " + owner.get());
                }
                throw race;
            }
        });
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
        Optional<NetworkRecord> deleted = cas.run("delete network " + networkId, () -> {
            Optional<KvEntry> net = store.get(netKey);
            if (net.isEmpty()) {
                return Optional.<Deleted>empty();
            }
            // Read the record's index before listing aliases: a concurrent join rewrites the record
            // (see joinNetwork), so the conditional delete below fails if an alias appeared since.
            List<NetworkAlias> mapped = aliases().stream().filter(a -> a.clusterId().equals(networkId)).toList();
            if (onlyIfUnmapped && !mapped.isEmpty()) {
                return Optional.<Deleted>empty();
            }
            NetworkRecord rec = NetworkKeys.decode(netKey, net.get().value(), NetworkRecord.class);
            String vniKey = NetworkKeys.vni(rec.vni());
            Optional<KvEntry> vni = store.get(vniKey);
            List<TxnOp> ops = new ArrayList<>();
            ops.add(new TxnOp.DeleteIfIndex(netKey, net.get().modifyIndex()));
            if (vni.isPresent() && vni.get().valueAsString().equals(networkId)) {
                ops.add(new TxnOp.DeleteIfIndex(vniKey, vni.get().modifyIndex()));
            }
            store.txn(ops);
            return Optional.of(new Deleted(rec, mapped));
        }).map(d -> {
            for (NetworkAlias a : d.aliases()) {
                deleteAlias(a.hostId(), a.networkId());
            }
            return d.record();
        });
        if (deleted.isPresent()) {
            // Endpoints normally are gone already (Docker refuses rm with endpoints); a forced
            // delete leaves records of other hosts behind, which would never be cleaned up.
            cas.once("delete endpoints of network " + networkId, () -> {
                store.deletePrefix(NetworkKeys.endpointsOf(networkId));
                return null;
            });
        }
        return deleted;
    }

    /** A deleted network record and the aliases that pointed at it. */
    private record Deleted(NetworkRecord record, List<NetworkAlias> aliases) {}

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
        return cas.run("join network " + networkId + " to javaoverlay network " + clusterId, () -> {
            Optional<KvEntry> net = store.get(netKey);
            if (net.isEmpty()) {
                throw new OverlayException(Kind.NOT_FOUND, "network " + networkId + ": javaoverlay network "
                        + clusterId + " it should join does not exist (any more)");
            }
            store.txn(List.of(
                    new TxnOp.Cas(netKey, net.get().value(), net.get().modifyIndex()),
                    new TxnOp.Set(NetworkKeys.alias(hostId, networkId), clusterId.getBytes(StandardCharsets.UTF_8))));
            return NetworkKeys.decode(netKey, net.get().value(), NetworkRecord.class);
        });
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
        cas.run("create endpoint " + record.endpointId(), () -> {
            try {
                store.putIfAbsent(key, NetworkKeys.encode(record));
                return null;
            } catch (CasConflictException exists) {
                Optional<KvEntry> stored = store.get(key);
                if (stored.isEmpty()) {
                    throw exists; // deleted in between: try once more
                }
                EndpointRecord other = NetworkKeys.decode(key, stored.get().value(), EndpointRecord.class);
                if (!other.equals(record)) {
                    throw new OverlayException(Kind.CONFLICT, "endpoint " + record.endpointId() + " of network "
                            + record.networkId() + " already exists with different addresses, MAC or host ("
                            + other.hostId() + ")");
                }
                return null;
            }
        });
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
                // CAS: a concurrent DeleteEndpoint must not be undone by this rewrite.
                boolean written = call("update endpoint " + e.endpointId(), () -> {
                    try {
                        store.compareAndSet(entry.key(), NetworkKeys.encode(updated), entry.modifyIndex());
                        return true;
                    } catch (CasConflictException changed) {
                        return false; // deleted or rewritten meanwhile: whoever wrote it knew better
                    }
                });
                if (written) {
                    n++;
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

    private <T> T call(String what, CasRetry.Attempt<T> body) {
        return cas.once(what, body);
    }
}
