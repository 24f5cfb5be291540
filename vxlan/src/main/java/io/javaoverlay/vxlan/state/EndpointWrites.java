package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoint transactions of {@link OverlayStore}: a record and its index keys
 * ({@link NetworkKeys#indexKeys}) are created and deleted together, in one transaction each.
 * A create that aborts is explained by the operation that failed: the record itself (the same
 * endpoint again is success, another one CONFLICT), or an index key (held by a live endpoint:
 * CONFLICT naming it and its host; left behind by a record that is gone: removed by CAS and the
 * create retried).
 */
final class EndpointWrites {
    private final KvStore store;
    private final CasRetry cas;

    EndpointWrites(KvStore store, CasRetry cas) {
        this.store = store;
        this.cas = cas;
    }

    /** See {@link OverlayStore#createEndpoint}. */
    EndpointRecord create(EndpointRecord rec) {
        String key = NetworkKeys.endpoint(rec.networkId(), rec.endpointId());
        List<String> index = NetworkKeys.indexKeys(rec);
        byte[] eid = rec.endpointId().getBytes(StandardCharsets.UTF_8);
        // Each stale index key costs one cleanup and one more attempt; never more than there are keys.
        AtomicInteger cleanups = new AtomicInteger(index.size());
        return cas.run("create endpoint " + rec.endpointId() + " of network " + rec.networkId(), () -> {
            List<TxnOp> ops = new ArrayList<>(1 + index.size());
            ops.add(new TxnOp.PutIfAbsent(key, NetworkKeys.encode(rec)));
            index.forEach(k -> ops.add(new TxnOp.PutIfAbsent(k, eid)));
            try {
                store.txn(ops);
                return rec;
            } catch (TxnAbortedException aborted) {
                return explain(rec, key, index, aborted.opIndex(), cleanups);
            }
        });
    }

    /**
     * Why the create of {@code rec} aborted. Returns the stored record when it is the same endpoint;
     * throws CONFLICT for a real clash, or {@link CasConflictException} to run the attempt again
     * (something changed in between, or a stale index key was just removed).
     */
    private EndpointRecord explain(EndpointRecord rec, String key, List<String> index, int opIndex,
                                   AtomicInteger cleanups) throws KvStoreException {
        Optional<KvEntry> stored = store.get(key);
        if (stored.isPresent()) {
            EndpointRecord other = NetworkKeys.decode(key, stored.get().value(), EndpointRecord.class);
            if (other.withVtep(rec.vtep()).sameEndpoint(rec)) {
                // A repeated create: the first answer stands (with its creation time). The VTEP may
                // differ after a restart with another advertise address; refreshVteps rewrites it.
                return other;
            }
            throw new OverlayException(Kind.CONFLICT, "endpoint " + rec.endpointId() + " of network "
                    + rec.networkId() + " already exists with different addresses, MAC or host (" + other.hostId() + ")");
        }
        List<String> suspects = opIndex >= 1 && opIndex <= index.size() ? List.of(index.get(opIndex - 1)) : index;
        for (String k : suspects) {
            Optional<KvEntry> held = store.get(k);
            if (held.isEmpty()) {
                continue;
            }
            String owner = held.get().valueAsString();
            Optional<EndpointRecord> ownerRecord = owner.equals(rec.endpointId()) || !NetworkKeys.isValidId(owner)
                    ? Optional.empty() : findEndpoint(rec.networkId(), owner);
            if (ownerRecord.isPresent()) {
                throw new OverlayException(Kind.CONFLICT, "endpoint " + rec.endpointId() + ": " + what(k) + " is already"
                        + " used by endpoint " + owner + " on host " + ownerRecord.get().hostId());
            }
            // Left behind by a record that is gone (or by an earlier try of this very endpoint).
            if (cleanups.getAndDecrement() <= 0) {
                throw new OverlayException(Kind.CONFLICT, "endpoint " + rec.endpointId() + ": " + what(k)
                        + " keeps being claimed by endpoints that do not exist; retry the request");
            }
            try {
                store.deleteIfIndex(k, held.get().modifyIndex());
            } catch (CasConflictException changed) {
                // rewritten or removed meanwhile: the next attempt sees what it is now
            }
            throw CasRetry.conflict("stale index key " + k + " removed");
        }
        throw CasRetry.conflict("the keys of endpoint " + rec.endpointId() + " changed concurrently");
    }

    /** "MAC 02:42:..." or "address 10.20.0.5" for an index key. */
    private static String what(String indexKey) {
        int slash = indexKey.lastIndexOf('/');
        String kind = indexKey.substring(indexKey.lastIndexOf('/', slash - 1) + 1, slash);
        return ("mac".equals(kind) ? "MAC " : "address ") + indexKey.substring(slash + 1);
    }

    /** See {@link OverlayStore#deleteEndpoint}. */
    Optional<EndpointRecord> delete(String networkId, String endpointId) {
        return delete(networkId, endpointId, Optional.empty());
    }

    /** See {@link OverlayStore#deleteStaleEndpoint}. */
    boolean deleteIfSame(EndpointRecord expected) {
        return delete(expected.networkId(), expected.endpointId(), Optional.of(expected)).isPresent();
    }

    private Optional<EndpointRecord> delete(String networkId, String endpointId, Optional<EndpointRecord> expected) {
        String key = NetworkKeys.endpoint(networkId, endpointId);
        return cas.run("delete endpoint " + endpointId + " of network " + networkId, () -> {
            Optional<KvEntry> stored = store.get(key);
            if (stored.isEmpty()) {
                return Optional.<EndpointRecord>empty();
            }
            EndpointRecord rec = NetworkKeys.decode(key, stored.get().value(), EndpointRecord.class);
            if (expected.isPresent() && !(rec.sameEndpoint(expected.get())
                    && rec.createdAt() == expected.get().createdAt())) {
                return Optional.<EndpointRecord>empty(); // created again meanwhile: that one is not stale
            }
            List<TxnOp> ops = new ArrayList<>();
            ops.add(new TxnOp.DeleteIfIndex(key, stored.get().modifyIndex()));
            if (rec.isLegacy()) {
                // Written before index keys existed: a key with its address may belong to a newer endpoint.
                for (String k : NetworkKeys.indexKeys(rec)) {
                    Optional<KvEntry> held = store.get(k);
                    if (held.isPresent() && held.get().valueAsString().equals(endpointId)) {
                        ops.add(new TxnOp.DeleteIfIndex(k, held.get().modifyIndex()));
                    }
                }
            } else {
                // While the record lives its index keys are its own: nobody else may take them.
                NetworkKeys.indexKeys(rec).forEach(k -> ops.add(new TxnOp.Delete(k)));
            }
            store.txn(ops);
            return Optional.of(rec);
        });
    }

    /** Reads one endpoint record. */
    Optional<EndpointRecord> findEndpoint(String networkId, String endpointId) throws KvStoreException {
        String key = NetworkKeys.endpoint(networkId, endpointId);
        return store.get(key).map(e -> NetworkKeys.decode(key, e.value(), EndpointRecord.class));
    }
}
