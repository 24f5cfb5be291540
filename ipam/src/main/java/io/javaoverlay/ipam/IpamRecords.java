package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.StoredJson;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON records ipam keeps in the store (see {@link IpamKeys} for where); the codec is the
 * kvstore's {@link StoredJson} (unknown fields ignored, addresses as their text).
 */
final class IpamRecords {

    private IpamRecords() {
    }

    /** Pool lifecycle: ACTIVE, or DELETING while its addresses are being removed (a tombstone). */
    static final String ACTIVE = "active";
    static final String DELETING = "deleting";

    /**
     * One pool.
     *
     * @param poolId       the ID handed to Docker
     * @param pool         master pool (a block: host bits zero)
     * @param subPool      sub-pool ({@code --ip-range}) or null
     * @param addressSpace the space it was first requested in
     * @param network      the logical network ({@code javaoverlay.network} option) or null
     * @param auto         true if picked from the default pools
     * @param gateway      the gateway address once allocated, else null
     * @param state        {@link #ACTIVE} or {@link #DELETING}
     * @param holders      one entry per outstanding RequestPool (reference count = size)
     */
    record PoolRecord(String poolId, IpPrefix pool, IpPrefix subPool, String addressSpace, String network,
                      boolean auto, IpAddress gateway, String state, List<Holder> holders) {
        PoolRecord {
            holders = holders == null ? List.of() : List.copyOf(holders);
        }

        boolean active() {
            return ACTIVE.equals(state);
        }

        PoolRecord withHolders(List<Holder> h) {
            return new PoolRecord(poolId, pool, subPool, addressSpace, network, auto, gateway, state, h);
        }

        PoolRecord plusHolder(Holder h) {
            List<Holder> l = new ArrayList<>(holders);
            l.add(h);
            return withHolders(l);
        }

        PoolRecord withGateway(IpAddress gw) {
            return new PoolRecord(poolId, pool, subPool, addressSpace, network, auto, gw, state, holders);
        }

        PoolRecord deleting() {
            return new PoolRecord(poolId, pool, subPool, addressSpace, network, auto, gateway, DELETING, List.of());
        }

        /** The range addresses are picked from: the sub-pool, else the pool. */
        IpPrefix range() {
            return subPool == null ? pool : subPool;
        }

        /** "pool 10.20.0.0/24 (network blue, PoolID ...)" for messages. */
        String describe() {
            return "pool " + pool + (subPool == null ? "" : " (sub-pool " + subPool + ")")
                    + " of " + (network == null ? "an unnamed network" : "network " + network)
                    + " (PoolID " + poolId + ")";
        }
    }

    /**
     * One outstanding RequestPool.
     *
     * @param host  the host that made it
     * @param since epoch milliseconds, for operators
     */
    record Holder(String host, long since) {
    }

    /** Every pool of one family, for the overlap check; pools are created rarely, so one CAS key is fine. */
    record PoolIndex(List<IndexEntry> pools) {
        PoolIndex {
            pools = pools == null ? List.of() : List.copyOf(pools);
        }

        PoolIndex plus(IndexEntry e) {
            List<IndexEntry> l = new ArrayList<>(pools);
            l.add(e);
            return new PoolIndex(l);
        }

        PoolIndex minus(String poolId) {
            return new PoolIndex(pools.stream().filter(e -> !e.poolId().equals(poolId)).toList());
        }
    }

    /** One index entry: the subnet, its pool ID and its logical network (or null). */
    record IndexEntry(IpPrefix pool, String poolId, String network) {
    }

    /**
     * One allocated address.
     *
     * @param kind  "gateway" or "address"
     * @param host  the host that allocated it
     * @param since epoch milliseconds
     */
    record AddressRecord(String kind, String host, long since) {
    }

    static byte[] encode(Object record) {
        return StoredJson.encode(record);
    }

    /**
     * @throws OverlayException INTERNAL naming the key if the stored value is not a valid record
     */
    static <T> T decode(String key, byte[] value, Class<T> type) {
        try {
            return StoredJson.decode(key, value, type);
        } catch (IllegalArgumentException e) {
            throw new OverlayException(OverlayException.Kind.INTERNAL, e.getMessage(), e);
        }
    }
}
