package io.javaoverlay.server.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every host's {@link NameRecord}s in memory, indexed for the resolver. Fed by {@link NameWatcher}
 * (a full snapshot, then deltas) and read by the resolver's threads without locks: each change
 * builds a new immutable {@link Index} and publishes it with one volatile write.
 *
 * <p>Lookups are scoped: a caller passes the cluster network IDs of the querying container and
 * sees only names on those networks.
 */
public final class NameTable {
    private final Object writeLock = new Object();
    private Map<String, NameRecord> records = new TreeMap<>(); // guarded by writeLock; key → record
    private volatile Index index = Index.build(Map.of());

    /** Replaces the whole table (a store snapshot); keys are {@link NameKeys} keys. */
    public void reset(Map<String, NameRecord> all) {
        synchronized (writeLock) {
            records = new TreeMap<>(all);
            index = Index.build(records);
        }
    }

    /** Applies a delta: {@code upserts} are added or replaced, {@code removed} keys deleted. */
    public void apply(Map<String, NameRecord> upserts, Collection<String> removed) {
        if (upserts.isEmpty() && removed.isEmpty()) {
            return;
        }
        synchronized (writeLock) {
            Map<String, NameRecord> next = new TreeMap<>(records);
            removed.forEach(next::remove);
            next.putAll(upserts);
            records = next;
            index = Index.build(records);
        }
    }

    /** Number of records. */
    public int size() {
        return index.size;
    }

    /** The record at {@code key}, if any. */
    public Optional<NameRecord> get(String key) {
        synchronized (writeLock) {
            return Optional.ofNullable(records.get(key));
        }
    }

    /** A copy of every record, by key. */
    public Map<String, NameRecord> snapshot() {
        synchronized (writeLock) {
            return Map.copyOf(records);
        }
    }

    /**
     * The endpoints that answer to {@code qname} on any of {@code networks}. {@code qname} is a
     * DNS name without the trailing dot, any case. An exact name (container name or alias) wins;
     * otherwise {@code NAME.NETWORK} is tried for each network whose name is a suffix of
     * {@code qname}. Empty when no such name exists on those networks.
     */
    public List<NameRecord> lookup(Set<String> networks, String qname) {
        String q = qname.toLowerCase(Locale.ROOT);
        Index ix = index;
        List<NameRecord> out = new ArrayList<>();
        for (String net : networks) {
            Map<String, List<NameRecord>> names = ix.byNetwork.get(net);
            if (names != null) {
                out.addAll(names.getOrDefault(q, List.of()));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        for (String net : networks) {
            String netName = ix.networkNames.get(net);
            Map<String, List<NameRecord>> names = ix.byNetwork.get(net);
            if (netName == null || names == null || q.length() <= netName.length() + 1
                    || !q.endsWith(netName) || q.charAt(q.length() - netName.length() - 1) != '.') {
                continue;
            }
            out.addAll(names.getOrDefault(q.substring(0, q.length() - netName.length() - 1), List.of()));
        }
        return out;
    }

    /** The endpoints holding {@code address} on any of {@code networks} (for PTR answers). */
    public List<NameRecord> byAddress(Set<String> networks, InetAddress address) {
        List<NameRecord> all = index.byAddress.getOrDefault(address, List.of());
        List<NameRecord> out = new ArrayList<>(all.size());
        for (NameRecord r : all) {
            if (networks.contains(r.clusterNetworkId())) {
                out.add(r);
            }
        }
        return out;
    }

    /** True when a network with this cluster ID has at least one record. */
    public boolean knowsNetwork(String clusterNetworkId) {
        return index.byNetwork.containsKey(clusterNetworkId);
    }

    /** Immutable lookup structures; rebuilt on every change (O(records), cheap next to a store round trip). */
    private static final class Index {
        final Map<String, Map<String, List<NameRecord>>> byNetwork;
        final Map<String, String> networkNames;
        final Map<InetAddress, List<NameRecord>> byAddress;
        final int size;

        private Index(Map<String, Map<String, List<NameRecord>>> byNetwork, Map<String, String> networkNames,
                      Map<InetAddress, List<NameRecord>> byAddress, int size) {
            this.byNetwork = byNetwork;
            this.networkNames = networkNames;
            this.byAddress = byAddress;
            this.size = size;
        }

        static Index build(Map<String, NameRecord> records) {
            Map<String, Map<String, List<NameRecord>>> byNetwork = new HashMap<>();
            Map<String, String> networkNames = new HashMap<>();
            Map<InetAddress, List<NameRecord>> byAddress = new HashMap<>();
            for (NameRecord r : records.values()) {
                Map<String, List<NameRecord>> names = byNetwork.computeIfAbsent(r.clusterNetworkId(), k -> new HashMap<>());
                for (String n : r.names()) {
                    names.computeIfAbsent(n, k -> new ArrayList<>()).add(r);
                }
                networkNames.putIfAbsent(r.clusterNetworkId(), r.networkName());
                if (r.ipv4() != null) {
                    byAddress.computeIfAbsent(r.ipv4Address(), k -> new ArrayList<>()).add(r);
                }
                if (r.ipv6() != null) {
                    byAddress.computeIfAbsent(r.ipv6Address(), k -> new ArrayList<>()).add(r);
                }
            }
            byNetwork.replaceAll((k, v) -> {
                v.replaceAll((n, l) -> List.copyOf(l));
                return Collections.unmodifiableMap(v);
            });
            byAddress.replaceAll((k, v) -> List.copyOf(v));
            return new Index(Map.copyOf(byNetwork), Map.copyOf(networkNames), Map.copyOf(byAddress), records.size());
        }
    }
}
