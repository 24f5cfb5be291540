package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.StoredJson;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one owner of the cluster-network key layout (the record codec is the kvstore's
 * {@link StoredJson}; keys are relative to the store prefix,
 * {@code javaoverlay/v1/} for Consul):
 * <pre>
 *   clusternets/&lt;name&gt;   → {@link ClusterNetwork} JSON
 *   hosts/&lt;hostId&gt;       → {@link HostRecord} JSON, rewritten every heartbeat ({@link Membership})
 * </pre>
 * The vxlan module's {@code netalias/<hostId>/<dockerNetworkId>} records say which hosts have a
 * Docker network for a cluster network.
 */
public final class ClusterKeys {
    public static final String NETWORKS = "clusternets/";
    /** The host keys are vxlan's ({@link NetworkKeys#HOSTS}): one layout, one host-ID rule. */
    public static final String HOSTS = NetworkKeys.HOSTS;

    /** Docker's network-name rule, which also keeps the key within the store's key alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private ClusterKeys() {}

    /** True when {@code name} can be a cluster network name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** {@code clusternets/<name>}. */
    public static String network(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid network name '" + name + "'");
        }
        return NETWORKS + name;
    }

    /** A record as JSON bytes. */
    public static byte[] encode(ClusterNetwork n) {
        return StoredJson.encode(n);
    }

    /** @throws IllegalArgumentException naming the key when the bytes are not a record */
    public static ClusterNetwork decode(String key, byte[] value) {
        return StoredJson.decode(key, value, ClusterNetwork.class);
    }

    /** {@code hosts/<hostId>}. @throws IllegalArgumentException for an invalid host ID */
    public static String host(String hostId) {
        return NetworkKeys.host(hostId);
    }

    /** The host ID of a {@code hosts/<hostId>} key; empty for any other key. */
    public static Optional<String> hostIdOf(String key) {
        return NetworkKeys.hostIdOf(key);
    }

    /** A host record as JSON bytes. */
    public static byte[] encodeHost(HostRecord h) {
        return StoredJson.encode(h);
    }

    /** @throws IllegalArgumentException naming the key when the bytes are not a host record */
    public static HostRecord decodeHost(String key, byte[] value) {
        return StoredJson.decode(key, value, HostRecord.class);
    }
}
