package io.javaoverlay.ipam;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one owner of ipam's key layout in the kvstore (keys relative to the store prefix, so in
 * Consul they live under {@code javaoverlay/v1/ipam/...}).
 *
 * <pre>
 * ipam/pool-index/v4                  all IPv4 pools of the cluster (JSON {@code PoolIndex}); CAS-updated
 * ipam/pool-index/v6                  the same for IPv6
 * ipam/pools/&lt;poolKey&gt;               one pool's metadata (JSON {@code PoolRecord})
 * ipam/addrs/&lt;poolId&gt;/&lt;ip&gt;            one allocated address (JSON {@code AddressRecord})
 * </pre>
 *
 * <p>A <b>pool key</b> names the subnet ({@code 10.20.0.0_24}, {@code fd5a-7661-6f76--_48}):
 * {@code '/'} becomes {@code '_'} and {@code ':'} becomes {@code '-'}, so it is a single key
 * segment. A <b>pool ID</b>, what Docker stores and sends back, is the pool key plus a random
 * generation ({@code 10.20.0.0_24_5f3a09c1}). The generation makes IDs of a released pool stale:
 * if the same subnet is claimed again later, a late ReleasePool or RequestAddress carrying the old
 * ID cannot touch the new pool. Addresses are keyed by pool ID for the same reason, so removing
 * the addresses of an old generation never removes those of a newer one.
 */
public final class IpamKeys {

    /** Everything ipam writes starts with this. */
    public static final String ROOT = "ipam/";
    private static final String INDEX = ROOT + "pool-index/";
    private static final String POOLS = ROOT + "pools/";
    private static final String ADDRS = ROOT + "addrs/";

    private static final Pattern POOL_ID = Pattern.compile("([0-9a-f.-]+)_([0-9]{1,3})_([0-9a-f]{8})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private IpamKeys() {
    }

    /** The pool index key of one family. */
    public static String poolIndex(boolean v6) {
        return INDEX + (v6 ? "v6" : "v4");
    }

    /** The metadata key of the pool covering {@code subnet}. */
    public static String pool(IpPrefix subnet) {
        return POOLS + poolKey(subnet);
    }

    /** Prefix of every allocated-address key of pool {@code poolId}. */
    public static String addressPrefix(String poolId) {
        return ADDRS + poolId + "/";
    }

    /** The key of one allocated address. */
    public static String address(String poolId, IpAddress ip) {
        return addressPrefix(poolId) + encode(ip);
    }

    /** Decodes the address from a key made by {@link #address}. */
    public static IpAddress addressOf(String key) {
        String seg = key.substring(key.lastIndexOf('/') + 1);
        return IpAddress.parse(seg.replace('-', ':'));
    }

    /** The subnet's key segment, e.g. {@code 10.20.0.0_24}. */
    public static String poolKey(IpPrefix subnet) {
        return encode(subnet.networkAddress()) + "_" + subnet.prefixLength();
    }

    /** A new pool ID for {@code subnet}: its key segment plus a fresh random generation. */
    public static String newPoolId(IpPrefix subnet) {
        byte[] gen = new byte[4];
        RANDOM.nextBytes(gen);
        return poolKey(subnet) + "_" + HexFormat.of().formatHex(gen);
    }

    /**
     * The subnet a pool ID names, or empty if {@code poolId} is not one of ours (wrong shape,
     * bad address or prefix).
     */
    public static Optional<IpPrefix> subnetOf(String poolId) {
        if (poolId == null) {
            return Optional.empty();
        }
        var m = POOL_ID.matcher(poolId);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(IpPrefix.parseNetwork(m.group(1).replace('-', ':') + "/" + m.group(2)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** IPv6 text has no '-' and IPv4 has no ':', so this mapping is reversible. */
    private static String encode(IpAddress ip) {
        return ip.toString().replace(':', '-');
    }
}
