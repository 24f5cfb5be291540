package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Typed access to the vxlan module's records in the kvstore (layout: {@link NetworkKeys}), keyed by
 * cluster network ID. Read-modify-write goes through the kvstore's {@link CasRetry}, which also
 * translates store failures into {@link OverlayException}s that name the store and what was being
 * done. The network operations compose with the cluster layer's own keys: {@link #joinNetwork}
 * writes them together with a CAS-rewrite of the network record, {@link #deleteNetwork} deletes the
 * record only under the conditions it is given, so a join and a delete never both succeed.
 */
public final class OverlayStore {
    private static final System.Logger LOG = System.getLogger(OverlayStore.class.getName());
    /** Lost races (on a VNI, a network record) are retried this often before giving up with CONFLICT. */
    private static final int MAX_ATTEMPTS = 16;

    private final KvStore store;
    private final CasRetry cas;
    private final EndpointWrites endpoints;
    /** Every reconcile pass lists its network's endpoints: only records whose bytes changed are decoded again. */
    private final DecodeCache<EndpointRecord> decodedEndpoints = new DecodeCache<>(EndpointRecord.class);

    public OverlayStore(KvStore store) {
        this.store = store;
        // No pause between attempts: every retry here first re-reads the keys it raced on.
        this.cas = new CasRetry(store, MAX_ATTEMPTS, Duration.ZERO);
        this.endpoints = new EndpointWrites(store, cas);
    }

    /** The underlying store (for watches). */
    public KvStore kv() {
        return store;
    }

    /** The store for messages, e.g. {@code consul://127.0.0.1:8500/javaoverlay/v1/}. */
    public String describe() {
        return store.describe();
    }

    // ---- networks ---------------------------------------------------------------------------

    /** Reads a network record. */
    public Optional<NetworkRecord> findNetwork(String networkId) {
        String key = NetworkKeys.network(networkId);
        return call("read network " + networkId, () -> store.get(key))
                .map(e -> NetworkKeys.decode(key, e.value(), NetworkRecord.class));
    }

    /** All network records (a corrupt one is logged and left out). */
    public List<NetworkRecord> networks() {
        return decodeAll(call("list networks", () -> store.list(NetworkKeys.NETWORKS)), NetworkRecord.class);
    }

    /**
     * Stores {@code record} and claims its VNI in one transaction. With {@code requestedVni} empty
     * the lowest free VNI in {@code [vniMin, vniMax]} is taken. A record already stored with the
     * same spec is returned as is (idempotent CreateNetwork).
     *
     * @throws OverlayException CONFLICT (other spec / VNI taken), EXHAUSTED, UNAVAILABLE
     */
    public NetworkRecord claimNetwork(NetworkRecord record, Optional<Integer> requestedVni, int vniMin, int vniMax) {
        return claimNetwork(record, requestedVni, vniMin, vniMax, false);
    }

    /**
     * Like {@link #claimNetwork(NetworkRecord, Optional, int, int)}; with {@code mtuDerived} the record's
     * MTU is this host's derived maximum rather than an explicit option, and a stored record with
     * another MTU is still the same network (its MTU stands: it was decided once, at creation).
     */
    public NetworkRecord claimNetwork(NetworkRecord record, Optional<Integer> requestedVni, int vniMin, int vniMax,
                                      boolean mtuDerived) {
        String nid = record.networkId();
        String netKey = NetworkKeys.network(nid);
        return cas.run("allocate a VNI for network " + nid, () -> {
            Optional<NetworkRecord> existing = findNetwork(nid);
            if (existing.isPresent()) {
                return sameOrConflict(existing.get(), mtuDerived ? record.withMtu(existing.get().mtu()) : record,
                        requestedVni);
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

    /** Map of VNI → network ID for every claimed VNI. */
    public Map<Integer, String> vniTable() {
        Map<Integer, String> out = new HashMap<>();
        for (KvEntry e : call("list VNIs", () -> store.list(NetworkKeys.VNIS))) {
            NetworkKeys.vniOf(e.key()).ifPresent(v -> out.put(v, e.valueAsString()));
        }
        return out;
    }

    /**
     * A CAS-rewrite of network {@code clusterId}'s record (same content, new modify index) in one
     * transaction with {@code alsoWrite} (the cluster layer's alias put): a concurrent
     * {@link #deleteNetwork} that read the record before either sees what {@code alsoWrite} wrote
     * or fails. A lost race on the record is retried.
     *
     * @return the network record
     * @throws OverlayException NOT_FOUND when the network no longer exists; CONFLICT when a condition
     *                          in {@code alsoWrite} fails (naming its key)
     */
    public NetworkRecord joinNetwork(String clusterId, List<TxnOp> alsoWrite) {
        String netKey = NetworkKeys.network(clusterId);
        List<TxnOp> extra = List.copyOf(alsoWrite);
        return cas.run("join javaoverlay network " + clusterId, () -> {
            Optional<KvEntry> net = store.get(netKey);
            if (net.isEmpty()) {
                throw new OverlayException(Kind.NOT_FOUND, "javaoverlay network " + clusterId
                        + " does not exist (any more)");
            }
            NetworkRecord next = NetworkKeys.decode(netKey, net.get().value(), NetworkRecord.class).nextRev();
            List<TxnOp> ops = new ArrayList<>();
            // A new revision, not the same bytes: Consul keeps the modify index of a write that changes nothing.
            ops.add(new TxnOp.Cas(netKey, NetworkKeys.encode(next), net.get().modifyIndex()));
            ops.addAll(extra);
            try {
                store.txn(ops);
            } catch (TxnAbortedException aborted) {
                if (aborted.opIndex() >= 1) {
                    throw new OverlayException(Kind.CONFLICT, "could not join javaoverlay network " + clusterId
                            + ": the condition on " + ops.get(aborted.opIndex()).key() + " failed");
                }
                throw aborted; // the record changed: re-read and try again
            }
            return next;
        });
    }

    /** Decides, on the network record as just read, whether and under which conditions it may go. */
    @FunctionalInterface
    public interface DeleteGuard {
        /**
         * Called inside the delete's attempt, after the record (and its modify index) was read, so
         * that whatever it reads is at least as new as the record: a join after that read changes the
         * record's index and makes the delete fail. Empty: do not delete.
         */
        Optional<List<TxnOp>> conditions(NetworkRecord current) throws KvStoreException;
    }

    /**
     * Deletes network {@code clusterId}'s record and its VNI claim (only if the claim still points at
     * it), in one transaction with {@code conditions}, e.g. "no alias of this network exists". When a
     * condition fails nothing is deleted and empty is returned. Never touches endpoint records: those
     * of other hosts belong to them (their containers run), and the cluster layer collects them.
     *
     * @return the deleted record; empty when unknown or a condition failed
     */
    public Optional<NetworkRecord> deleteNetwork(String clusterId, List<TxnOp> conditions) {
        List<TxnOp> fixed = List.copyOf(conditions);
        return deleteNetwork(clusterId, current -> Optional.of(fixed), false);
    }

    /**
     * Like {@link #deleteNetwork(String, List)}, with the conditions decided by {@code guard} on the
     * record as read, and decided again whenever the transaction loses a race.
     */
    public Optional<NetworkRecord> deleteNetwork(String clusterId, DeleteGuard guard) {
        return deleteNetwork(clusterId, guard, true);
    }

    private Optional<NetworkRecord> deleteNetwork(String clusterId, DeleteGuard guard, boolean askAgain) {
        String netKey = NetworkKeys.network(clusterId);
        return cas.run("delete network " + clusterId, () -> {
            Optional<KvEntry> net = store.get(netKey);
            if (net.isEmpty()) {
                return Optional.<NetworkRecord>empty();
            }
            NetworkRecord rec = NetworkKeys.decode(netKey, net.get().value(), NetworkRecord.class);
            Optional<List<TxnOp>> conditions = guard.conditions(rec);
            if (conditions.isEmpty()) {
                return Optional.<NetworkRecord>empty();
            }
            String vniKey = NetworkKeys.vni(rec.vni());
            Optional<KvEntry> vni = store.get(vniKey);
            List<TxnOp> ops = new ArrayList<>();
            ops.add(new TxnOp.DeleteIfIndex(netKey, net.get().modifyIndex()));
            if (vni.isPresent() && vni.get().valueAsString().equals(clusterId)) {
                ops.add(new TxnOp.DeleteIfIndex(vniKey, vni.get().modifyIndex()));
            }
            int first = ops.size();
            ops.addAll(conditions.get());
            try {
                store.txn(ops);
            } catch (TxnAbortedException aborted) {
                if (aborted.opIndex() >= first && !askAgain) {
                    return Optional.<NetworkRecord>empty(); // a caller's condition does not hold
                }
                throw aborted;
            }
            return Optional.of(rec);
        });
    }

    // ---- endpoints --------------------------------------------------------------------------

    /** A network record and one endpoint record, read in one transaction. */
    public record NetworkAndEndpoint(Optional<NetworkRecord> network, Optional<EndpointRecord> endpoint) {}

    /** Reads network {@code clusterId} and its endpoint {@code endpointId} in one transaction. */
    public NetworkAndEndpoint read(String clusterId, String endpointId) {
        String netKey = NetworkKeys.network(clusterId);
        String epKey = NetworkKeys.endpoint(clusterId, endpointId);
        List<KvEntry> got = call("read network " + clusterId + " and endpoint " + endpointId,
                () -> store.txn(List.of(new TxnOp.Get(netKey), new TxnOp.Get(epKey))));
        Optional<NetworkRecord> net = Optional.empty();
        Optional<EndpointRecord> ep = Optional.empty();
        for (KvEntry e : got) {
            if (e.key().equals(netKey)) {
                net = Optional.of(NetworkKeys.decode(netKey, e.value(), NetworkRecord.class));
            } else if (e.key().equals(epKey)) {
                ep = Optional.of(NetworkKeys.decode(epKey, e.value(), EndpointRecord.class));
            }
        }
        return new NetworkAndEndpoint(net, ep);
    }

    /** Reads an endpoint record. */
    public Optional<EndpointRecord> findEndpoint(String networkId, String endpointId) {
        return call("read endpoint " + endpointId, () -> endpoints.findEndpoint(networkId, endpointId));
    }

    /** All endpoint records of a network, on every host, sorted by endpoint ID (a corrupt one is left out). */
    public List<EndpointRecord> endpoints(String networkId) {
        return decodedEndpoints.decode(networkId, call("list endpoints of network " + networkId,
                () -> store.list(NetworkKeys.endpointsOf(networkId))));
    }

    /**
     * The endpoint records of a network in {@code listing}, entries of {@code endpoints/<networkId>/} read
     * elsewhere (the endpoints watch), decoded like {@link #endpoints(String)} (a corrupt one is left out).
     */
    public List<EndpointRecord> endpointsFrom(String networkId, List<KvEntry> listing) {
        return decodedEndpoints.decode(networkId, listing);
    }

    /**
     * Every endpoint record of host {@code hostId}, in every network (also under a network record
     * that no longer exists), sorted by key. One listing of {@code endpoints/}.
     */
    public List<EndpointRecord> endpointsOfHost(String hostId) {
        return decodeAll(call("list endpoints", () -> store.list(NetworkKeys.ENDPOINTS)), EndpointRecord.class)
                .stream().filter(e -> e.hostId().equals(hostId)).toList();
    }

    /**
     * Creates an endpoint record with its index keys in one transaction. The same endpoint already
     * stored is success and returns the stored record (with its first creation time).
     *
     * @throws OverlayException CONFLICT when the ID exists with other values, or when the MAC or an
     *                          address is held by another live endpoint (naming it and its host)
     */
    public EndpointRecord createEndpoint(EndpointRecord record) {
        return endpoints.create(record);
    }

    /**
     * Deletes an endpoint record and its index keys in one transaction (conditional on the record's
     * modify index, re-read on a lost race). Absent is fine.
     *
     * @return the deleted record, empty when there was none
     */
    public Optional<EndpointRecord> deleteEndpoint(String networkId, String endpointId) {
        return endpoints.delete(networkId, endpointId);
    }

    /**
     * Deletes {@code expected} with its index keys only if the stored record is still that one (same
     * values and creation time), so an endpoint created again with the same ID is not undone.
     *
     * @return whether it was deleted
     */
    public boolean deleteStaleEndpoint(EndpointRecord expected) {
        return endpoints.deleteIfSame(expected);
    }

    /** The endpoint of network {@code clusterId} whose index key holds {@code ip}: one read. */
    public Optional<String> endpointHolding(String clusterId, IpAddress ip) {
        return call("read the holder of " + ip + " in network " + clusterId,
                () -> store.get(NetworkKeys.ipIndex(clusterId, ip))).map(KvEntry::valueAsString);
    }

    /**
     * Rewrites the VTEP of every endpoint record of {@code hostId} that carries another address
     * (the host's advertise address changed across a restart): peers would otherwise tunnel to
     * the old one. Returns how many records were rewritten.
     */
    public int refreshVteps(String hostId, IpAddress vtep) {
        int n = 0;
        for (KvEntry entry : call("list endpoints", () -> store.list(NetworkKeys.ENDPOINTS))) {
            EndpointRecord e;
            try {
                e = NetworkKeys.decode(entry.key(), entry.value(), EndpointRecord.class);
            } catch (IllegalArgumentException corrupt) {
                continue;
            }
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
        return n;
    }

    // ---- helpers ------------------------------------------------------------------------------

    private <T> List<T> decodeAll(List<KvEntry> entries, Class<T> type) {
        List<T> out = new ArrayList<>(entries.size());
        for (KvEntry e : entries) {
            try {
                out.add(NetworkKeys.decode(e.key(), e.value(), type));
            } catch (IllegalArgumentException corrupt) {
                // One unreadable record must not stop every other network's or endpoint's work.
                LOG.log(Level.WARNING, corrupt.getMessage() + "; ignoring it");
            }
        }
        return out;
    }

    <T> T call(String what, CasRetry.Attempt<T> body) {
        return cas.once(what, body);
    }
}
