package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.StoredJson;

import java.util.regex.Pattern;

/**
 * The one owner of the cluster-network key layout (the record codec is the kvstore's
 * {@link StoredJson}; keys are relative to the store prefix,
 * {@code javaoverlay/v1/} for Consul):
 * <pre>
 *   clusternets/&lt;name&gt;   → {@link ClusterNetwork} JSON
 * </pre>
 * The vxlan module's {@code netalias/<hostId>/<dockerNetworkId>} records say which hosts have a
 * Docker network for a cluster network.
 */
public final class ClusterKeys {
    public static final String NETWORKS = "clusternets/";

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
}
