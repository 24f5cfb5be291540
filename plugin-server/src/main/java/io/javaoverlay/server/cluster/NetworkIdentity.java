package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.server.cluster.ClusterKeys.NetworkAlias;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which cluster network a host's Docker network is ({@code netalias/<hostId>/<dockerNetworkId>} →
 * cluster ID, {@link ClusterKeys}), resolved once per call at the edge.
 *
 * <p>With Docker 24+ and {@code Scope: local} every host's {@code docker network create} yields its own
 * Docker network ID for the same overlay; the overlay's records are keyed by the cluster ID, the
 * Docker ID of the first host's network. A CreateNetwork joins an existing cluster network when it
 * carries the driver option {@code javaoverlay.cluster-id} (the replicator sets it), or when one of its
 * pools equals an existing network's pool (a subnet is one network cluster-wide). With Docker 20.10's
 * cluster store ({@code --scope global}) the Docker ID is the same on every host: it is the cluster ID
 * and no alias is kept.
 *
 * <p><b>Atomicity.</b> An alias is written or deleted in one transaction with a compare-and-set
 * rewrite of the cluster network's record, so two hosts that join and leave at the same time
 * serialise on that record: a leaving host that sees no other alias deletes the record in the same
 * transaction that deletes its alias (through the overlay's composable
 * {@link OverlayStore#deleteNetwork(String, List)}), and a host joining meanwhile makes it fail and
 * look again. No network record is left without an alias, none is deleted while one exists.
 */
public final class NetworkIdentity {
    private static final int ATTEMPTS = 16;

    private final KvStore kv;
    private final OverlayStore overlay;
    private final String hostId;
    private final boolean global;
    private final CasRetry cas;
    /** Aliases never change while the Docker network lives, so positive lookups are cached. */
    private final Map<String, String> cache = new ConcurrentHashMap<>();
    /** When this process recorded each alias of this host (System.nanoTime): a network Docker has not stored yet. */
    private final Map<String, Long> recordedAt = new ConcurrentHashMap<>();

    /**
     * @param kv      the store
     * @param overlay the overlay's records on {@code kv}
     * @param hostId  this host
     * @param global  true with {@code --scope global} (Docker 20.10 cluster store): one ID everywhere
     */
    public NetworkIdentity(KvStore kv, OverlayStore overlay, String hostId, boolean global) {
        this.kv = Objects.requireNonNull(kv, "kv");
        this.overlay = Objects.requireNonNull(overlay, "overlay");
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.global = global;
        this.cas = new CasRetry(kv, ATTEMPTS, Duration.ZERO);
    }

    /** This host's ID. */
    public String hostId() {
        return hostId;
    }

    /** True in scope global, where a Docker network ID is the cluster ID on every host. */
    public boolean global() {
        return global;
    }

    /**
     * The cluster network this host's Docker network {@code localNetworkId} belongs to: from the cache,
     * else one alias read. Without an alias (scope global, a network recorded before aliases existed,
     * or one this host never recorded) it is the ID itself.
     */
    public String clusterIdOf(String localNetworkId) {
        if (global) {
            return localNetworkId;
        }
        String cached = cache.get(localNetworkId);
        if (cached != null) {
            return cached;
        }
        Optional<String> alias = aliasOf(localNetworkId);
        alias.ifPresent(cid -> cache.put(localNetworkId, cid));
        return alias.orElse(localNetworkId);
    }

    /** The cluster network of {@code localNetworkId} as far as this host recorded it (cache, else one read). */
    public Optional<String> recordedClusterIdOf(String localNetworkId) {
        String cached = cache.get(localNetworkId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<String> alias = aliasOf(localNetworkId);
        alias.ifPresent(cid -> cache.put(localNetworkId, cid));
        return alias;
    }

    /** This host's alias of {@code localNetworkId}, read from the store (no cache). */
    public Optional<String> aliasOf(String localNetworkId) {
        if (!ClusterKeys.isValidNetworkId(localNetworkId)) {
            return Optional.empty();
        }
        String key = ClusterKeys.alias(hostId, localNetworkId);
        return cas.once("read the alias of network " + localNetworkId, () -> kv.get(key)).map(KvEntry::valueAsString);
    }

    /**
     * True when this process recorded the alias of {@code localNetworkId} less than {@code within} ago:
     * Docker stores a network only after its CreateNetwork returns, so its absence from Docker then
     * proves nothing. An alias recorded by an earlier run of the daemon is never recent.
     */
    public boolean recordedWithin(String localNetworkId, Duration within) {
        Long at = recordedAt.get(localNetworkId);
        return at != null && System.nanoTime() - at < within.toNanos();
    }

    /** True when another Docker network of this host than {@code localNetworkId} is cluster network {@code clusterId}. */
    public boolean heldHereByAnother(String clusterId, String localNetworkId) {
        return localAliases().entrySet().stream()
                .anyMatch(a -> a.getValue().equals(clusterId) && !a.getKey().equals(localNetworkId));
    }

    /** Drops the cached alias of a Docker network this host no longer has. */
    public void forget(String localNetworkId) {
        cache.remove(localNetworkId);
    }

    /** Every host's aliases, sorted by key. */
    public List<NetworkAlias> aliases() {
        List<NetworkAlias> out = new ArrayList<>();
        for (KvEntry e : cas.once("list network aliases", () -> kv.list(ClusterKeys.ALIASES))) {
            ClusterKeys.aliasOf(e).ifPresent(out::add);
        }
        return out;
    }

    /** This host's aliases: Docker network ID → cluster ID. */
    public Map<String, String> localAliases() {
        Map<String, String> out = new TreeMap<>();
        for (KvEntry e : cas.once("list this host's network aliases", () -> kv.list(ClusterKeys.aliasesOf(hostId)))) {
            ClusterKeys.aliasOf(e).ifPresent(a -> out.put(a.networkId(), a.clusterId()));
        }
        return out;
    }

    /** Hosts that still have a Docker network for {@code clusterId} (an alias onto it). */
    public Set<String> hostsWith(String clusterId) {
        Set<String> out = new TreeSet<>();
        for (NetworkAlias a : aliases()) {
            if (a.clusterId().equals(clusterId)) {
                out.add(a.hostId());
            }
        }
        return out;
    }

    /**
     * The cluster network a new Docker network should join instead of becoming one of its own: an
     * alias recorded earlier (a repeated CreateNetwork), the {@code javaoverlay.cluster-id} option, or an
     * existing network with one of the same pools. Always empty in scope global.
     */
    public Optional<String> joinTarget(NetworkRecord wanted, NetworkOptions opts) {
        if (global) {
            return Optional.empty();
        }
        String nid = wanted.networkId();
        Optional<String> alias = aliasOf(nid);
        if (alias.isPresent()) {
            return alias.filter(cid -> !cid.equals(nid));
        }
        if (opts.clusterId().isPresent()) {
            return opts.clusterId().filter(cid -> !cid.equals(nid));
        }
        Set<IpPrefix> mine = poolSet(wanted);
        for (NetworkRecord r : overlay.networks()) {
            if (!r.networkId().equals(nid) && poolSet(r).stream().anyMatch(mine::contains)) {
                return Optional.of(r.networkId());
            }
        }
        return Optional.empty();
    }

    /**
     * Maps Docker network {@code wanted.networkId()} onto the existing cluster network {@code clusterId}.
     *
     * @throws OverlayException NOT_FOUND (cluster network gone), CONFLICT (definitions differ, or
     *                          another Docker network of this host already is that network)
     */
    public NetworkRecord join(NetworkRecord wanted, String clusterId, Optional<Integer> requestedVni) {
        String nid = wanted.networkId();
        return cas.run("join network " + nid + " to javaoverlay network " + clusterId, () -> {
            Optional<KvEntry> entry = kv.get(NetworkKeys.network(clusterId));
            if (entry.isEmpty()) {
                throw new OverlayException(Kind.NOT_FOUND, "network " + nid + ": javaoverlay network " + clusterId
                        + " it should join does not exist (any more)");
            }
            NetworkRecord cluster = NetworkKeys.decode(entry.get().key(), entry.get().value(), NetworkRecord.class);
            List<String> diffs = differences(cluster, wanted);
            if (requestedVni.isPresent() && requestedVni.get() != cluster.vni()) {
                diffs.add(NetworkOptions.VNI + ": " + cluster.vni() + " there, " + requestedVni.get() + " here");
            }
            if (!diffs.isEmpty()) {
                Set<IpPrefix> shared = poolSet(cluster);
                shared.retainAll(poolSet(wanted));
                String why = shared.isEmpty() ? "named by option " + NetworkOptions.CLUSTER_ID
                        : "same subnet " + sorted(shared) + ", and a subnet is one network on every host";
                throw new OverlayException(Kind.CONFLICT, "network " + nid + " cannot join javaoverlay network "
                        + clusterId + " (" + why + "), because the definitions differ: " + String.join("; ", diffs));
            }
            for (Map.Entry<String, String> a : localAliases().entrySet()) {
                if (a.getValue().equals(clusterId) && !a.getKey().equals(nid)) {
                    throw new OverlayException(Kind.CONFLICT, "network " + nid + ": network " + a.getKey()
                            + " on this host already is javaoverlay network " + clusterId + " (same subnet "
                            + sorted(poolSet(cluster)) + "); use that network");
                }
            }
            // The rewrite of the record serialises with hosts leaving (see the class comment); it is the
            // next revision, since Consul keeps the modify index of a write that changes nothing.
            kv.txn(List.of(new TxnOp.Cas(entry.get().key(), NetworkKeys.encode(cluster.nextRev()),
                    entry.get().modifyIndex()), ClusterKeys.putAlias(hostId, nid, clusterId)));
            cache.put(nid, clusterId);
            recordedAt.put(nid, System.nanoTime());
            return cluster;
        });
    }

    /** Records that this host's {@code localNetworkId} is the cluster network {@code clusterId} it just created. */
    public void created(String localNetworkId, String clusterId) {
        if (global) {
            return;
        }
        TxnOp put = ClusterKeys.putAlias(hostId, localNetworkId, clusterId);
        cas.once("record the alias of network " + localNetworkId, () -> {
            kv.txn(List.of(put));
            return null;
        });
        cache.put(localNetworkId, clusterId);
        recordedAt.put(localNetworkId, System.nanoTime());
    }

    /**
     * This host's Docker network {@code localNetworkId} is gone: its alias goes, and with the last
     * alias of its cluster network the network record goes too, in the same transaction.
     *
     * @return the cluster network it was, and whether its record was deleted; empty without an alias
     */
    public Optional<Left> leave(String localNetworkId) {
        cache.remove(localNetworkId);
        recordedAt.remove(localNetworkId);
        return leave(hostId, localNetworkId);
    }

    /**
     * Like {@link #leave(String)} for any host's alias (the dead-host collector).
     *
     * @return the cluster network it was, and whether its record was deleted; empty without an alias
     */
    public Optional<Left> leave(String host, String localNetworkId) {
        String aliasKey = ClusterKeys.alias(host, localNetworkId);
        return cas.run("remove network " + localNetworkId + " of host " + host + " from its cluster network", () -> {
            Optional<KvEntry> alias = kv.get(aliasKey);
            if (alias.isEmpty()) {
                return Optional.<Left>empty();
            }
            String cid = alias.get().valueAsString();
            TxnOp dropAlias = new TxnOp.DeleteIfIndex(aliasKey, alias.get().modifyIndex());
            // Read the record before listing the aliases: a join or leave meanwhile changes its index.
            Optional<KvEntry> net = kv.get(NetworkKeys.network(cid));
            if (net.isEmpty()) {
                kv.txn(List.of(dropAlias));
                return Optional.of(new Left(cid, false));
            }
            // The last alias: the overlay deletes the record (read again inside) with our alias, the
            // aliases listed after that read.
            boolean[] decided = {false};
            Optional<NetworkRecord> deleted = overlay.deleteNetwork(cid, current -> {
                decided[0] = true;
                return othersHave(cid, host, localNetworkId) ? Optional.empty() : Optional.of(List.of(dropAlias));
            });
            if (deleted.isPresent()) {
                return Optional.of(new Left(cid, true));
            }
            if (!decided[0] || !othersHave(cid, host, localNetworkId)) {
                // The record vanished, or our alias changed: look again.
                throw CasRetry.conflict("network " + cid + " changed while host " + host + " left it");
            }
            // Others still have it: drop our alias with a rewrite of the record as read before the
            // listing, so a host leaving at the same time makes one of the two look again. The rewrite
            // is the next revision, not the same bytes: Consul keeps the modify index of a write that
            // changes nothing, and two hosts leaving at once both passed, leaving the record behind
            // with no alias (MultiHostDocker28IT: networks/<id> and vni/<n> orphaned).
            NetworkRecord read = NetworkKeys.decode(net.get().key(), net.get().value(), NetworkRecord.class);
            kv.txn(List.of(new TxnOp.Cas(net.get().key(), NetworkKeys.encode(read.nextRev()), net.get().modifyIndex()),
                    dropAlias));
            return Optional.of(new Left(cid, false));
        });
    }

    private boolean othersHave(String clusterId, String host, String localNetworkId) {
        return aliases().stream().anyMatch(a -> a.clusterId().equals(clusterId)
                && !(a.hostId().equals(host) && a.networkId().equals(localNetworkId)));
    }

    /**
     * Deletes the network record of {@code clusterId} outright (and its VNI claim): scope global, where
     * {@code docker network rm} on any host removes the network, and networks recorded without aliases.
     *
     * @return the deleted record; empty if there was none
     */
    public Optional<NetworkRecord> deleteNetwork(String clusterId) {
        return overlay.deleteNetwork(clusterId, List.of());
    }

    /**
     * What a {@link #leave} did.
     *
     * @param clusterId      the cluster network the alias pointed at
     * @param networkDeleted true when it was the last alias and the network record went with it
     */
    public record Left(String clusterId, boolean networkDeleted) {}

    /**
     * What differs between a cluster network and a host's definition of it, one phrase per
     * difference ("IPv4 pools [...] there, [...] here"); empty when they agree. The cluster-ID option,
     * the IPAM address space and the MTU (decided by the network's creator) are ignored.
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
                    + (p.auxAddresses().isEmpty() ? "" : " aux " + new TreeMap<>(p.auxAddresses())));
        }
        return out;
    }

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
