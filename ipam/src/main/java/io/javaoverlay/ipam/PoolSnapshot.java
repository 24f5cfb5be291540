package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.PoolIndex;
import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpPrefix;

import java.util.ArrayList;
import java.util.List;

/**
 * A consistent read (one transaction) of a family's pool index and, optionally, one pool record,
 * with their modify indexes for the compare-and-set that follows.
 *
 * @param index    the family's index (empty if the key does not exist)
 * @param indexIdx its modify index, or -1 if the key does not exist
 * @param pool     the pool record, or null
 * @param poolIdx  its modify index, or -1
 */
record PoolSnapshot(PoolIndex index, long indexIdx, PoolRecord pool, long poolIdx) {

    boolean indexExists() {
        return indexIdx >= 0;
    }

    /** The pool record if it is active and, when {@code poolId} is not null, of that generation. */
    PoolRecord activePool(String poolId) {
        return pool != null && pool.active() && (poolId == null || pool.poolId().equals(poolId)) ? pool : null;
    }

    /** Reads the index of {@code v6}'s family and the record of {@code pool} (null: the index only). */
    static PoolSnapshot read(KvStore store, boolean v6, IpPrefix pool) throws KvStoreException {
        String ik = IpamKeys.poolIndex(v6);
        String pk = pool == null ? null : IpamKeys.pool(pool);
        List<TxnOp> ops = new ArrayList<>();
        ops.add(new TxnOp.Get(ik));
        if (pk != null) {
            ops.add(new TxnOp.Get(pk));
        }
        PoolIndex index = new PoolIndex(List.of());
        long indexIdx = -1;
        PoolRecord rec = null;
        long recIdx = -1;
        for (KvEntry e : store.txn(ops)) {
            if (e.key().equals(ik)) {
                index = IpamRecords.decode(e.key(), e.value(), PoolIndex.class);
                indexIdx = e.modifyIndex();
            } else if (e.key().equals(pk)) {
                rec = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
                recIdx = e.modifyIndex();
            }
        }
        return new PoolSnapshot(index, indexIdx, rec, recIdx);
    }
}
