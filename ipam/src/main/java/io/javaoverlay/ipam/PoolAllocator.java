package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.Holder;
import io.javaoverlay.ipam.IpamRecords.IndexEntry;
import io.javaoverlay.ipam.IpamRecords.PoolIndex;
import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnOp;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Claims and releases pools cluster-wide.
 *
 * <p>Each family has one small index record ({@link IpamKeys#poolIndex}) listing every pool, and
 * each pool has its own metadata record. A claim reads both in one transaction, checks the new
 * subnet against the index, and writes the index (CAS on its modify index) and the pool record
 * (create-if-absent) in one transaction. Pools are created rarely, so one CAS key per family costs
 * nothing, and it lets the overlap check see nested blocks of any size, which per-subnet keys
 * cannot do without enumerating every possible sub-block.
 *
 * <p>Each RequestPool adds one holder to the pool (E16); {@link PoolHolders} removes them
 * (ReleasePool and the repairs) and deletes the pool when the last one goes.
 */
final class PoolAllocator {

    private static final System.Logger LOG = System.getLogger(PoolAllocator.class.getName());

    /** The ipam option naming the logical network a pool belongs to. */
    static final String NETWORK_OPTION = "javaoverlay.network";

    private final IpamConfig config;
    private final CasRetry calls;
    private final KvStore store;
    private final Clock clock;
    private final PoolHolders holders;

    PoolAllocator(IpamConfig config, CasRetry calls, Clock clock, PoolHolders holders) {
        this.config = config;
        this.calls = calls;
        this.store = calls.store();
        this.clock = clock;
        this.holders = holders;
    }

    PoolGrant requestPool(IpamService.PoolRequest r) {
        String space = r.addressSpace() == null || r.addressSpace().isBlank() ? null : r.addressSpace();
        if (space != null && !space.equals(config.localAddressSpace()) && !space.equals(config.globalAddressSpace())) {
            throw invalid("address space '" + space + "' is unknown; this driver serves "
                    + config.localAddressSpace() + " and " + config.globalAddressSpace());
        }
        String network = Optional.ofNullable(r.options().get(NETWORK_OPTION)).map(String::trim)
                .filter(s -> !s.isEmpty()).orElse(null);
        if (r.pool().isEmpty()) {
            if (r.subPool().isPresent()) {
                throw invalid("sub-pool " + r.subPool().get() + " given without a pool: --ip-range needs --subnet");
            }
            return claimAuto(r.v6(), network, space);
        }
        IpPrefix pool = block("pool", r.pool().get());
        if (pool.v6() != r.v6()) {
            throw invalid("pool " + pool + " is " + family(pool.v6()) + " but the request is for "
                    + family(r.v6()) + " (V6=" + r.v6() + ")");
        }
        IpPrefix sub = null;
        if (r.subPool().isPresent()) {
            sub = block("sub-pool", r.subPool().get());
            if (!pool.contains(sub)) {
                throw invalid("sub-pool " + sub + " is not inside pool " + pool);
            }
        }
        IpPrefix subPool = sub;
        return calls.run("claim pool " + pool, () -> claimExplicit(pool, subPool, network, space));
    }

    // ---- claims ----------------------------------------------------------------------------

    private PoolSnapshot snapshot(boolean v6, IpPrefix pool) throws KvStoreException {
        return PoolSnapshot.read(store, v6, pool);
    }

    private PoolGrant claimExplicit(IpPrefix pool, IpPrefix subPool, String network, String space) throws KvStoreException {
        PoolSnapshot s = snapshot(pool.v6(), pool);
        List<IndexEntry> overlapping = s.index().pools().stream()
                .filter(e -> e.pool().overlaps(pool)).toList();
        if (!overlapping.isEmpty()) {
            IndexEntry e = overlapping.get(0);
            // Exactly the same pool is a re-reservation of the same logical network unless both
            // sides name different networks: with Docker 24+ and Scope local every host creates
            // its own Docker network for one overlay, by hand (no option) or through the
            // replicator (javaoverlay.network=<cluster id>), and a subnet belongs to one network
            // cluster-wide. The network driver refuses the join if the definitions differ.
            boolean sameNetwork = network == null || e.network() == null || network.equals(e.network());
            if (overlapping.size() == 1 && sameNetwork && e.pool().equals(pool)) {
                return join(s, e, subPool, false);
            }
            throw new PoolOverlapException("Pool overlaps with other one on this address space: pool " + pool
                    + " requested for " + networkName(network) + " overlaps pool " + e.pool() + " of "
                    + networkName(e.network()) + " (PoolID " + e.poolId() + ")");
        }
        return create(s, pool, subPool, network, space, false);
    }

    private PoolGrant claimAuto(boolean v6, String network, String space) {
        return calls.run("pick a free " + family(v6) + " pool", () -> {
            PoolSnapshot s = snapshot(v6, null);
            if (network != null) {
                Optional<IndexEntry> mine = s.index().pools().stream()
                        .filter(e -> network.equals(e.network())).findFirst();
                if (mine.isPresent()) {
                    IpPrefix existing = mine.get().pool();
                    // Re-read including the pool record, so join() can CAS it.
                    PoolSnapshot full = snapshot(v6, existing);
                    if (full.indexIdx() != s.indexIdx()) {
                        throw CasRetry.conflict(IpamKeys.poolIndex(v6) + " changed between two reads");
                    }
                    return join(full, mine.get(), null, true);
                }
            }
            IpPrefix candidate = pickFree(v6, s.index());
            PoolSnapshot full = snapshot(v6, candidate);
            if (full.indexIdx() != s.indexIdx()) {
                throw CasRetry.conflict(IpamKeys.poolIndex(v6) + " changed between two reads");
            }
            return create(full, candidate, null, network, space, true);
        });
    }

    /** The first subnet of the default pools that overlaps no pool in {@code index}. */
    private IpPrefix pickFree(boolean v6, PoolIndex index) {
        NavigableMap<BigInteger, IpPrefix> taken = new TreeMap<>();
        for (IndexEntry e : index.pools()) {
            taken.put(e.pool().start(), e.pool());
        }
        List<IpamConfig.DefaultPool> defaults = v6 ? config.defaultV6Pools() : config.defaultV4Pools();
        List<String> tried = new ArrayList<>();
        for (IpamConfig.DefaultPool d : defaults) {
            BigInteger step = BigInteger.ONE.shiftLeft(d.base().address().bits() - d.size());
            BigInteger cur = d.base().start();
            // Index entries never overlap each other, so the one with the greatest start at or
            // below the candidate's end is the only one that can overlap it. Each overlap jumps
            // past that entry, so this loop runs at most (pools + 1) times per default pool.
            while (cur.compareTo(d.base().end()) <= 0) {
                IpPrefix candidate = new IpPrefix(new IpAddress(v6, cur), d.size());
                Map.Entry<BigInteger, IpPrefix> below = taken.floorEntry(candidate.end());
                if (below == null || below.getValue().end().compareTo(candidate.start()) < 0) {
                    return candidate;
                }
                BigInteger after = below.getValue().end().add(BigInteger.ONE);
                BigInteger next = cur.add(step);
                cur = after.compareTo(next) > 0 ? alignUp(after, d.base().start(), step) : next;
            }
            tried.add(d.toString());
        }
        throw new NoAvailablePoolException("No available pool: every " + family(v6) + " subnet of the default pools "
                + (tried.isEmpty() ? "(none configured)" : String.join(", ", tried)) + " is in use; "
                + "release a network or give --subnet");
    }

    private static BigInteger alignUp(BigInteger v, BigInteger base, BigInteger step) {
        BigInteger off = v.subtract(base);
        BigInteger[] qr = off.divideAndRemainder(step);
        return base.add((qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE)).multiply(step));
    }

    /** Adds a holder to an existing pool of the same logical network (E16). */
    private PoolGrant join(PoolSnapshot s, IndexEntry e, IpPrefix subPool, boolean auto) throws KvStoreException {
        PoolRecord rec = s.pool();
        if (rec == null || !rec.active() || !rec.poolId().equals(e.poolId())) {
            // index and record momentarily disagree: someone is mid-release
            throw CasRetry.conflict("pool index and " + IpamKeys.pool(e.pool()) + " disagree");
        }
        IpPrefix want = subPool;
        if (!auto && !java.util.Objects.equals(want, rec.subPool())) {
            throw new OverlayException(OverlayException.Kind.CONFLICT, rec.describe() + " is held with "
                    + (rec.subPool() == null ? "no sub-pool" : "sub-pool " + rec.subPool())
                    + "; this request asks for " + (want == null ? "no sub-pool" : "sub-pool " + want));
        }
        if (auto && rec.holders().stream().anyMatch(h -> h.host().equals(config.hostId()))) {
            // Docker repeats an auto RequestPool only when the pool it got clashes with a route
            // or name server of this host (protocol doc 3.3). A network has one subnet on every
            // host, so there is nothing else to offer.
            throw new PoolOverlapException(rec.describe() + " is already held on host " + config.hostId()
                    + " and Docker asked for another pool, which means it clashes with a route or name server"
                    + " on this host; create the network with an explicit --subnet");
        }
        PoolRecord next = rec.plusHolder(new Holder(config.hostId(), clock.millis()));
        store.compareAndSet(IpamKeys.pool(rec.pool()), IpamRecords.encode(next), s.poolIdx());
        LOG.log(System.Logger.Level.INFO, "joined {0}: {1} holder(s)", rec.describe(), next.holders().size());
        return grant(rec);
    }

    private PoolGrant create(PoolSnapshot s, IpPrefix pool, IpPrefix subPool, String network, String space, boolean auto)
            throws KvStoreException {
        String pk = IpamKeys.pool(pool);
        if (s.pool() != null) {
            if (IpamRecords.DELETING.equals(s.pool().state())) {
                holders.finishDeletion(s.pool(), s.poolIdx());
                throw CasRetry.conflict(pk + " was a tombstone, now removed"); // claim again on a clean slate
            }
            throw new OverlayException(OverlayException.Kind.INTERNAL, "store key " + pk + " holds active "
                    + s.pool().describe() + " that is missing from " + IpamKeys.poolIndex(pool.v6())
                    + "; the store was edited by hand or is corrupt");
        }
        String poolId = IpamKeys.newPoolId(pool);
        PoolRecord rec = new PoolRecord(poolId, pool, subPool, space, network, auto, null, IpamRecords.ACTIVE,
                List.of(new Holder(config.hostId(), clock.millis())));
        String ik = IpamKeys.poolIndex(pool.v6());
        byte[] index = IpamRecords.encode(s.index().plus(new IndexEntry(pool, poolId, network)));
        TxnOp indexOp = s.indexExists() ? new TxnOp.Cas(ik, index, s.indexIdx()) : new TxnOp.PutIfAbsent(ik, index);
        store.txn(List.of(indexOp, new TxnOp.PutIfAbsent(pk, IpamRecords.encode(rec))));
        LOG.log(System.Logger.Level.INFO, "claimed {0}{1}", rec.describe(), auto ? " (auto-selected)" : "");
        return grant(rec);
    }

    private static PoolGrant grant(PoolRecord rec) {
        return new PoolGrant(rec.poolId(), rec.pool(), Map.of());
    }

    // ---- helpers ---------------------------------------------------------------------------

    static String family(boolean v6) {
        return v6 ? "IPv6" : "IPv4";
    }

    private static String networkName(String network) {
        return network == null ? "an unnamed network" : "network " + network;
    }

    /** {@code p} itself when it names a block; a prefix with host bits set is refused naming the block. */
    private static IpPrefix block(String what, IpPrefix p) {
        if (!p.isNetwork()) {
            throw invalid("invalid " + what + " '" + p + "': '" + p + "' has host bits set; the network is " + p.network());
        }
        return p;
    }

    static OverlayException invalid(String message) {
        return new OverlayException(OverlayException.Kind.INVALID_REQUEST, message);
    }

    static OverlayException invalidPoolId(String poolId) {
        return invalid("PoolID '" + poolId + "' is malformed: javaoverlay pool IDs look like 10.20.0.0_24_5f3a09c1");
    }
}
