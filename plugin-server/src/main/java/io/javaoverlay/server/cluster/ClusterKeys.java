package io.javaoverlay.server.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The one owner of the cluster-network key layout (relative to the store prefix,
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
    public static final String HOSTS = "hosts/";

    /** Docker's network-name rule, which also keeps the key within the store's key alphabet. */
    /** The host-ID alphabet (the same as vxlan's NetworkKeys). */
    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

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
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException naming the key when the bytes are not a record */
    public static ClusterNetwork decode(String key, byte[] value) {
        try {
            return JSON.readValue(value, ClusterNetwork.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt record at key " + key + ": " + e.getMessage(), e);
        }
    }

    /** {@code hosts/<hostId>}. */
    public static String host(String hostId) {
        if (hostId == null || !HOST_ID.matcher(hostId).matches()) {
            throw new IllegalArgumentException("invalid host ID '" + hostId + "'");
        }
        return HOSTS + hostId;
    }

    /** The host ID of a {@code hosts/<hostId>} key; empty for any other key. */
    public static java.util.Optional<String> hostIdOf(String key) {
        if (key == null || !key.startsWith(HOSTS)) {
            return java.util.Optional.empty();
        }
        String id = key.substring(HOSTS.length());
        return HOST_ID.matcher(id).matches() ? java.util.Optional.of(id) : java.util.Optional.empty();
    }

    /** A host record as JSON bytes. */
    public static byte[] encodeHost(HostRecord h) {
        try {
            return JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException naming the key when the bytes are not a host record */
    public static HostRecord decodeHost(String key, byte[] value) {
        try {
            return JSON.readValue(value, HostRecord.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt host record at key " + key + ": " + e.getMessage(), e);
        }
    }
}
