package io.javaoverlay.server.status;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.server.cluster.ClusterKeys;
import io.javaoverlay.server.cluster.ClusterNetwork;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.server.cluster.ClusterKeys.NetworkAlias;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Networks, endpoints and pools as the admin API shows them, read from the store through the
 * owning modules' record types, with names from this host's Docker; and the guarded release of an
 * address. One instance per request: it reads a snapshot once and answers from it.
 */
public final class Inventory {
    private final AdminContext.Live live;
    private final List<NetworkRecord> networks;
    private final List<NetworkAlias> aliases;
    private final List<EndpointRecord> endpoints;
    private final Map<String, String> clusterNames = new HashMap<>();
    private Optional<List<DockerNames.Network>> docker; // asked on first use: only names need Docker

    /**
     * Reads the snapshot.
     *
     * @throws OverlayException UNAVAILABLE when the store cannot be read
     */
    public Inventory(AdminContext.Live live) {
        this.live = live;
        try {
            networks = live.overlay().networks();
            aliases = live.identity().aliases();
            List<EndpointRecord> eps = new ArrayList<>();
            for (KvEntry e : live.store().list(NetworkKeys.ENDPOINTS)) {
                eps.add(NetworkKeys.decode(e.key(), e.value(), EndpointRecord.class));
            }
            endpoints = eps;
            for (KvEntry e : live.store().list(ClusterKeys.NETWORKS)) {
                try {
                    ClusterNetwork n = ClusterKeys.decode(e.key(), e.value());
                    clusterNames.put(n.clusterId(), n.name());
                } catch (IllegalArgumentException corrupt) {
                    // a name is a nicety; the replicator reports corrupt records
                }
            }
        } catch (KvStoreException | OverlayException e) {
            throw new OverlayException(Kind.UNAVAILABLE, "cannot read the store " + live.store().describe()
                    + ": " + e.getMessage());
        }
    }

    private Optional<List<DockerNames.Network>> docker() {
        if (docker == null) {
            docker = live.docker().networks();
        }
        return docker;
    }

    /** Every endpoint record, of every network and host. */
    public List<EndpointRecord> endpoints() {
        return endpoints;
    }

    /** Every overlay network, sorted by name (unnamed last), then cluster ID. */
    public List<StatusModel.NetworkView> networks() {
        List<StatusModel.NetworkView> out = new ArrayList<>();
        for (NetworkRecord n : networks) {
            out.add(view(n));
        }
        out.sort((a, b) -> a.name() == null ? (b.name() == null ? a.clusterId().compareTo(b.clusterId()) : 1)
                : b.name() == null ? -1 : a.name().compareTo(b.name()));
        return out;
    }

    /** The cluster ID → name map this snapshot knows. */
    public Map<String, String> names() {
        Map<String, String> m = new HashMap<>();
        for (NetworkRecord n : networks) {
            name(n.networkId()).ifPresent(v -> m.put(n.networkId(), v));
        }
        return m;
    }

    /**
     * One network by name, cluster ID, this host's Docker ID, or a unique prefix of an ID.
     *
     * @throws OverlayException NOT_FOUND, or CONFLICT when several match
     */
    public StatusModel.NetworkDetail network(String nameOrId) {
        NetworkRecord n = resolve(nameOrId);
        Map<String, String> containers = new HashMap<>();
        for (String local : localIds(n.networkId())) {
            live.docker().containers(local).ifPresent(containers::putAll);
        }
        List<StatusModel.EndpointView> eps = new ArrayList<>();
        for (EndpointRecord e : endpoints) {
            if (e.networkId().equals(n.networkId())) {
                eps.add(new StatusModel.EndpointView(e.endpointId(), e.hostId(), text(e.ipv4()), text(e.ipv6()),
                        e.mac().toString(),
                        containers.get(e.endpointId()), e.hostId().equals(live.hostId())));
            }
        }
        eps.sort((a, b) -> a.hostId().equals(b.hostId()) ? a.endpointId().compareTo(b.endpointId())
                : a.hostId().compareTo(b.hostId()));
        return new StatusModel.NetworkDetail(view(n), eps);
    }

    private NetworkRecord resolve(String q) {
        List<NetworkRecord> exact = new ArrayList<>();
        List<NetworkRecord> prefix = new ArrayList<>();
        for (NetworkRecord n : networks) {
            String cid = n.networkId();
            List<String> ids = new ArrayList<>(localIds(cid));
            ids.add(cid);
            if (ids.contains(q) || name(cid).map(q::equals).orElse(false)) {
                exact.add(n);
            } else if (q.length() >= 4 && ids.stream().anyMatch(id -> id.startsWith(q))) {
                prefix.add(n);
            }
        }
        List<NetworkRecord> hits = exact.isEmpty() ? prefix : exact;
        if (hits.isEmpty()) {
            throw new OverlayException(Kind.NOT_FOUND, "no javaoverlay network is named or has the ID '" + q + "'");
        }
        if (hits.size() > 1) {
            throw new OverlayException(Kind.CONFLICT, "'" + q + "' matches " + hits.size() + " networks ("
                    + hits.stream().map(NetworkRecord::networkId).toList() + "); give more of the ID");
        }
        return hits.get(0);
    }

    private StatusModel.NetworkView view(NetworkRecord n) {
        String cid = n.networkId();
        TreeSet<String> hosts = new TreeSet<>();
        aliases.stream().filter(a -> a.clusterId().equals(cid)).forEach(a -> hosts.add(a.hostId()));
        int count = 0;
        for (EndpointRecord e : endpoints) {
            if (e.networkId().equals(cid)) {
                hosts.add(e.hostId());
                count++;
            }
        }
        List<String> subnets = new ArrayList<>();
        n.ipv4().forEach(p -> subnets.add(p.pool().toString()));
        n.ipv6().forEach(p -> subnets.add(p.pool().toString()));
        return new StatusModel.NetworkView(cid, name(cid).orElse(null), localIds(cid), n.vni(), subnets, n.mtu(),
                List.copyOf(hosts), count);
    }

    /** This host's Docker network IDs that are cluster network {@code cid}. */
    private List<String> localIds(String cid) {
        List<String> out = new ArrayList<>();
        for (NetworkAlias a : aliases) {
            if (a.hostId().equals(live.hostId()) && a.clusterId().equals(cid)) {
                out.add(a.networkId());
            }
        }
        if (out.isEmpty() && docker().map(l -> l.stream().anyMatch(d -> d.id().equals(cid))).orElse(false)) {
            out.add(cid);
        }
        return out;
    }

    private Optional<String> name(String cid) {
        if (docker().isPresent()) {
            List<String> locals = localIds(cid);
            for (DockerNames.Network d : docker().get()) {
                if (locals.contains(d.id())) {
                    return Optional.of(d.name());
                }
            }
        }
        return Optional.ofNullable(clusterNames.get(cid));
    }

    /** Every pool with its usage and the network it belongs to. */
    public List<StatusModel.PoolView> pools() {
        return pools(true);
    }

    /** Every pool with its usage; {@code withNames} false spares the Docker lookup (metrics). */
    public List<StatusModel.PoolView> pools(boolean withNames) {
        List<IpamService.PoolInfo> pools = live.ipam().pools();
        List<StatusModel.PoolView> out = new ArrayList<>();
        for (IpamService.PoolInfo p : pools) {
            String cid = null;
            for (NetworkRecord n : networks) {
                List<NetworkRecord.Pool> all = new ArrayList<>(n.ipv4());
                all.addAll(n.ipv6());
                if (all.stream().anyMatch(x -> x.pool().equals(p.pool()))) {
                    cid = n.networkId();
                }
            }
            String network = p.network().isPresent() ? p.network().get()
                    : cid == null || !withNames ? null : name(cid).orElse(null);
            List<StatusModel.Holder> holders = p.holders().stream()
                    .map(h -> new StatusModel.Holder(h.host(), Instant.ofEpochMilli(h.since()).toString())).toList();
            out.add(new StatusModel.PoolView(p.poolId(), p.pool().toString(), text(p.subPool().orElse(null)), network, cid,
                    p.addressSpace(), text(p.gateway().orElse(null)), holders, p.capacity(), p.used().longValueExact(),
                    p.free()));
        }
        return out;
    }

    /**
     * Releases {@code address} unless something still uses it.
     *
     * @throws OverlayException INVALID_REQUEST (not an IP), NOT_FOUND (in no pool), CONFLICT (an endpoint
     *                        record holds it, or it is a pool's gateway)
     */
    public StatusModel.ReleaseResult release(String address) {
        IpAddress ip = IpAddress.tryParse(address.trim()).orElseThrow(() ->
                new OverlayException(Kind.INVALID_REQUEST, "'" + address + "' is not an IP address"));
        String text = ip.toString();
        Optional<IpamService.PoolInfo> pool = live.ipam().pools().stream().filter(x -> x.pool().contains(ip)).findFirst();
        if (pool.isEmpty()) {
            throw new OverlayException(Kind.NOT_FOUND, "address " + text + " is not in any javaoverlay pool");
        }
        IpamService.PoolInfo p = pool.get();
        for (EndpointRecord e : endpoints) {
            boolean holds = e.ipv4Prefix().map(x -> x.address().equals(ip)).orElse(false)
                    || e.ipv6Prefix().map(x -> x.address().equals(ip)).orElse(false);
            if (holds) {
                throw new OverlayException(Kind.CONFLICT, "refusing to release " + text + ": endpoint "
                        + e.endpointId() + " of network " + name(e.networkId()).orElse(e.networkId()) + " on host "
                        + e.hostId() + " holds it. Remove that container (docker rm), or, if host " + e.hostId()
                        + " is gone for good, run: javaoverlay host forget " + e.hostId());
            }
        }
        if (p.gateway().isPresent() && p.gateway().get().equals(ip)) {
            throw new OverlayException(Kind.CONFLICT, "refusing to release " + text + ": it is the gateway of pool "
                    + p.pool() + "; it is released with the network (docker network rm)");
        }
        Optional<IpamService.AddressClaim> a = live.ipam().claim(p.pool(), ip);
        // Release exactly the claim that was read: if it was released and claimed anew meanwhile,
        // the new claim stays.
        if (a.isEmpty() || !live.ipam().releaseClaim(p.pool(), ip, a.get().host(), a.get().since())) {
            return new StatusModel.ReleaseResult(text, p.pool().toString(), p.poolId(), false, null,
                    text + " is not allocated in pool " + p.pool() + "; nothing to release");
        }
        return new StatusModel.ReleaseResult(text, p.pool().toString(), p.poolId(), true, a.get().host(),
                "released " + text + " in pool " + p.pool() + " (allocated by host " + a.get().host() + " at "
                        + Instant.ofEpochMilli(a.get().since()) + ")");
    }

    /** An address or prefix as the admin JSON shows it; null for none. */
    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** Endpoint records per host ID. */
    public Map<String, Integer> endpointsPerHost() {
        Map<String, Integer> m = new TreeMap<>();
        endpoints.forEach(e -> m.merge(e.hostId(), 1, Integer::sum));
        return m;
    }
}
