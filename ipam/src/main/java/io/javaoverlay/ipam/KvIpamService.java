package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link IpamService} on a {@link io.javaoverlay.kvstore.KvStore}: every pool and address lives in
 * the store (layout in {@link IpamKeys}), so any host, and this host after a restart, can serve
 * calls for IDs another process issued. The only in-memory state is caches.
 */
public final class KvIpamService implements IpamService {

    private static final System.Logger LOG = System.getLogger(KvIpamService.class.getName());

    private final IpamConfig config;
    private final CasRetry calls;
    private final PoolHolders holders;
    private final PoolAllocator pools;
    private final AddressAllocator addresses;
    private final AddressClaims claims;

    /**
     * @param store  the cluster store (not closed by this service)
     * @param config static configuration
     */
    public KvIpamService(io.javaoverlay.kvstore.KvStore store, IpamConfig config) {
        this(store, config, Clock.systemUTC());
    }

    /**
     * @param store  the cluster store (not closed by this service)
     * @param config static configuration
     * @param clock  this host's clock: the {@code since} of the holders and claims it writes
     */
    public KvIpamService(io.javaoverlay.kvstore.KvStore store, IpamConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        this.calls = new CasRetry(Objects.requireNonNull(store, "store"), config.maxAttempts(), config.retryBackoff());
        this.addresses = new AddressAllocator(config, calls, clock);
        this.holders = new PoolHolders(config, calls, clock, addresses::forget);
        this.pools = new PoolAllocator(config, calls, clock, holders);
        this.claims = new AddressClaims(calls, clock, addresses::freed);
    }

    /** {@inheritDoc} Never touches the store. */
    @Override
    public AddressSpaces addressSpaces() {
        return new AddressSpaces(config.localAddressSpace(), config.globalAddressSpace());
    }

    /**
     * {@inheritDoc}
     *
     * @throws PoolOverlapException     the pool overlaps another network's pool (E15)
     * @throws NoAvailablePoolException no default subnet is left (E17)
     * @throws OverlayException            INVALID_REQUEST for bad CIDRs, a sub-pool without a pool
     *                                  (E18) or outside it, a family mismatch, an unknown space
     */
    @Override
    public PoolGrant requestPool(PoolRequest request) {
        return pools.requestPool(Objects.requireNonNull(request, "request"));
    }

    /**
     * {@inheritDoc}
     *
     * @throws OverlayException INVALID_REQUEST if {@code poolId} is not a javaoverlay pool ID at all
     */
    @Override
    public void releasePool(String poolId) {
        holders.releasePool(poolId);
    }

    /**
     * {@inheritDoc}
     *
     * @throws PoolNotFoundException  the pool ID is unknown or released
     * @throws AddressInUseException  the preferred address is taken (E19)
     * @throws PoolExhaustedException no address is free (E20)
     * @throws OverlayException          INVALID_REQUEST for a malformed, reserved or out-of-pool address
     */
    @Override
    public AddressGrant requestAddress(AddressRequest request) {
        return addresses.requestAddress(Objects.requireNonNull(request, "request"));
    }

    /**
     * {@inheritDoc} The gateway of a pool that other holders still use is kept until the pool
     * itself goes (E16).
     *
     * @throws OverlayException INVALID_REQUEST for a malformed pool ID or address
     */
    @Override
    public void releaseAddress(String poolId, IpAddress address) {
        addresses.releaseAddress(poolId, address);
    }

    @Override
    public List<PoolInfo> pools() {
        return claims.pools();
    }

    @Override
    public List<AddressClaim> claims(IpPrefix pool) {
        return claims.claims(subnet(pool));
    }

    @Override
    public Optional<AddressClaim> claim(IpPrefix pool, IpAddress ip) {
        return claims.claim(subnet(pool), Objects.requireNonNull(ip, "ip"));
    }

    @Override
    public boolean releaseClaim(IpPrefix pool, IpAddress ip, String expectedHost, long notAfterSince) {
        return claims.releaseClaim(subnet(pool), Objects.requireNonNull(ip, "ip"),
                Objects.requireNonNull(expectedHost, "expectedHost"), notAfterSince);
    }

    @Override
    public void reclaim(IpPrefix pool, IpAddress ip, String host) {
        claims.reclaim(subnet(pool), Objects.requireNonNull(ip, "ip"), Objects.requireNonNull(host, "host"));
    }

    @Override
    public boolean removeHolder(IpPrefix pool, String host, long notAfterSince) {
        return holders.removeHolder(subnet(pool), Objects.requireNonNull(host, "host"), notAfterSince)
                != PoolHolders.Removal.NONE;
    }

    @Override
    public void addHolder(IpPrefix pool, String host) {
        holders.addHolder(subnet(pool), Objects.requireNonNull(host, "host"));
    }

    /** {@inheritDoc} Call it at start-up and on every reconcile pass. */
    @Override
    public int sweepTombstones() {
        return holders.sweepTombstones();
    }

    /**
     * {@inheritDoc} Built from the same primitives the reconcilers use ({@link #releaseClaim} and
     * {@link #removeHolder} with no age limit), so a pool whose last holder goes is deleted on the
     * one path ReleasePool uses.
     */
    @Override
    public HostCleanup forgetHost(String hostId, Set<IpAddress> keep) {
        Objects.requireNonNull(hostId, "hostId");
        Set<IpAddress> kept = Set.copyOf(keep);
        List<PoolRecord> active = calls.once("list pools", holders::activePools);
        int released = 0;
        int removed = 0;
        List<IpPrefix> deleted = new ArrayList<>();
        for (PoolRecord p : active) {
            for (AddressClaim c : claims.claims(p.pool())) {
                if (!c.gateway() && c.host().equals(hostId) && !kept.contains(c.ip())
                        && claims.releaseClaim(p.pool(), c.ip(), hostId, Long.MAX_VALUE)) {
                    released++;
                }
            }
            if (config.scope() == IpamConfig.Scope.GLOBAL) {
                // A 20.10 cluster-store network is the cluster's, whichever host created it: its
                // holder is not the creating host's to lose when that host goes.
                continue;
            }
            PoolHolders.Removal r;
            do {
                r = holders.removeHolder(p.pool(), hostId, Long.MAX_VALUE);
                if (r != PoolHolders.Removal.NONE) {
                    removed++;
                }
            } while (r == PoolHolders.Removal.REMOVED);
            if (r == PoolHolders.Removal.POOL_DELETED) {
                deleted.add(p.pool());
            }
        }
        if (released + removed > 0) {
            LOG.log(Level.INFO, "forgot host {0} in ipam: {1} address claim(s), {2} pool holder(s), {3} pool(s) deleted",
                    hostId, released, removed, deleted.size());
        }
        return new HostCleanup(released, removed, deleted);
    }

    /** Attempts repeated so far because a compare-and-set lost a race (for metrics and benchmarks). */
    public long casRetries() {
        return calls.retries();
    }

    /** The pool's block: a prefix with host bits names the block that contains it. */
    private static IpPrefix subnet(IpPrefix pool) {
        return Objects.requireNonNull(pool, "pool").network();
    }

    @Override
    public String toString() {
        return "KvIpamService[" + config.hostId() + " (scope " + config.scope().name().toLowerCase(java.util.Locale.ROOT)
                + ") on " + calls.store().describe() + "]";
    }
}
