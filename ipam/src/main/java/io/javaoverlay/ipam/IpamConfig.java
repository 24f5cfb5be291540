package io.javaoverlay.ipam;

import io.javaoverlay.types.IpPrefix;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Static IPAM configuration. Nothing here is read from the store, so address-space and
 * capability answers work while the store is down (protocol doc E1).
 *
 * @param localAddressSpace  name returned as {@code LocalDefaultAddressSpace}
 * @param globalAddressSpace name returned as {@code GlobalDefaultAddressSpace}
 * @param hostId             this host's stable id (hostname or node id); recorded as pool holder
 *                           and hashed into the start of each free-address search
 * @param defaultV4Pools     where auto-selected IPv4 pools come from, tried in order
 * @param defaultV6Pools     where auto-selected IPv6 pools come from, tried in order
 * @param maxAttempts        compare-and-set attempts per request before failing with CONFLICT
 * @param retryBackoff       upper bound of the random pause between attempts
 * @param scope              the driver's scope, which decides whose holder a ReleasePool removes
 *                           (see {@link Scope})
 */
public record IpamConfig(String localAddressSpace, String globalAddressSpace, String hostId,
                         List<DefaultPool> defaultV4Pools, List<DefaultPool> defaultV6Pools,
                         int maxAttempts, Duration retryBackoff, Scope scope) {

    /**
     * Where Docker sends a network's IPAM calls, which decides what a pool holder stands for.
     */
    public enum Scope {
        /**
         * Docker 24+ (and 20.10 without a cluster store): every host creates its own Docker network
         * and sends its own RequestPool and ReleasePool. A holder is one host's network, so a
         * ReleasePool removes only a holder of the calling host, and none left is a no-op: a
         * repeated ReleasePool can never take another host's holder.
         */
        LOCAL,
        /**
         * Docker 20.10 with a cluster store ({@code --scope global}): one network for the cluster;
         * RequestPool comes from the creating host and ReleasePool from whichever host runs
         * {@code docker network rm}. A ReleasePool removes the calling host's holder, else the oldest.
         */
        GLOBAL;

        /** {@code local} or {@code global}, as the driver's {@code --scope} flag spells it. */
        public static Scope parse(String text) {
            if ("local".equalsIgnoreCase(text)) {
                return LOCAL;
            }
            if ("global".equalsIgnoreCase(text)) {
                return GLOBAL;
            }
            throw new IllegalArgumentException("scope must be 'local' or 'global', got '" + text + "'");
        }
    }

    /** The local address space name used unless configured otherwise (GetDefaultAddressSpaces). */
    public static final String LOCAL_SPACE = "JavaOverlayLocal";
    /** The global address space name used unless configured otherwise (GetDefaultAddressSpaces). */
    public static final String GLOBAL_SPACE = "JavaOverlayGlobal";

    public IpamConfig {
        requireName(localAddressSpace, "localAddressSpace");
        requireName(globalAddressSpace, "globalAddressSpace");
        requireName(hostId, "hostId");
        defaultV4Pools = List.copyOf(defaultV4Pools);
        defaultV6Pools = List.copyOf(defaultV6Pools);
        for (DefaultPool p : defaultV4Pools) {
            if (p.base().v6()) {
                throw new IllegalArgumentException("default IPv4 pool " + p + " is IPv6");
            }
        }
        for (DefaultPool p : defaultV6Pools) {
            if (!p.base().v6()) {
                throw new IllegalArgumentException("default IPv6 pool " + p + " is IPv4");
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(scope, "scope");
    }

    private static void requireName(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    /**
     * The defaults: spaces {@value #LOCAL_SPACE}/{@value #GLOBAL_SPACE}, IPv4 pools from
     * 10.200.0.0/16 in /24s, IPv6 pools from fd5a:7661:6f76::/48 in /64s, scope local.
     */
    public static IpamConfig defaults(String hostId) {
        return new IpamConfig(LOCAL_SPACE, GLOBAL_SPACE, hostId,
                List.of(DefaultPool.parse("10.200.0.0/16", 24)),
                List.of(DefaultPool.parse("fd5a:7661:6f76::/48", 64)),
                64, Duration.ofMillis(20), Scope.LOCAL);
    }

    /** A copy with other default pools. */
    public IpamConfig withDefaultPools(List<DefaultPool> v4, List<DefaultPool> v6) {
        return new IpamConfig(localAddressSpace, globalAddressSpace, hostId, v4, v6, maxAttempts, retryBackoff, scope);
    }

    /** A copy with another host id. */
    public IpamConfig withHostId(String id) {
        return new IpamConfig(localAddressSpace, globalAddressSpace, id, defaultV4Pools, defaultV6Pools,
                maxAttempts, retryBackoff, scope);
    }

    /** A copy with another scope. */
    public IpamConfig withScope(Scope s) {
        return new IpamConfig(localAddressSpace, globalAddressSpace, hostId, defaultV4Pools, defaultV6Pools,
                maxAttempts, retryBackoff, s);
    }

    /** A copy with other compare-and-set limits. */
    public IpamConfig withRetries(int attempts, Duration backoff) {
        return new IpamConfig(localAddressSpace, globalAddressSpace, hostId, defaultV4Pools, defaultV6Pools,
                attempts, backoff, scope);
    }

    /**
     * A block carved into equal subnets for auto-selected pools ({@code docker network create}
     * without {@code --subnet}).
     *
     * @param base the block, e.g. 10.200.0.0/16
     * @param size prefix length of each pool carved from it, e.g. 24
     */
    public record DefaultPool(IpPrefix base, int size) {
        public DefaultPool {
            Objects.requireNonNull(base, "base");
            if (!base.isNetwork()) {
                throw new IllegalArgumentException("default pool " + base + " has host bits set; the network is "
                        + base.network());
            }
            if (size < base.prefixLength() || size > base.address().bits()) {
                throw new IllegalArgumentException("default pool " + base + " cannot be split into /" + size);
            }
        }

        /** Parses {@code cidr} and checks the split size. */
        public static DefaultPool parse(String cidr, int size) {
            return new DefaultPool(IpPrefix.parseNetwork(cidr), size);
        }

        @Override
        public String toString() {
            return base + " in /" + size + "s";
        }
    }
}
