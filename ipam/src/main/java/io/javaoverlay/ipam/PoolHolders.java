package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.Holder;
import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpPrefix;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The holders of a pool and the pool's end: ReleasePool, the holder repairs of the reconciler and
 * the dead-host collector, and the one path that deletes a pool when its last holder goes
 * ({@link #writeHolders}), plus the sweep of tombstones a crash left behind.
 *
 * <p>Deleting a pool is a tombstone first and a prefix delete after (see {@code package-info}):
 * one transaction removes the pool from its family's index and rewrites its record as
 * {@code deleting}; from that commit on, the pool is gone for every reader and every address claim
 * fails its CheckIndex. Its addresses are then removed by prefix, and finally the tombstone.
 */
final class PoolHolders {

    private static final System.Logger LOG = System.getLogger(PoolHolders.class.getName());

    /** What a holder removal did. */
    enum Removal {
        /** No holder matched, or the pool is not active. */
        NONE,
        /** One holder removed; others remain. */
        REMOVED,
        /** The last holder was removed and the pool deleted. */
        POOL_DELETED
    }

    private final IpamConfig config;
    private final CasRetry calls;
    private final KvStore store;
    private final Clock clock;
    private final Consumer<String> onDeleted;

    /**
     * @param onDeleted called with the pool ID of every pool this instance deletes (cache eviction)
     */
    PoolHolders(IpamConfig config, CasRetry calls, Clock clock, Consumer<String> onDeleted) {
        this.config = config;
        this.calls = calls;
        this.store = calls.store();
        this.clock = clock;
        this.onDeleted = onDeleted;
    }

    /** ReleasePool: whose holder goes depends on the scope (see {@link IpamConfig.Scope}). */
    void releasePool(String poolId) {
        IpPrefix subnet = IpamKeys.subnetOf(poolId).orElseThrow(() -> PoolAllocator.invalidPoolId(poolId));
        calls.run("release pool " + subnet, () -> {
            PoolSnapshot s = PoolSnapshot.read(store, subnet.v6(), subnet);
            PoolRecord rec = s.pool();
            if (rec == null || !rec.poolId().equals(poolId)) {
                return Removal.NONE; // unknown or stale ID: nothing to release (E13)
            }
            if (!rec.active()) {
                finishDeletion(rec, s.poolIdx());
                return Removal.NONE;
            }
            int victim = newestOf(rec.holders(), config.hostId(), Long.MAX_VALUE);
            if (victim < 0 && config.scope() == IpamConfig.Scope.GLOBAL && !rec.holders().isEmpty()) {
                victim = 0; // 20.10 cluster store: `docker network rm` may run on any host
            }
            if (victim < 0) {
                // Scope local: every host releases its own network's pool. Nothing of ours is left,
                // so this is a repeat (or a release after a lost RequestPool): another host's holder
                // is not ours to take.
                LOG.log(Level.INFO, "ReleasePool of {0} from host {1}: this host holds none of its {2} holder(s);"
                        + " nothing to release (repeated ReleasePool)", rec.describe(), config.hostId(),
                        rec.holders().size());
                return Removal.NONE;
            }
            return remove(s, victim);
        });
    }

    /** Removes the newest holder of {@code host} no newer than {@code notAfterSince}. */
    Removal removeHolder(IpPrefix pool, String host, long notAfterSince) {
        return calls.run("remove a holder of host " + host + " from pool " + pool, () -> {
            PoolSnapshot s = PoolSnapshot.read(store, pool.v6(), pool);
            PoolRecord rec = s.activePool(null);
            if (rec == null) {
                return Removal.NONE;
            }
            int victim = newestOf(rec.holders(), host, notAfterSince);
            if (victim < 0) {
                return Removal.NONE;
            }
            Holder h = rec.holders().get(victim);
            Removal r = remove(s, victim);
            LOG.log(Level.INFO, "removed holder of host {0} (since {1}) from {2}{3}", host, Instant.ofEpochMilli(h.since()),
                    rec.describe(),
                    r == Removal.POOL_DELETED ? ": it was the last one, pool deleted" : "");
            return r;
        });
    }

    /** Adds a holder for {@code host}, since now on this host's clock. */
    void addHolder(IpPrefix pool, String host) {
        calls.run("add a holder of host " + host + " to pool " + pool, () -> {
            PoolSnapshot s = PoolSnapshot.read(store, pool.v6(), pool);
            PoolRecord rec = s.activePool(null);
            if (rec == null) {
                throw new PoolNotFoundException("pool " + pool + " does not exist: it was released or never"
                        + " requested from javaoverlay; cannot add a holder for host " + host);
            }
            store.compareAndSet(IpamKeys.pool(pool), IpamRecords.encode(rec.plusHolder(new Holder(host, clock.millis()))),
                    s.poolIdx());
            LOG.log(Level.INFO, "added a holder of host {0} to {1}: {2} holder(s)", host, rec.describe(),
                    rec.holders().size() + 1);
            return Boolean.TRUE;
        });
    }

    /** Every active pool record (one listing of {@code ipam/pools/}). */
    List<PoolRecord> activePools() throws KvStoreException {
        List<PoolRecord> out = new ArrayList<>();
        for (KvEntry e : store.list(IpamKeys.ROOT + "pools/")) {
            PoolRecord rec = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
            if (rec.active()) {
                out.add(rec);
            }
        }
        return out;
    }

    /** Clears tombstones a crashed process left; safe at any time, on any host. */
    int sweepTombstones() {
        return calls.once("sweep released pools", () -> {
            int n = 0;
            for (KvEntry e : store.list(IpamKeys.ROOT + "pools/")) {
                PoolRecord rec = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
                if (!rec.active()) {
                    finishDeletion(rec, e.modifyIndex());
                    n++;
                }
            }
            if (n > 0) {
                LOG.log(Level.INFO, "finished the deletion of {0} released pool(s) a previous run left half done", n);
            }
            return n;
        });
    }

    /** Index of the newest holder of {@code host} with {@code since <= notAfterSince}, or -1. */
    private static int newestOf(List<Holder> holders, String host, long notAfterSince) {
        int best = -1;
        for (int i = 0; i < holders.size(); i++) {
            Holder h = holders.get(i);
            if (h.host().equals(host) && h.since() <= notAfterSince
                    && (best < 0 || h.since() >= holders.get(best).since())) {
                best = i;
            }
        }
        return best;
    }

    private Removal remove(PoolSnapshot s, int victim) throws KvStoreException {
        List<Holder> left = new ArrayList<>(s.pool().holders());
        left.remove(victim);
        return writeHolders(s, left) ? Removal.POOL_DELETED : Removal.REMOVED;
    }

    /**
     * The one place a pool's holders are rewritten after a removal: with holders left, a CAS of the
     * record; with none, the pool's deletion (tombstone, addresses, tombstone removal).
     *
     * @return true if the pool was deleted
     * @throws CasConflictException when the record or the index changed since {@code s} was read
     */
    boolean writeHolders(PoolSnapshot s, List<Holder> holders) throws KvStoreException {
        PoolRecord rec = s.pool();
        String pk = IpamKeys.pool(rec.pool());
        if (!holders.isEmpty()) {
            store.compareAndSet(pk, IpamRecords.encode(rec.withHolders(holders)), s.poolIdx());
            return false;
        }
        // Last holder: drop it from the index and turn the record into a tombstone atomically.
        // From this commit on the pool is gone for every reader and every address claim fails
        // its CheckIndex; the addresses are then removed by prefix.
        String ik = IpamKeys.poolIndex(rec.pool().v6());
        List<TxnOp> ops = new ArrayList<>();
        if (s.indexExists()) {
            ops.add(new TxnOp.Cas(ik, IpamRecords.encode(s.index().minus(rec.poolId())), s.indexIdx()));
        }
        ops.add(new TxnOp.Cas(pk, IpamRecords.encode(rec.deleting()), s.poolIdx()));
        store.txn(ops);
        LOG.log(Level.INFO, "released {0}: last holder gone, deleting it", rec.describe());
        onDeleted.accept(rec.poolId());
        Optional<KvEntry> tomb = store.get(pk);
        if (tomb.isPresent()) {
            PoolRecord t = IpamRecords.decode(pk, tomb.get().value(), PoolRecord.class);
            if (t.poolId().equals(rec.poolId()) && !t.active()) {
                finishDeletion(t, tomb.get().modifyIndex());
            }
        }
        return true;
    }

    /** Removes a tombstoned pool's addresses, then the tombstone. Safe to run on several hosts at once. */
    void finishDeletion(PoolRecord tomb, long tombIdx) throws KvStoreException {
        store.deletePrefix(IpamKeys.addressPrefix(tomb.poolId()));
        try {
            store.deleteIfIndex(IpamKeys.pool(tomb.pool()), tombIdx);
        } catch (CasConflictException e) {
            // another host finished it first (or the subnet was claimed anew): nothing left to do
        }
    }
}
