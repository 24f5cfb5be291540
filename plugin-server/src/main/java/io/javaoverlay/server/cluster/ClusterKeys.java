package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.StoredJson;
import io.javaoverlay.kvstore.TxnOp;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one owner of the cluster-wide key layout (the record codec is the kvstore's {@link StoredJson};
 * keys are relative to the store prefix, {@code javaoverlay/v1/} for Consul):
 * <pre>
 *   clusternets/&lt;name&gt;                     → {@link ClusterNetwork} JSON (Docker 24+ replication)
 *   hosts/&lt;hostId&gt;                         → {@link HostRecord} JSON, rewritten every heartbeat ({@link Membership})
 *   netalias/&lt;hostId&gt;/&lt;dockerNetworkId&gt;  → cluster network ID ({@link NetworkAlias}, {@link NetworkIdentity})
 * </pre>
 * The overlay's own records ({@code networks/}, {@code endpoints/}, {@code eidx/}, {@code vni/}) are
 * keyed by the cluster network ID and belong to the vxlan module's {@code NetworkKeys}; an alias says
 * which host's Docker network is which cluster network, and which hosts still have it.
 */
public final class ClusterKeys {
    public static final String NETWORKS = "clusternets/";
    public static final String HOSTS = "hosts/";
    public static final String ALIASES = "netalias/";

    /** Docker's network-name rule, which also keeps the key within the store's key alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** Docker IDs are 64 hex characters; any key-safe token is accepted (tests use short ones). */
    private static final Pattern NETWORK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ClusterKeys() {}

    /** True when {@code name} can be a cluster network name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** True when {@code hostId} can be a host ID in a key ({@code [A-Za-z0-9._:-]}, 1 to 64). */
    public static boolean isValidHostId(String hostId) {
        return hostId != null && HOST_ID.matcher(hostId).matches();
    }

    /** True when {@code id} can be a Docker network ID in a key. */
    public static boolean isValidNetworkId(String id) {
        return id != null && NETWORK_ID.matcher(id).matches();
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
        return HOSTS + requireHostId(hostId);
    }

    /** The host ID of a {@code hosts/<hostId>} key; empty for any other key. */
    public static Optional<String> hostIdOf(String key) {
        if (key == null || !key.startsWith(HOSTS)) {
            return Optional.empty();
        }
        String id = key.substring(HOSTS.length());
        return isValidHostId(id) ? Optional.of(id) : Optional.empty();
    }

    /** A host record as JSON bytes. */
    public static byte[] encodeHost(HostRecord h) {
        return StoredJson.encode(h);
    }

    /** @throws IllegalArgumentException naming the key when the bytes are not a host record */
    public static HostRecord decodeHost(String key, byte[] value) {
        return StoredJson.decode(key, value, HostRecord.class);
    }

    /** {@code netalias/<hostId>/}: prefix of one host's aliases. */
    public static String aliasesOf(String hostId) {
        return ALIASES + requireHostId(hostId) + "/";
    }

    /** {@code netalias/<hostId>/<dockerNetworkId>}. */
    public static String alias(String hostId, String localNetworkId) {
        if (!isValidNetworkId(localNetworkId)) {
            throw new IllegalArgumentException("invalid network ID '" + localNetworkId + "'");
        }
        return aliasesOf(hostId) + localNetworkId;
    }

    /** The write of an alias, for a transaction. */
    public static TxnOp putAlias(String hostId, String localNetworkId, String clusterId) {
        return new TxnOp.Set(alias(hostId, localNetworkId), clusterId.getBytes(StandardCharsets.UTF_8));
    }

    /** The alias a {@code netalias/} entry holds; empty for any other key or a malformed one. */
    public static Optional<NetworkAlias> aliasOf(KvEntry e) {
        String key = e.key();
        if (key == null || !key.startsWith(ALIASES)) {
            return Optional.empty();
        }
        String rest = key.substring(ALIASES.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String h = rest.substring(0, slash);
        String n = rest.substring(slash + 1);
        String cid = e.valueAsString();
        if (!isValidHostId(h) || !isValidNetworkId(n) || !isValidNetworkId(cid)) {
            return Optional.empty();
        }
        return Optional.of(new NetworkAlias(h, n, cid));
    }

    private static String requireHostId(String hostId) {
        if (!isValidHostId(hostId)) {
            throw new IllegalArgumentException("invalid host ID '" + hostId + "'");
        }
        return hostId;
    }

    /**
     * One host's Docker network mapped onto a cluster network. The host that created the cluster
     * network maps its own ID onto itself.
     *
     * @param hostId    the host
     * @param networkId that host's Docker network ID
     * @param clusterId the cluster network ID the overlay's records are keyed by
     */
    public record NetworkAlias(String hostId, String networkId, String clusterId) {
        public NetworkAlias {
            Objects.requireNonNull(hostId, "hostId");
            Objects.requireNonNull(networkId, "networkId");
            Objects.requireNonNull(clusterId, "clusterId");
        }
    }
}
