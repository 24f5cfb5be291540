package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamRecords.PoolRecord;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;

import java.util.Objects;

/**
 * {@link IpamService} on a {@link KvStore}: every pool and address lives in the store (layout in
 * {@link IpamKeys}), so any host, and this host after a restart, can serve calls for IDs another
 * process issued. The only in-memory state is caches.
 */
public final class KvIpamService implements IpamService {

    private final IpamConfig config;
    private final StoreCalls calls;
    private final PoolAllocator pools;
    private final AddressAllocator addresses;

    /**
     * @param store  the cluster store (not closed by this service)
     * @param config static configuration
     */
    public KvIpamService(KvStore store, IpamConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.calls = new StoreCalls(Objects.requireNonNull(store, "store"), config.maxAttempts(), config.retryBackoff());
        this.pools = new PoolAllocator(config, calls);
        this.addresses = new AddressAllocator(config, calls);
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
     * @throws IpamException            INVALID_REQUEST for bad CIDRs, a sub-pool without a pool
     *                                  (E18) or outside it, a family mismatch, an unknown space
     */
    @Override
    public PoolGrant requestPool(PoolRequest request) {
        return pools.requestPool(Objects.requireNonNull(request, "request"));
    }

    /**
     * {@inheritDoc} Drops one holder; when the last one goes, the pool and all its addresses are
     * deleted.
     *
     * @throws IpamException INVALID_REQUEST if {@code poolId} is not a javaoverlay pool ID at all
     */
    @Override
    public void releasePool(String poolId) {
        pools.releasePool(poolId);
        addresses.forget(poolId);
    }

    /**
     * {@inheritDoc}
     *
     * @throws PoolNotFoundException  the pool ID is unknown or released
     * @throws AddressInUseException  the preferred address is taken (E19)
     * @throws PoolExhaustedException no address is free (E20)
     * @throws IpamException          INVALID_REQUEST for a malformed, reserved or out-of-pool address
     */
    @Override
    public AddressGrant requestAddress(AddressRequest request) {
        return addresses.requestAddress(Objects.requireNonNull(request, "request"));
    }

    /**
     * {@inheritDoc} The gateway of a pool that other holders still use is kept until the pool
     * itself goes (E16).
     *
     * @throws IpamException INVALID_REQUEST for a malformed pool ID or address
     */
    @Override
    public void releaseAddress(String poolId, String address) {
        addresses.releaseAddress(poolId, address);
    }

    /**
     * Finishes pool deletions a crashed process left half done (tombstoned records whose
     * addresses were not yet removed). Safe at any time, on any host; call it at start-up.
     *
     * @return how many tombstones were cleared
     */
    public int sweepTombstones() {
        return calls.once("sweep released pools", () -> {
            int n = 0;
            for (KvEntry e : calls.store().list(IpamKeys.ROOT + "pools/")) {
                PoolRecord rec = IpamRecords.decode(e.key(), e.value(), PoolRecord.class);
                if (!rec.active()) {
                    pools.finishDeletion(rec, e.modifyIndex());
                    n++;
                }
            }
            return n;
        });
    }

    /** The operator's view of pools and addresses, and the clean-up of a dead host (admin interface). */
    public IpamInventory inventory() {
        return new IpamInventory(calls, pools);
    }

    /** Attempts repeated so far because a compare-and-set lost a race (for metrics and benchmarks). */
    public long casRetries() {
        return calls.retries();
    }

    @Override
    public String toString() {
        return "KvIpamService[" + config.hostId() + " on " + calls.store().describe() + "]";
    }
}
