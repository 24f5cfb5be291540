package io.javaoverlay.server.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javaoverlay.server.docker.DockerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A network defined once for the whole cluster, stored under {@code clusternets/<name>}
 * ({@link ClusterKeys}). Every host's replicator makes its local Docker network match it.
 *
 * @param name              the Docker network name (the same on every host)
 * @param clusterId         the Docker network ID on the host that created it; the overlay's identity
 * @param ipam              pools as Docker reported them on the creating host (explicit on the others)
 * @param options           driver options, without {@code javaoverlay.cluster-id}
 * @param ipamOptions       IPAM options, without {@code javaoverlay.network}
 * @param enableIPv6        {@code --ipv6}
 * @param internal          {@code --internal}
 * @param createdBy         host ID of the creating host
 * @param createdAt         epoch milliseconds
 * @param state             {@link #ACTIVE} or {@link #DELETING}
 * @param deleteRequestedBy host ID where {@code docker network rm} ran, while deleting
 * @param enableIPv4        {@code --ipv4}: false for an IPv6-only network (Docker 28+); absent in
 *                          records of earlier releases, which means true
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterNetwork(String name, String clusterId, List<Pool> ipam, Map<String, String> options,
                             Map<String, String> ipamOptions, boolean enableIPv6, boolean internal, String createdBy,
                             long createdAt, String state, String deleteRequestedBy, Boolean enableIPv4) {
    public static final String ACTIVE = "active";
    public static final String DELETING = "deleting";
    /** Driver option that ties a host's Docker network to the cluster network (vxlan's NetworkOptions.CLUSTER_ID). */
    public static final String CLUSTER_ID_OPTION = "javaoverlay.cluster-id";
    /** IPAM option naming the logical network (ipam's PoolAllocator.NETWORK_OPTION). */
    public static final String IPAM_NETWORK_OPTION = "javaoverlay.network";

    public ClusterNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clusterId, "clusterId");
        ipam = ipam == null ? List.of() : List.copyOf(ipam);
        options = options == null ? Map.of() : Map.copyOf(options);
        ipamOptions = ipamOptions == null ? Map.of() : Map.copyOf(ipamOptions);
        state = state == null ? ACTIVE : state;
        enableIPv4 = enableIPv4 == null ? Boolean.TRUE : enableIPv4;
    }

    /** A definition with IPv4 enabled. */
    public ClusterNetwork(String name, String clusterId, List<Pool> ipam, Map<String, String> options,
                          Map<String, String> ipamOptions, boolean enableIPv6, boolean internal, String createdBy,
                          long createdAt, String state, String deleteRequestedBy) {
        this(name, clusterId, ipam, options, ipamOptions, enableIPv6, internal, createdBy, createdAt, state,
                deleteRequestedBy, true);
    }

    /** One pool; null fields were not set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pool(String subnet, String ipRange, String gateway) {
        public Pool {
            Objects.requireNonNull(subnet, "subnet");
            gateway = DockerNetwork.bareAddress(gateway); // records written by Docker 26 hosts may hold a CIDR
        }
    }

    /** The definition of a local Docker network, as this host would publish it. */
    public static ClusterNetwork of(DockerNetwork n, String clusterId, String hostId, long now) {
        return new ClusterNetwork(n.name(), clusterId, pools(n), without(n.options(), CLUSTER_ID_OPTION),
                without(n.ipamOptions(), IPAM_NETWORK_OPTION), n.enableIPv6(), n.internal(), hostId, now, ACTIVE, null,
                n.enableIPv4());
    }

    /** True while the network is being removed from every host. */
    public boolean deleting() {
        return DELETING.equals(state);
    }

    /** This record marked for removal, requested on {@code hostId}. */
    public ClusterNetwork markDeleting(String hostId) {
        return new ClusterNetwork(name, clusterId, ipam, options, ipamOptions, enableIPv6, internal, createdBy,
                createdAt, DELETING, hostId, enableIPv4);
    }

    /**
     * What differs between this definition and a local Docker network, one phrase per difference
     * ("subnets [...] in the cluster, [...] here"); empty when they agree.
     */
    public List<String> differences(DockerNetwork local) {
        List<String> out = new ArrayList<>();
        List<Pool> mine = pools(local);
        if (!ipam.equals(mine)) {
            out.add("subnets " + describe(ipam) + " in the cluster, " + describe(mine) + " here");
        }
        Map<String, String> lo = without(local.options(), CLUSTER_ID_OPTION);
        Set<String> keys = new TreeSet<>(options.keySet());
        keys.addAll(lo.keySet());
        for (String k : keys) {
            if (!Objects.equals(options.get(k), lo.get(k))) {
                out.add("option " + k + ": " + show(options.get(k)) + " in the cluster, " + show(lo.get(k)) + " here");
            }
        }
        if (enableIPv6 != local.enableIPv6()) {
            out.add("--ipv6 " + enableIPv6 + " in the cluster, " + local.enableIPv6() + " here");
        }
        if (enableIPv4 != local.enableIPv4()) {
            out.add("--ipv4 " + enableIPv4 + " in the cluster, " + local.enableIPv4() + " here");
        }
        if (internal != local.internal()) {
            out.add("--internal " + internal + " in the cluster, " + local.internal() + " here");
        }
        return out;
    }

    private static String show(String v) {
        return v == null ? "unset" : "'" + v + "'";
    }

    private static String describe(List<Pool> pools) {
        List<String> out = new ArrayList<>();
        for (Pool p : pools) {
            out.add(p.subnet() + (p.ipRange() == null ? "" : " ip-range " + p.ipRange())
                    + (p.gateway() == null ? "" : " gateway " + p.gateway()));
        }
        return out.toString();
    }

    static List<Pool> pools(DockerNetwork n) {
        List<Pool> out = new ArrayList<>();
        for (DockerNetwork.IpamConfig c : n.ipam()) {
            out.add(new Pool(c.subnet(), c.ipRange(), c.gateway()));
        }
        return out;
    }

    static Map<String, String> without(Map<String, String> m, String key) {
        Map<String, String> out = new TreeMap<>(m);
        out.remove(key);
        return out;
    }
}
