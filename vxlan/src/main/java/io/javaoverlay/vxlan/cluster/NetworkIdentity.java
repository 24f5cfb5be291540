package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.state.NetworkAlias;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps this host's Docker network IDs onto cluster network IDs. With Docker 24+ and
 * {@code Scope: local} each host's {@code docker network create} yields its own network ID; the
 * overlay (VNI, endpoints, reconciler) is keyed by the cluster ID, the Docker ID of the first
 * host's network. A CreateNetwork joins an existing cluster network when it carries the driver
 * option {@code javaoverlay.cluster-id}, or when one of its pools equals an existing network's pool
 * (the IPAM lets an identical pool be re-reserved, and a subnet belongs to one network
 * cluster-wide). Joining checks that the definitions agree and says what differs when not.
 *
 * @deprecated moves to plugin-server's {@code server.cluster}, which resolves Docker's IDs at the edge
 */
@Deprecated(forRemoval = true)
@SuppressWarnings("removal")
public final class NetworkIdentity {
    private final OverlayStore store;
    private final String hostId;
    /** Aliases never change while the Docker network lives, so positive lookups are cached. */
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    /** The identity view of host {@code hostId} on {@code store}. */
    public NetworkIdentity(OverlayStore store, String hostId) {
        this.store = Objects.requireNonNull(store, "store");
        this.hostId = Objects.requireNonNull(hostId, "hostId");
    }

    /** The cluster network this host's Docker network {@code networkId} belongs to (itself without an alias). */
    public String clusterIdOf(String networkId) {
        String cached = cache.get(networkId);
        if (cached != null) {
            return cached;
        }
        Optional<String> alias = store.findAlias(hostId, networkId);
        alias.ifPresent(cid -> cache.put(networkId, cid));
        return alias.orElse(networkId);
    }

    /** This host's alias of {@code networkId}, read from the store. */
    public Optional<String> aliasOf(String networkId) {
        return store.findAlias(hostId, networkId);
    }

    /** Drops the cached alias of a deleted Docker network. */
    public void forget(String networkId) {
        cache.remove(networkId);
    }

    /**
     * The cluster network a new Docker network should join instead of claiming a VNI of its own:
     * an alias recorded earlier (a repeated CreateNetwork), the {@code javaoverlay.cluster-id}
     * option, or an existing network with one of the same pools.
     */
    public Optional<String> joinTarget(NetworkRecord wanted, NetworkOptions opts) {
        String nid = wanted.networkId();
        Optional<String> alias = store.findAlias(hostId, nid);
        if (alias.isPresent()) {
            return alias.filter(cid -> !cid.equals(nid));
        }
        if (opts.clusterId().isPresent()) {
            return opts.clusterId().filter(cid -> !cid.equals(nid));
        }
        Set<IpPrefix> mine = poolSet(wanted);
        for (NetworkRecord r : store.networks()) {
            if (!r.networkId().equals(nid) && poolSet(r).stream().anyMatch(mine::contains)) {
                return Optional.of(r.networkId());
            }
        }
        return Optional.empty();
    }

    /**
     * Maps Docker network {@code wanted.networkId()} onto cluster network {@code clusterId}.
     *
     * @throws OverlayException NOT_FOUND (cluster network gone), CONFLICT (definitions differ, or
     *                          another Docker network of this host already is that network)
     */
    public NetworkRecord join(NetworkRecord wanted, String clusterId, Optional<Integer> requestedVni) {
        String nid = wanted.networkId();
        NetworkRecord cluster = store.findNetwork(clusterId).orElseThrow(() -> new OverlayException(Kind.NOT_FOUND,
                "network " + nid + ": javaoverlay network " + clusterId + " it should join does not exist (any more)"));
        List<String> diffs = differences(cluster, wanted);
        if (requestedVni.isPresent() && requestedVni.get() != cluster.vni()) {
            diffs.add(NetworkOptions.VNI + ": " + cluster.vni() + " there, " + requestedVni.get() + " here");
        }
        if (!diffs.isEmpty()) {
            Set<IpPrefix> shared = poolSet(cluster);
            shared.retainAll(poolSet(wanted));
            String why = shared.isEmpty() ? "named by option " + NetworkOptions.CLUSTER_ID
                    : "same subnet " + sorted(shared) + ", and a subnet is one network on every host";
            throw new OverlayException(Kind.CONFLICT, "network " + nid + " cannot join javaoverlay network " + clusterId
                    + " (" + why + "), because the definitions differ: " + String.join("; ", diffs));
        }
        for (NetworkAlias a : store.aliases()) {
            if (a.hostId().equals(hostId) && a.clusterId().equals(clusterId) && !a.networkId().equals(nid)) {
                throw new OverlayException(Kind.CONFLICT, "network " + nid + ": network " + a.networkId()
                        + " on this host already is javaoverlay network " + clusterId + " (same subnet "
                        + sorted(poolSet(cluster)) + "); use that network");
            }
        }
        NetworkRecord joined = store.joinNetwork(clusterId, List.of(new TxnOp.Set(NetworkKeys.alias(hostId, nid),
                clusterId.getBytes(StandardCharsets.UTF_8))));
        cache.put(nid, clusterId);
        return joined;
    }

    /**
     * What differs between a cluster network and a host's definition of it, one phrase per
     * difference ("IPv4 pools [...] there, [...] here"); empty when they agree. The cluster-ID
     * option itself and the IPAM address space are ignored.
     */
    public static List<String> differences(NetworkRecord cluster, NetworkRecord wanted) {
        List<String> out = new ArrayList<>();
        List<String> c4 = describe(cluster.ipv4());
        List<String> w4 = describe(wanted.ipv4());
        if (!c4.equals(w4)) {
            out.add("IPv4 pools " + c4 + " there, " + w4 + " here");
        }
        List<String> c6 = describe(cluster.ipv6());
        List<String> w6 = describe(wanted.ipv6());
        if (!c6.equals(w6)) {
            out.add("IPv6 pools " + c6 + " there, " + w6 + " here");
        }
        Set<String> keys = new TreeSet<>(cluster.options().keySet());
        keys.addAll(wanted.options().keySet());
        keys.remove(NetworkOptions.CLUSTER_ID);
        for (String k : keys) {
            String a = cluster.options().get(k);
            String b = wanted.options().get(k);
            if (!Objects.equals(a, b)) {
                out.add("option " + k + ": " + show(a) + " there, " + show(b) + " here");
            }
        }
        if (cluster.ipv6Enabled() != wanted.ipv6Enabled()) {
            out.add("--ipv6: " + cluster.ipv6Enabled() + " there, " + wanted.ipv6Enabled() + " here");
        }
        if (cluster.internal() != wanted.internal()) {
            out.add("--internal: " + cluster.internal() + " there, " + wanted.internal() + " here");
        }
        return out;
    }

    private static String show(String v) {
        return v == null ? "unset" : "'" + v + "'";
    }

    private static List<String> describe(List<NetworkRecord.Pool> pools) {
        List<String> out = new ArrayList<>();
        for (NetworkRecord.Pool p : pools) {
            out.add(p.pool() + (p.gateway() == null ? "" : " gateway " + p.gateway())
                    + (p.auxAddresses().isEmpty() ? "" : " aux " + new java.util.TreeMap<>(p.auxAddresses())));
        }
        return out;
    }

    /** The pools' text, sorted and comma-separated, for messages. */
    private static String sorted(Set<IpPrefix> pools) {
        return String.join(", ", new TreeSet<>(pools.stream().map(IpPrefix::toString).toList()));
    }

    private static Set<IpPrefix> poolSet(NetworkRecord r) {
        Set<IpPrefix> s = new HashSet<>();
        r.ipv4().forEach(p -> s.add(p.pool()));
        r.ipv6().forEach(p -> s.add(p.pool()));
        return s;
    }
}
