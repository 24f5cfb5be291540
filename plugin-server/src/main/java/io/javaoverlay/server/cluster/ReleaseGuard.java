package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IpamDriver.ReleaseAddress, guarded (design-core §1): Docker's calls can arrive twice or out of
 * order (a ReleaseAddress retried after a cut connection, or one that arrives after the address was
 * handed to a new container). Before releasing, one read of the endpoint index key
 * {@code eidx/<cid>/ip/<ip>} of the network that owns the pool: if an endpoint record still holds the
 * address, the release is ignored (and logged once). Normally DeleteEndpoint has removed the record
 * (and its index key) before Docker releases the address, so the guard costs one read and blocks
 * nothing. A release the guard ignores wrongly (its endpoint's DeleteEndpoint was lost) is repaired by
 * the {@link EndpointReconciler}, which deletes the stale record and releases the address.
 *
 * <p>The owning network comes from a small map subnet → cluster network ID built from the network
 * records, reloaded on a miss. The guard fails open: when no network record owns the pool (a
 * gateway released while the network goes), the address is released.
 */
public final class ReleaseGuard {
    private static final System.Logger LOG = System.getLogger(ReleaseGuard.class.getName());

    private final IpamService ipam;
    private final OverlayRecords overlay;
    private final Map<IpPrefix, String> owners = new ConcurrentHashMap<>();
    private final Reports reports = new Reports(LOG);

    public ReleaseGuard(IpamService ipam, OverlayRecords overlay) {
        this.ipam = Objects.requireNonNull(ipam, "ipam");
        this.overlay = Objects.requireNonNull(overlay, "overlay");
    }

    /**
     * Releases {@code address} of pool {@code poolId} unless an endpoint record holds it.
     *
     * @return true if it was passed to the IPAM, false if it was ignored
     */
    public boolean release(String poolId, IpAddress address) {
        Optional<IpPrefix> pool = ipam.poolOf(poolId);
        Optional<String> cid = pool.flatMap(this::owner);
        if (cid.isPresent()) {
            Optional<String> holder = overlay.endpointHolding(cid.get(), address);
            if (holder.isPresent()) {
                reports.report(address + "/" + holder.get(), Level.INFO, "ignoring a repeated or late ReleaseAddress of "
                        + address + " (pool " + pool.get() + "): endpoint " + holder.get() + " still holds it");
                return false;
            }
        }
        ipam.releaseAddress(poolId, address);
        return true;
    }

    /** The cluster network whose record names {@code pool}: cached, reloaded from the records on a miss. */
    private Optional<String> owner(IpPrefix pool) {
        String cid = owners.get(pool);
        if (cid != null) {
            return Optional.of(cid);
        }
        owners.clear();
        for (NetworkRecord r : overlay.networks()) {
            r.pools().forEach(p -> owners.put(p.pool(), r.networkId()));
        }
        return Optional.ofNullable(owners.get(pool));
    }
}
