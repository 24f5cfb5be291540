package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.AddressRecord;
import io.javaoverlay.ipam.IpamRecords.PoolIndex;
import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.TxnOp;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's view of ipam's records (pools, their holders and allocated addresses) and the
 * clean-up of a host that is gone for good. Reads are plain listings of {@code ipam/}; writes use
 * the same compare-and-set discipline as the allocators, so they are safe while hosts allocate.
 * Obtained from {@link KvIpamService#inventory()}.
 */
public final class IpamInventory {
    private static final String POOLS = IpamKeys.ROOT + "pools/";
    private static final String ADDRS = IpamKeys.ROOT + "addrs/";

    private final StoreCalls calls;
    private final KvStore store;
    private final PoolAllocator pools;

    IpamInventory(StoreCalls calls, PoolAllocator pools) {
        this.calls = calls;
        this.store = calls.store();
        this.pools = pools;
    }

    /** One outstanding RequestPool: the host that made it and when (epoch ms). */
    public record Holder(String host, long since) {
    }

    /**
     * An active pool and how full it is.
     *
     * @param network  the logical network ({@code javaoverlay.network} IPAM option), or null
     * @param gateway  the gateway address once allocated, or null
     * @param capacity addresses that can be handed out (the sub-pool if any, minus reserved ones)
     * @param used     addresses allocated, gateway included
     */
    public record Pool(String poolId, String pool, String subPool, String addressSpace, String network, boolean auto,
                       String gateway, List<Holder> holders, BigInteger capacity, long used) {
        public Pool {
            holders = List.copyOf(holders);
        }

        /** Capacity minus used, never negative. */
        public BigInteger free() {
            return capacity.subtract(BigInteger.valueOf(used)).max(BigInteger.ZERO);
        }
    }

    /** One allocated address: {@code kind} is {@code gateway} or {@code address}; {@code host} allocated it. */
    public record Allocation(String poolId, String address, String kind, String host, long since) {
    }

    /** What {@link #forgetHost} did. */
    public record HostCleanup(int addressesReleased, int holdersRemoved, List<String> poolsDeleted) {
        public HostCleanup {
            poolsDeleted = List.copyOf(poolsDeleted);
        }
    }

    /**
     * Every active pool with its usage, sorted by pool.
     *
     * @throws IpamException UNAVAILABLE when the store cannot be read
     */
    public List<Pool> pools() {
        return calls.once("list pools", () -> {
            Map<String, Long> used = new HashMap<>();
            for (KvEntry e : store.list(ADDRS)) {
                used.merge(poolIdOf(e.key()), 1L, Long::sum);
            }
            List<Pool> out = new ArrayList<>();
            for (KvEntry e : store.list(POOLS)) {
                PoolRecord r = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
                if (r.active()) {
                    out.add(view(r, used.getOrDefault(r.poolId(), 0L)));
                }
            }
            out.sort((a, b) -> a.pool().compareTo(b.pool()));
            return out;
        });
    }

    /** Every allocated address of every pool, sorted by key. */
    public List<Allocation> allocations() {
        return calls.once("list addresses", () -> {
            List<Allocation> out = new ArrayList<>();
            for (KvEntry e : store.list(ADDRS)) {
                out.add(allocation(e));
            }
            return out;
        });
    }

    /** The active pool that contains {@code address} (a bare IP), if any. */
    public Optional<Pool> poolOf(String address) {
        Optional<IpAddress> ip = IpAddress.tryParse(address);
        if (ip.isEmpty()) {
            throw PoolAllocator.invalid("'" + address + "' is not an IP address");
        }
        return pools().stream().filter(p -> Subnet.parse(p.pool()).contains(ip.get())).findFirst();
    }

    /** The allocation of {@code address} in pool {@code poolId}, if it is allocated. */
    public Optional<Allocation> allocation(String poolId, String address) {
        Subnet subnet = IpamKeys.subnetOf(poolId).orElseThrow(() -> PoolAllocator.invalidPoolId(poolId));
        String key = IpamKeys.address(poolId, IpAddress.parse(address));
        if (!subnet.contains(IpAddress.parse(address))) {
            return Optional.empty();
        }
        return calls.once("read address " + address, () -> store.get(key).map(IpamInventory::allocation));
    }

    /**
     * Removes what host {@code hostId} holds in ipam: its address claims (kind {@code address}; a
     * pool's gateway belongs to the pool) except those in {@code keep}, and its pool holders. A pool
     * whose last holder goes is deleted with its addresses, as the last ReleasePool would. Call it
     * only for a host that is gone for good: its containers' addresses become free.
     */
    public HostCleanup forgetHost(String hostId, Set<String> keep) {
        int released = 0;
        for (KvEntry e : calls.once("list addresses", () -> store.list(ADDRS))) {
            Allocation a = allocation(e);
            if (a.host().equals(hostId) && "address".equals(a.kind()) && !keep.contains(a.address())) {
                try {
                    calls.once("release address " + a.address(), () -> {
                        store.deleteIfIndex(e.key(), e.modifyIndex());
                        return null;
                    });
                    released++;
                } catch (IpamException raced) {
                    if (!(raced.getCause() instanceof CasConflictException)) {
                        throw raced;
                    }
                }
            }
        }
        int holders = 0;
        List<String> deleted = new ArrayList<>();
        for (KvEntry e : calls.once("list pools", () -> store.list(POOLS))) {
            PoolRecord r = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
            if (!r.active() || r.holders().stream().noneMatch(h -> h.host().equals(hostId))) {
                continue;
            }
            int[] removed = {0};
            boolean gone = calls.withRetries("drop host " + hostId + " from " + r.describe(),
                    () -> dropHolders(e.key(), r.poolId(), hostId, removed));
            holders += removed[0];
            if (gone) {
                deleted.add(r.pool());
            }
        }
        return new HostCleanup(released, holders, deleted);
    }

    /** One attempt: returns TRUE when the pool was deleted, FALSE when others still hold it. */
    private Object dropHolders(String poolKey, String poolId, String hostId, int[] removed)
            throws io.javaoverlay.kvstore.KvStoreException {
        Optional<KvEntry> cur = store.get(poolKey);
        if (cur.isEmpty()) {
            return Boolean.FALSE;
        }
        PoolRecord rec = IpamRecords.decode(poolKey, cur.get().value(), PoolRecord.class);
        if (!rec.poolId().equals(poolId) || !rec.active()) {
            return Boolean.FALSE;
        }
        List<IpamRecords.Holder> left = rec.holders().stream().filter(h -> !h.host().equals(hostId)).toList();
        removed[0] = rec.holders().size() - left.size();
        if (!left.isEmpty()) {
            store.compareAndSet(poolKey, IpamRecords.encode(rec.withHolders(left)), cur.get().modifyIndex());
            return Boolean.FALSE;
        }
        // The last holder goes: the same tombstone transaction as the last ReleasePool.
        Subnet subnet = Subnet.parse(rec.pool());
        String ik = IpamKeys.poolIndex(subnet.v6());
        Optional<KvEntry> index = store.get(ik);
        List<TxnOp> ops = new ArrayList<>();
        if (index.isPresent()) {
            PoolIndex idx = IpamRecords.decode(ik, index.get().value(), PoolIndex.class);
            ops.add(new TxnOp.Cas(ik, IpamRecords.encode(idx.minus(poolId)), index.get().modifyIndex()));
        }
        ops.add(new TxnOp.Cas(poolKey, IpamRecords.encode(rec.deleting()), cur.get().modifyIndex()));
        store.txn(ops);
        Optional<KvEntry> tomb = store.get(poolKey);
        if (tomb.isPresent()) {
            PoolRecord t = IpamRecords.decode(poolKey, tomb.get().value(), PoolRecord.class);
            if (t.poolId().equals(poolId) && !t.active()) {
                pools.finishDeletion(t, tomb.get().modifyIndex());
            }
        }
        return Boolean.TRUE;
    }

    private static Pool view(PoolRecord r, long used) {
        Subnet pool = Subnet.parse(r.pool());
        Subnet range = r.subPool() == null ? pool : Subnet.parse(r.subPool());
        BigInteger capacity = range.size();
        for (IpAddress edge : List.of(pool.network(), pool.last())) {
            if (pool.isReserved(edge) && range.contains(edge)) {
                capacity = capacity.subtract(BigInteger.ONE);
            }
        }
        List<Holder> holders = r.holders().stream().map(h -> new Holder(h.host(), h.since())).toList();
        return new Pool(r.poolId(), r.pool(), r.subPool(), r.addressSpace(), r.network(), r.auto(), r.gateway(),
                holders, capacity, used);
    }

    private static Allocation allocation(KvEntry e) {
        AddressRecord a = IpamRecords.decode(e.key(), e.value(), AddressRecord.class);
        return new Allocation(poolIdOf(e.key()), IpamKeys.addressOf(e.key()).toString(), a.kind(), a.host(), a.since());
    }

    private static String poolIdOf(String addressKey) {
        String rest = addressKey.substring(ADDRS.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
