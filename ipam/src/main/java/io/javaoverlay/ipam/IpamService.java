package io.javaoverlay.ipam;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The logic behind Docker's remote IPAM driver. Every host allocates from one cluster-wide view
 * kept in the kvstore, so no two containers anywhere get the same address. Pools and addresses
 * arrive typed (plugin-server parses Docker's text at the boundary); this service checks them
 * against the pools and throws {@link OverlayException}s (or subclasses naming the condition) whose
 * message names the object and the problem.
 *
 * <p>Two groups of methods: Docker's IpamDriver calls ({@link #requestPool} to
 * {@link #releaseAddress}), and the ownership API the reconcilers, the dead-host collector and the
 * admin interface use to read and repair the records ({@link #pools} to {@link #forgetHost}). The
 * repairs are compare-and-set operations that name the owner and age of what they remove, so a
 * repair racing a new request never removes the new claim or holder.
 *
 * <p>All methods are safe to call concurrently from several threads and several hosts.
 * Release methods are idempotent.
 */
public interface IpamService {

    /** Static configuration; never touches the store (a failure there would unregister the driver). */
    AddressSpaces addressSpaces();

    /**
     * Claims a pool cluster-wide. With no {@code pool}, picks the next free subnet from the
     * configured default pools, a different one on each call.
     */
    PoolGrant requestPool(PoolRequest request);

    /**
     * Releases one holder of a pool; unknown IDs succeed. Whose holder depends on
     * {@link IpamConfig#scope()}: in scope local only a holder of this host (none left: nothing
     * happens, so a repeated ReleasePool never removes another host's holder); in scope global this
     * host's holder, else the oldest. The last holder's removal deletes the pool and its addresses.
     */
    void releasePool(String poolId);

    /** Allocates the gateway, a preferred address, or the next free address. */
    AddressGrant requestAddress(AddressRequest request);

    /** Releases an address (bare IP); unknown pools and free addresses succeed. */
    void releaseAddress(String poolId, IpAddress address);

    // ---- ownership: reading and repairing the records -------------------------------------------

    /**
     * The subnet a pool ID names, or empty if it is not a javaoverlay pool ID. Pure: no store read,
     * so it says nothing about whether the pool still exists.
     */
    default Optional<IpPrefix> poolOf(String poolId) {
        return IpamKeys.subnetOf(poolId);
    }

    /**
     * Every active pool with its holders and usage, sorted by subnet (also {@code javaoverlay ipam ls}).
     * Lists all pools and all address claims: for the admin interface and occasional passes.
     */
    List<PoolInfo> pools();

    /**
     * Every address claim of the current generation of the pool covering {@code pool}, sorted by
     * address; empty if no such pool is active. One pool read and one listing.
     */
    List<AddressClaim> claims(IpPrefix pool);

    /** The claim of {@code ip} in the current generation of pool {@code pool}, if any. */
    Optional<AddressClaim> claim(IpPrefix pool, IpAddress ip);

    /**
     * Deletes the address claim of {@code ip} only if it is still a claim of kind
     * {@link AddressClaim#ADDRESS} made by {@code expectedHost} no later than {@code notAfterSince}
     * (epoch ms on the claiming host's clock), with a compare-and-set on the claim, so a claim made
     * anew meanwhile (a newer {@code since}, or another host) is never removed. A gateway claim is
     * never removed here: it goes with ReleaseAddress of the gateway or with the pool.
     *
     * @return true if this call deleted the claim; false if there was nothing matching to delete
     *         (no such pool or claim, another host's, a gateway, or newer than {@code notAfterSince})
     */
    boolean releaseClaim(IpPrefix pool, IpAddress ip, String expectedHost, long notAfterSince);

    /**
     * Recreates a missing address claim of {@code ip} for {@code host} (republishing an endpoint
     * Docker still has). An existing address claim of {@code host} is kept as it is (its
     * {@code since} too).
     *
     * @throws PoolNotFoundException the pool is not active
     * @throws AddressInUseException  another claim holds {@code ip} (another host's, or the
     *                                gateway); the message names it (CONFLICT)
     * @throws OverlayException       INVALID_REQUEST if {@code ip} is outside the pool or reserved
     */
    void reclaim(IpPrefix pool, IpAddress ip, String host);

    /**
     * Removes one holder of {@code host} from pool {@code pool}: the newest one whose
     * {@code since} is at or before {@code notAfterSince} (an extra holder left by a retried
     * RequestPool, or a lost ReleasePool). Removing the last holder deletes the pool exactly as the
     * last ReleasePool does. In scope global a holder stands for the cluster's network rather than
     * for a host, so callers reconcile holders only in scope local.
     *
     * @return true if a holder was removed; false if none matched or the pool is not active
     */
    boolean removeHolder(IpPrefix pool, String host, long notAfterSince);

    /**
     * Adds a holder for {@code host} to an active pool (a Docker network that uses the pool but
     * whose holder is missing), with {@code since} from this host's clock.
     *
     * @throws PoolNotFoundException the pool is not active
     */
    void addHolder(IpPrefix pool, String host);

    /**
     * Finishes pool deletions a crashed process left half done (tombstoned records whose
     * addresses were not yet removed). Safe at any time, on any host, several at once.
     *
     * @return how many tombstones were cleared
     */
    int sweepTombstones();

    /**
     * Removes what host {@code hostId} holds: its address claims (kind {@code address}; a
     * gateway belongs to the pool) except those in {@code keep}, and, in scope local, its pool
     * holders; a pool whose last holder goes is deleted. Every step is a compare-and-set on what
     * was read, so a repeat (or two collectors at once) is harmless. Only for a host gone for good.
     */
    HostCleanup forgetHost(String hostId, Set<IpAddress> keep);

    /** One outstanding RequestPool: the host that made it and when (epoch ms on that host's clock). */
    record Holder(String host, long since) {
        public Holder {
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * One allocated address.
     *
     * @param ip    the address
     * @param kind  {@link #GATEWAY} or {@link #ADDRESS} (containers and aux addresses)
     * @param host  the host that claimed it
     * @param since when, in epoch ms on the claiming host's clock
     */
    record AddressClaim(IpAddress ip, String kind, String host, long since) {
        /** The pool's gateway. */
        public static final String GATEWAY = "gateway";
        /** A container's or an auxiliary address. */
        public static final String ADDRESS = "address";

        public AddressClaim {
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(host, "host");
        }

        /** True for the pool's gateway. */
        public boolean gateway() {
            return GATEWAY.equals(kind);
        }
    }

    /**
     * An active pool and how full it is.
     *
     * @param subPool  the sub-pool ({@code --ip-range}), if any
     * @param network  the logical network ({@code javaoverlay.network} IPAM option), if named
     * @param auto     true if picked from the default pools
     * @param gateway  the gateway once allocated
     * @param capacity addresses that can be handed out: the sub-pool if any, minus reserved ones
     * @param used     address claims, gateway and aux addresses included
     * @param free     addresses of the range still free to hand out
     */
    record PoolInfo(String poolId, IpPrefix pool, Optional<IpPrefix> subPool, Optional<String> network,
                    String addressSpace, boolean auto, List<Holder> holders, Optional<IpAddress> gateway,
                    BigInteger capacity, BigInteger used, BigInteger free) {
        public PoolInfo {
            holders = List.copyOf(holders);
        }
    }

    /** What {@link #forgetHost} did. */
    record HostCleanup(int addressesReleased, int holdersRemoved, List<IpPrefix> poolsDeleted) {
        public HostCleanup {
            poolsDeleted = List.copyOf(poolsDeleted);
        }
    }

    /** Default address-space names returned by GetDefaultAddressSpaces. */
    record AddressSpaces(String local, String global) {}

    /**
     * @param addressSpace the space Docker chose (one of {@link #addressSpaces()})
     * @param pool         the block given with {@code --subnet} (host bits must be zero), or empty to auto-select
     * @param subPool      the block given with {@code --ip-range}, or empty
     * @param options      {@code --ipam-opt} values (never null)
     * @param v6           true for an IPv6 pool
     */
    record PoolRequest(String addressSpace, Optional<IpPrefix> pool, Optional<IpPrefix> subPool,
                       Map<String, String> options, boolean v6) {
        public PoolRequest {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(subPool, "subPool");
            options = Map.copyOf(options);
        }
    }

    /**
     * @param poolId opaque, durable and resolvable on every host
     * @param pool   the pool's block
     * @param data   metadata for Docker (may be empty)
     */
    record PoolGrant(String poolId, IpPrefix pool, Map<String, String> data) {
        public PoolGrant {
            data = Map.copyOf(data);
        }
    }

    /** What an address request is for. */
    enum AddressKind {
        /** {@code RequestAddressType = com.docker.network.gateway}. */
        GATEWAY,
        /** A container endpoint or an auxiliary address. */
        ORDINARY
    }

    /**
     * @param poolId  from {@link PoolGrant#poolId()}, possibly issued on another host
     * @param address preferred address, or empty for any free one
     * @param kind    gateway or ordinary
     * @param options request options (never null)
     */
    record AddressRequest(String poolId, Optional<IpAddress> address, AddressKind kind, Map<String, String> options) {
        public AddressRequest {
            Objects.requireNonNull(address, "address");
            options = Map.copyOf(options);
        }
    }

    /** @param address the address with the pool's prefix length, e.g. {@code 10.20.0.5/24} */
    record AddressGrant(IpPrefix address) {}
}
