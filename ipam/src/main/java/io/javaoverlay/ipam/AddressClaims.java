package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.AddressRecord;
import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.ipam.IpamService.AddressClaim;
import io.javaoverlay.ipam.IpamService.Holder;
import io.javaoverlay.ipam.IpamService.PoolInfo;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Reading address claims and pools as the owners see them, and the repairs of one claim that the
 * reconcilers and the dead-host collector use: its compare-and-set release ({@link #releaseClaim})
 * and its re-creation ({@link #reclaim}). Claims
 * are always read in the current generation of a pool (the pool record names its ID), so an old
 * generation's leftovers are never reported nor touched.
 */
final class AddressClaims {

    private static final System.Logger LOG = System.getLogger(AddressClaims.class.getName());
    private static final String ADDRS = IpamKeys.ROOT + "addrs/";

    private final CasRetry calls;
    private final KvStore store;
    private final Clock clock;
    private final BiConsumer<String, IpAddress> onReleased;

    /**
     * @param clock      this host's clock, for the {@code since} of re-made claims
     * @param onReleased called with the pool ID and address of every claim this instance deletes
     *                   (so the allocator's cache can forget it)
     */
    AddressClaims(CasRetry calls, Clock clock, BiConsumer<String, IpAddress> onReleased) {
        this.calls = calls;
        this.store = calls.store();
        this.clock = clock;
        this.onReleased = onReleased;
    }

    List<AddressClaim> claims(IpPrefix pool) {
        return calls.once("list the address claims of pool " + pool, () -> {
            Optional<PoolRecord> rec = activePool(pool);
            if (rec.isEmpty()) {
                return List.of();
            }
            List<AddressClaim> out = new ArrayList<>();
            for (KvEntry e : store.list(IpamKeys.addressPrefix(rec.get().poolId()))) {
                out.add(claimOf(e));
            }
            out.sort(Comparator.comparing(AddressClaim::ip));
            return out;
        });
    }

    Optional<AddressClaim> claim(IpPrefix pool, IpAddress ip) {
        return calls.once("read the claim of " + ip + " in pool " + pool, () -> {
            Optional<PoolRecord> rec = activePool(pool);
            if (rec.isEmpty() || !pool.contains(ip)) {
                return Optional.empty();
            }
            return store.get(IpamKeys.address(rec.get().poolId(), ip)).map(AddressClaims::claimOf);
        });
    }

    boolean releaseClaim(IpPrefix pool, IpAddress ip, String expectedHost, long notAfterSince) {
        return calls.run("release the claim of " + ip + " in pool " + pool + " by host " + expectedHost, () -> {
            Optional<PoolRecord> rec = activePool(pool);
            if (rec.isEmpty() || !pool.contains(ip)) {
                return false;
            }
            String key = IpamKeys.address(rec.get().poolId(), ip);
            Optional<KvEntry> cur = store.get(key);
            if (cur.isEmpty()) {
                return false;
            }
            AddressClaim c = claimOf(cur.get());
            if (c.gateway() || !c.host().equals(expectedHost) || c.since() > notAfterSince) {
                return false; // the pool's gateway, another host's claim, or claimed anew since
            }
            // CAS on the claim: a release and a new claim in between give it a new index, and the
            // attempt then runs again and sees the newer claim.
            store.deleteIfIndex(key, cur.get().modifyIndex());
            onReleased.accept(rec.get().poolId(), ip);
            LOG.log(Level.INFO, "released the claim of {0} by host {1} (since {2}) in {3}", ip, expectedHost,
                    Instant.ofEpochMilli(c.since()), rec.get().describe());
            return true;
        });
    }

    /**
     * Recreates the address claim of {@code ip} for {@code host} if it is missing; an address
     * claim of {@code host} that exists is kept unchanged (its {@code since} too).
     */
    void reclaim(IpPrefix subnet, IpAddress ip, String host) {
        calls.run("re-claim address " + ip + " in pool " + subnet + " for host " + host, () -> {
            Optional<KvEntry> pe = store.get(IpamKeys.pool(subnet));
            PoolRecord rec = pe.map(e -> IpamRecords.decode(e.key(), e.value(), PoolRecord.class)).orElse(null);
            if (rec == null || !rec.active()) {
                throw new PoolNotFoundException("pool " + subnet + " does not exist: it was released or never requested"
                        + " from javaoverlay; cannot re-claim " + ip + " for host " + host);
            }
            AddressAllocator.checkAllocatable(ip, rec.pool(), rec);
            if (ip.equals(rec.gateway())) {
                throw new AddressInUseException("cannot re-claim " + ip + " for host " + host + ": it is the gateway of "
                        + rec.describe());
            }
            String ak = IpamKeys.address(rec.poolId(), ip);
            try {
                byte[] claim = IpamRecords.encode(new AddressRecord(AddressClaim.ADDRESS, host, clock.millis()));
                store.txn(List.of(new TxnOp.CheckIndex(pe.get().key(), pe.get().modifyIndex()),
                        new TxnOp.PutIfAbsent(ak, claim)));
            } catch (TxnAbortedException e) {
                if (!taken(e, ak)) {
                    throw e; // the pool record changed meanwhile: again
                }
                Optional<KvEntry> cur = store.get(ak);
                if (cur.isEmpty()) {
                    throw CasRetry.conflict(ak + " was released meanwhile"); // again: now it can be claimed
                }
                AddressRecord a = IpamRecords.decode(ak, cur.get().value(), AddressRecord.class);
                if (AddressClaim.ADDRESS.equals(a.kind()) && host.equals(a.host())) {
                    return Boolean.TRUE; // already claimed by this host: keep the original claim
                }
                throw new AddressInUseException("cannot re-claim " + ip + " for host " + host + ": it is claimed as "
                        + (a.kind() == null ? AddressClaim.ADDRESS : a.kind()) + " by host " + a.host() + " since "
                        + Instant.ofEpochMilli(a.since()) + " in " + rec.describe());
            }
            return Boolean.TRUE;
        });
    }

    /** True if the claim transaction aborted because the address key exists. */
    private boolean taken(TxnAbortedException e, String addrKey) throws KvStoreException {
        return e.opIndex() >= 0 ? e.opIndex() == 1 : store.get(addrKey).isPresent();
    }

    /** Every active pool with its holders and usage, sorted by subnet. */
    List<PoolInfo> pools() {
        return calls.once("list pools", () -> {
            Map<String, List<IpAddress>> claimed = new HashMap<>();
            for (KvEntry e : store.list(ADDRS)) {
                claimed.computeIfAbsent(poolIdOf(e.key()), k -> new ArrayList<>()).add(IpamKeys.addressOf(e.key()));
            }
            List<PoolInfo> out = new ArrayList<>();
            for (KvEntry e : store.list(IpamKeys.ROOT + "pools/")) {
                PoolRecord r = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
                if (r.active()) {
                    out.add(info(r, claimed.getOrDefault(r.poolId(), List.of())));
                }
            }
            out.sort(Comparator.comparing((PoolInfo p) -> p.pool().address()));
            return out;
        });
    }

    private static PoolInfo info(PoolRecord r, List<IpAddress> claimed) {
        IpPrefix range = r.range();
        BigInteger capacity = AddressPicker.usableCount(r.pool(), range);
        long inRange = claimed.stream().filter(ip -> range.contains(ip) && !r.pool().isReserved(ip)).count();
        List<Holder> holders = r.holders().stream().map(h -> new Holder(h.host(), h.since())).toList();
        return new PoolInfo(r.poolId(), r.pool(), Optional.ofNullable(r.subPool()), Optional.ofNullable(r.network()),
                r.addressSpace(), r.auto(), holders, Optional.ofNullable(r.gateway()), capacity,
                BigInteger.valueOf(claimed.size()), capacity.subtract(BigInteger.valueOf(inRange)).max(BigInteger.ZERO));
    }

    /** The active pool record of {@code pool}'s subnet, if any. */
    private Optional<PoolRecord> activePool(IpPrefix pool) throws KvStoreException {
        return store.get(IpamKeys.pool(pool))
                .map(e -> IpamRecords.decode(e.key(), e.value(), PoolRecord.class))
                .filter(r -> r.active() && r.pool().equals(pool));
    }

    private static AddressClaim claimOf(KvEntry e) {
        AddressRecord a = IpamRecords.decode(e.key(), e.value(), AddressRecord.class);
        String kind = a.kind() == null ? AddressClaim.ADDRESS : a.kind();
        return new AddressClaim(IpamKeys.addressOf(e.key()), kind, a.host() == null ? "" : a.host(), a.since());
    }

    private static String poolIdOf(String addressKey) {
        String rest = addressKey.substring(ADDRS.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
