package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.StoredJson;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one owner of the vxlan module's key layout (the record codec is the kvstore's
 * {@link StoredJson}). Keys are relative to the
 * store's versioned prefix ({@code javaoverlay/v1/} for Consul):
 * <pre>
 *   networks/&lt;networkId&gt;                 → {@link NetworkRecord} JSON
 *   vni/&lt;vni&gt;                            → networkId (claimed in the same txn as the network record)
 *   endpoints/&lt;networkId&gt;/&lt;endpointId&gt;  → {@link EndpointRecord} JSON
 *   eidx/&lt;networkId&gt;/mac/&lt;mac&gt;         → endpointId holding the MAC in the network
 *   eidx/&lt;networkId&gt;/ip/&lt;ip&gt;           → endpointId holding the address in the network
 * </pre>
 * Every record here is keyed by the cluster network ID; mapping a host's Docker network ID onto it
 * ({@code netalias/}) and the hosts ({@code hosts/}) are the cluster layer's business (plugin-server's
 * {@code server.cluster.ClusterKeys}). The index keys ({@code eidx/}) are written and deleted in the
 * same transaction as their endpoint record, so a CreateEndpoint checks MAC and addresses with a
 * few conditional writes instead of listing every endpoint of the network. Records of the previous
 * release have no index keys ({@link EndpointRecord#isLegacy()}).
 */
public final class NetworkKeys {
    public static final String NETWORKS = "networks/";
    public static final String VNIS = "vni/";
    public static final String ENDPOINTS = "endpoints/";
    /** Prefix of the endpoint index keys ({@link #macIndex}, {@link #ipIndex}). */
    public static final String ENDPOINT_INDEX = "eidx/";

    /** Docker IDs are 64 hex chars; we accept any key-safe token so tests can use short ones. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private NetworkKeys() {}

    /** True when {@code id} can be used as a network or endpoint ID in a key. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** {@code networks/<networkId>}. */
    public static String network(String networkId) {
        return NETWORKS + requireId(networkId);
    }

    /** {@code vni/<vni>}. */
    public static String vni(int vni) {
        return VNIS + vni;
    }

    /** {@code endpoints/<networkId>/}: prefix of a network's endpoints. */
    public static String endpointsOf(String networkId) {
        return ENDPOINTS + requireId(networkId) + "/";
    }

    /** {@code endpoints/<networkId>/<endpointId>}. */
    public static String endpoint(String networkId, String endpointId) {
        return endpointsOf(networkId) + requireId(endpointId);
    }

    /** {@code eidx/<networkId>/mac/<mac>}: the endpoint of the network that holds {@code mac}. */
    public static String macIndex(String networkId, MacAddress mac) {
        return ENDPOINT_INDEX + requireId(networkId) + "/mac/" + mac;
    }

    /** {@code eidx/<networkId>/ip/<ip>}: the endpoint of the network that holds address {@code ip}. */
    public static String ipIndex(String networkId, IpAddress ip) {
        return ENDPOINT_INDEX + requireId(networkId) + "/ip/" + ip;
    }

    /** The index keys of {@code record}: its MAC, then its IPv4 and IPv6 address (those it has). */
    public static List<String> indexKeys(EndpointRecord record) {
        List<String> keys = new ArrayList<>(3);
        keys.add(macIndex(record.networkId(), record.mac()));
        for (IpAddress ip : record.addresses()) {
            keys.add(ipIndex(record.networkId(), ip));
        }
        return keys;
    }

    /** The network ID of a {@code networks/<id>} or {@code endpoints/<id>/<eid>} key. */
    public static Optional<String> networkIdOf(String key) {
        String rest;
        if (key.startsWith(NETWORKS)) {
            rest = key.substring(NETWORKS.length());
        } else if (key.startsWith(ENDPOINTS)) {
            rest = key.substring(ENDPOINTS.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            rest = rest.substring(0, slash);
        } else {
            return Optional.empty();
        }
        return isValidId(rest) ? Optional.of(rest) : Optional.empty();
    }

    /** The VNI of a {@code vni/<n>} key. */
    public static Optional<Integer> vniOf(String key) {
        if (!key.startsWith(VNIS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(key.substring(VNIS.length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A record as JSON bytes. */
    public static byte[] encode(Object record) {
        return StoredJson.encode(record);
    }

    /**
     * Decodes a stored record.
     *
     * @throws IllegalArgumentException if the bytes are not a valid record (names the key)
     */
    public static <T> T decode(String key, byte[] value, Class<T> type) {
        return StoredJson.decode(key, value, type);
    }

    private static String requireId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("invalid ID '" + id + "'");
        }
        return id;
    }
}
