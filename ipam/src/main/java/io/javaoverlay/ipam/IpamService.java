package io.javaoverlay.ipam;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The logic behind Docker's remote IPAM driver. Every host allocates from one cluster-wide view
 * kept in the kvstore, so no two containers anywhere get the same address. Pools and addresses
 * arrive typed (plugin-server parses Docker's text at the boundary); this service checks them
 * against the pools and throws {@link OverlayException}s (or subclasses naming the condition) whose
 * message names the object and the problem.
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

    /** Releases a pool; unknown IDs succeed. */
    void releasePool(String poolId);

    /** Allocates the gateway, a preferred address, or the next free address. */
    AddressGrant requestAddress(AddressRequest request);

    /** Releases an address (bare IP); unknown pools and free addresses succeed. */
    void releaseAddress(String poolId, IpAddress address);

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
