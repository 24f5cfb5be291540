package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.AddressRecord;
import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.ipam.IpamService.AddressGrant;
import io.javaoverlay.ipam.IpamService.AddressKind;
import io.javaoverlay.ipam.IpamService.AddressRequest;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.math.BigInteger;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Allocates and releases addresses. Each allocated address is its own key
 * ({@link IpamKeys#address}), claimed in a transaction that also checks the pool record's modify
 * index, so a claim can never land in a pool that is being (or has been) released, and two hosts
 * only ever contend when they try the very same address. Searches start at a per-host offset and
 * then follow a per-pool cursor in this JVM (see {@link AddressPicker}).
 *
 * <p>In-memory state is a cache only: the pool record with its index (used for the hot path,
 * safe because the claim transaction re-checks that index) and a set of addresses known to be
 * taken (a stale entry can only make us skip a free address; exhaustion is confirmed with a fresh
 * listing).
 */
final class AddressAllocator {

    private static final String GATEWAY = IpamService.AddressClaim.GATEWAY;
    private static final String ADDRESS = IpamService.AddressClaim.ADDRESS;

    private final IpamConfig config;
    private final CasRetry calls;
    private final KvStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, PoolState> pools = new ConcurrentHashMap<>();

    /** Per-pool cache; guarded by its own monitor. */
    private static final class PoolState {
        PoolRecord record;
        long index;
        BigInteger cursor;
        final Set<BigInteger> taken = new HashSet<>();
        final Set<BigInteger> pending = new HashSet<>();
        boolean listed;
        int conflicts;
    }

    /**
     * After this many lost claims in a row, re-list the pool's addresses instead of stepping
     * one address per round trip: another host is allocating in the region the cursor walks into.
     */
    private static final int RELIST_AFTER_CONFLICTS = 2;

    AddressAllocator(IpamConfig config, CasRetry calls, Clock clock) {
        this.config = config;
        this.calls = calls;
        this.store = calls.store();
        this.clock = clock;
    }

    AddressGrant requestAddress(AddressRequest r) {
        IpPrefix subnet = IpamKeys.subnetOf(r.poolId()).orElseThrow(() -> PoolAllocator.invalidPoolId(r.poolId()));
        Optional<IpAddress> preferred = r.address();
        String what = "allocate an address in pool " + subnet;
        if (r.kind() == AddressKind.GATEWAY) {
            return calls.run(what, () -> gateway(r.poolId(), subnet, preferred));
        }
        if (preferred.isPresent()) {
            return calls.run(what, () -> specific(r.poolId(), subnet, preferred.get()));
        }
        return calls.run(what, () -> anyFree(r.poolId(), subnet));
    }

    void releaseAddress(String poolId, IpAddress ip) {
        IpPrefix subnet = IpamKeys.subnetOf(poolId).orElseThrow(() -> PoolAllocator.invalidPoolId(poolId));
        String key = IpamKeys.address(poolId, ip);
        calls.run("release address " + ip + " in pool " + subnet, () -> {
            Optional<KvEntry> pe = store.get(IpamKeys.pool(subnet));
            PoolRecord rec = pe.map(e -> IpamRecords.decode(e.key(), e.value(), PoolRecord.class)).orElse(null);
            if (rec != null && rec.poolId().equals(poolId) && rec.active() && ip.equals(rec.gateway())) {
                if (!mayReleaseGateway(rec)) {
                    // Another network still uses this gateway (E16): keep it until the last
                    // holder goes; the pool's deletion removes it then.
                    return Boolean.TRUE;
                }
                store.txn(List.of(new TxnOp.Cas(pe.get().key(), IpamRecords.encode(rec.withGateway(null)),
                        pe.get().modifyIndex()), new TxnOp.Delete(key)));
            } else {
                store.delete(key);
            }
            PoolState st = pools.get(poolId);
            if (st != null) {
                synchronized (st) {
                    // The cached pool record may now be stale (gateway cleared); the next claim's
                    // CheckIndex fails then and re-reads it, so there is no need to drop it here.
                    st.taken.remove(ip.value());
                }
            }
            return Boolean.TRUE;
        });
    }

    /**
     * Whether a ReleaseAddress of the gateway may free it: only when the pool has one holder, and
     * in scope local only when that holder is this host's. Docker releases the gateway right before
     * the pool on each host's {@code docker network rm}; a repeated or late release of the gateway
     * from a host that no longer holds the pool must not take it from the host that does.
     */
    private boolean mayReleaseGateway(PoolRecord rec) {
        if (rec.holders().size() > 1) {
            return false;
        }
        return rec.holders().isEmpty() || config.scope() == IpamConfig.Scope.GLOBAL
                || rec.holders().get(0).host().equals(config.hostId());
    }

    /** Drops the cache of a pool (after a release; it is rebuilt on demand if the pool lives on). */
    void forget(String poolId) {
        pools.remove(poolId);
    }

    /** Notes that {@code ip} of pool {@code poolId} was freed by another path (a repair). */
    void freed(String poolId, IpAddress ip) {
        PoolState st = pools.get(poolId);
        if (st != null) {
            synchronized (st) {
                st.taken.remove(ip.value());
            }
        }
    }

    // ---- the three kinds of request ----------------------------------------------------------

    private AddressGrant gateway(String poolId, IpPrefix subnet, Optional<IpAddress> preferred) throws KvStoreException {
        KvEntry pe = activePool(poolId, subnet);
        PoolRecord rec = IpamRecords.decode(pe.key(), pe.value(), PoolRecord.class);
        IpPrefix pool = rec.pool();
        if (rec.gateway() != null) {
            IpAddress gw = rec.gateway();
            if (preferred.isEmpty() || preferred.get().equals(gw)) {
                return new AddressGrant(pool.withAddress(gw)); // re-request of the gateway (E16)
            }
            throw new AddressInUseException("pool " + pool + " already has gateway " + gw
                    + "; cannot make " + preferred.get() + " its gateway too");
        }
        IpAddress ip;
        if (preferred.isPresent()) {
            ip = checkAllocatable(preferred.get(), pool, rec);
        } else {
            Set<BigInteger> taken = listTaken(poolId);
            ip = AddressPicker.nextFree(pool, pool, taken, pool.firstUsable().value())
                    .orElseThrow(() -> exhausted(pool, null));
        }
        String ak = IpamKeys.address(poolId, ip);
        try {
            store.txn(List.of(new TxnOp.Cas(pe.key(), IpamRecords.encode(rec.withGateway(ip)), pe.modifyIndex()),
                    new TxnOp.PutIfAbsent(ak, IpamRecords.encode(addressRecord(GATEWAY)))));
        } catch (TxnAbortedException e) {
            if (preferred.isPresent() && addressTaken(e, 1, ak)) {
                throw inUse(ip, pool);
            }
            throw e; // the pool record changed meanwhile, or another host took that address: again
        }
        return new AddressGrant(pool.withAddress(ip));
    }

    /**
     * A preferred address: one round trip once the pool record is cached (as for {@link #anyFree}),
     * since the claim's CheckIndex on the record refuses a stale copy, which is then read again.
     */
    private AddressGrant specific(String poolId, IpPrefix subnet, IpAddress ip) throws KvStoreException {
        PoolState st = pools.computeIfAbsent(poolId, k -> new PoolState());
        PoolRecord rec;
        long recIdx;
        boolean cached;
        synchronized (st) {
            cached = st.record != null;
            loadRecord(st, poolId, subnet);
            rec = st.record;
            recIdx = st.index;
        }
        IpPrefix pool = rec.pool();
        // Inside the master pool is enough, even outside the sub-pool: aux addresses (E21).
        checkAllocatable(ip, pool, rec);
        if (ip.equals(rec.gateway())) {
            if (cached) {
                dropRecord(st); // the gateway may have been released since: ask the store
                throw CasRetry.conflict("cached record of pool " + pool + " names " + ip + " as its gateway");
            }
            throw new AddressInUseException("Address already in use: " + ip + " is the gateway of pool " + pool);
        }
        String ak = IpamKeys.address(poolId, ip);
        try {
            claim(IpamKeys.pool(subnet), recIdx, ak);
        } catch (TxnAbortedException e) {
            if (addressTaken(e, 1, ak)) {
                throw inUse(ip, pool);
            }
            dropRecord(st);
            throw e; // the pool record changed meanwhile (or is gone): read it again
        }
        remember(poolId, ip);
        return new AddressGrant(pool.withAddress(ip));
    }

    /** Reads the pool record into the cache unless it is there; call it holding {@code st}'s lock. */
    private void loadRecord(PoolState st, String poolId, IpPrefix subnet) throws KvStoreException {
        if (st.record == null) {
            KvEntry pe = activePool(poolId, subnet);
            st.record = IpamRecords.decode(pe.key(), pe.value(), PoolRecord.class);
            st.index = pe.modifyIndex();
        }
    }

    private static void dropRecord(PoolState st) {
        synchronized (st) {
            st.record = null;
        }
    }

    private AddressGrant anyFree(String poolId, IpPrefix subnet) throws KvStoreException {
        PoolState st = pools.computeIfAbsent(poolId, k -> new PoolState());
        PoolRecord rec;
        long recIdx;
        IpAddress ip;
        IpPrefix pool;
        IpPrefix range;
        synchronized (st) {
            loadRecord(st, poolId, subnet);
            rec = st.record;
            recIdx = st.index;
            pool = rec.pool();
            range = rec.range();
            if (!st.listed) {
                refresh(st, poolId);
            }
            if (st.cursor == null) {
                st.cursor = AddressPicker.hostStart(config.hostId(), range);
            }
            Optional<IpAddress> pick = AddressPicker.nextFree(pool, range, union(st), st.cursor);
            if (pick.isEmpty()) {
                refresh(st, poolId); // the cache may hold addresses released elsewhere
                pick = AddressPicker.nextFree(pool, range, union(st), st.cursor);
            }
            if (pick.isEmpty()) {
                throw exhausted(pool, rec.subPool());
            }
            ip = pick.get();
            st.pending.add(ip.value());
            st.cursor = ip.value().add(BigInteger.ONE);
        }
        String ak = IpamKeys.address(poolId, ip);
        boolean won = false;
        try {
            claim(IpamKeys.pool(subnet), recIdx, ak);
            won = true;
        } catch (TxnAbortedException e) {
            boolean taken = addressTaken(e, 1, ak);
            synchronized (st) {
                if (taken) {
                    st.taken.add(ip.value()); // someone else's: skip it next time
                    // Another allocator is walking the same stretch; stepping +1 would race it
                    // for every following address too. Continue from a random point instead.
                    st.cursor = randomIn(range);
                    if (++st.conflicts >= RELIST_AFTER_CONFLICTS) {
                        st.listed = false;
                        st.conflicts = 0;
                    }
                } else {
                    st.record = null; // the pool record changed (or vanished): re-read it
                }
            }
            throw e; // lost the race for this address: another attempt picks the next one
        } finally {
            synchronized (st) {
                st.pending.remove(ip.value());
                if (won) {
                    st.taken.add(ip.value());
                    st.conflicts = 0;
                }
            }
        }
        return new AddressGrant(pool.withAddress(ip));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** One round trip: the address key is created only while the pool record is unchanged. */
    private void claim(String poolKey, long poolIdx, String addrKey) throws KvStoreException {
        store.txn(List.of(new TxnOp.CheckIndex(poolKey, poolIdx),
                new TxnOp.PutIfAbsent(addrKey, IpamRecords.encode(addressRecord(ADDRESS)))));
    }

    /** True if the abort was caused by op {@code addrOp} (the address key exists). */
    private boolean addressTaken(TxnAbortedException e, int addrOp, String addrKey) throws KvStoreException {
        if (e.opIndex() >= 0) {
            return e.opIndex() == addrOp;
        }
        return store.get(addrKey).isPresent(); // backend did not say which op failed
    }

    private KvEntry activePool(String poolId, IpPrefix subnet) throws KvStoreException {
        Optional<KvEntry> pe = store.get(IpamKeys.pool(subnet));
        if (pe.isPresent()) {
            PoolRecord rec = IpamRecords.decode(pe.get().key(), pe.get().value(), PoolRecord.class);
            if (rec.poolId().equals(poolId) && rec.active()) {
                return pe.get();
            }
        }
        pools.remove(poolId);
        throw new PoolNotFoundException("pool " + poolId + " (" + subnet + ") does not exist: it was released"
                + " or never requested from javaoverlay");
    }

    private void refresh(PoolState st, String poolId) throws KvStoreException {
        st.taken.clear();
        for (KvEntry e : store.list(IpamKeys.addressPrefix(poolId))) {
            st.taken.add(IpamKeys.addressOf(e.key()).value());
        }
        st.listed = true;
    }

    private Set<BigInteger> listTaken(String poolId) throws KvStoreException {
        Set<BigInteger> taken = new HashSet<>();
        for (KvEntry e : store.list(IpamKeys.addressPrefix(poolId))) {
            taken.add(IpamKeys.addressOf(e.key()).value());
        }
        return taken;
    }

    private static BigInteger randomIn(IpPrefix range) {
        BigInteger r = new BigInteger(range.address().bits(), java.util.concurrent.ThreadLocalRandom.current());
        return range.start().add(r.mod(range.size()));
    }

    private static Set<BigInteger> union(PoolState st) {
        if (st.pending.isEmpty()) {
            return st.taken;
        }
        Set<BigInteger> all = new HashSet<>(st.taken);
        all.addAll(st.pending);
        return all;
    }

    private void remember(String poolId, IpAddress ip) {
        PoolState st = pools.get(poolId);
        if (st != null) {
            synchronized (st) {
                st.taken.add(ip.value());
            }
        }
    }

    static IpAddress checkAllocatable(IpAddress ip, IpPrefix pool, PoolRecord rec) {
        if (!pool.contains(ip)) {
            throw PoolAllocator.invalid("address " + ip + " is outside pool " + pool);
        }
        if (pool.isReserved(ip)) {
            throw PoolAllocator.invalid("address " + ip + " is the " + (ip.equals(pool.networkAddress()) ? "network" : "broadcast")
                    + " address of pool " + pool + " and cannot be allocated");
        }
        return ip;
    }

    private AddressRecord addressRecord(String kind) {
        return new AddressRecord(kind, config.hostId(), clock.millis());
    }

    private static AddressInUseException inUse(IpAddress ip, IpPrefix pool) {
        return new AddressInUseException("Address already in use: " + ip + " is already allocated in pool " + pool);
    }

    private static PoolExhaustedException exhausted(IpPrefix pool, IpPrefix subPool) {
        IpPrefix range = subPool == null ? pool : subPool;
        return new PoolExhaustedException("No available addresses on this pool: pool " + pool
                + (subPool == null ? "" : " (sub-pool " + subPool + ")") + " has all "
                + AddressPicker.usableCount(pool, range) + " usable addresses allocated");
    }
}
