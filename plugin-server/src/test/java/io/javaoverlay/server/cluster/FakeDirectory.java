package io.javaoverlay.server.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The vxlan alias records of every simulated host: host → (Docker network ID → cluster ID). */
final class FakeDirectory {
    private final Map<String, Map<String, String>> aliases = new ConcurrentHashMap<>();
    /** Hosts whose plugin is not running (all others are live). */
    final Set<String> dead = ConcurrentHashMap.newKeySet();

    void put(String host, String id, String cid) {
        aliases.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).put(id, cid);
    }

    void remove(String host, String id) {
        aliases.getOrDefault(host, Map.of()).remove(id);
    }

    /** The view one host's replicator has. */
    ClusterDirectory of(String host) {
        return new ClusterDirectory() {
            @Override
            public Optional<String> clusterIdOf(String localNetworkId) {
                return Optional.ofNullable(aliases.getOrDefault(host, Map.of()).get(localNetworkId));
            }

            @Override
            public Set<String> hostsWith(String clusterId) {
                Set<String> out = new TreeSet<>();
                aliases.forEach((h, m) -> {
                    if (m.containsValue(clusterId)) {
                        out.add(h);
                    }
                });
                return out;
            }

            @Override
            public Map<String, String> localAliases() {
                return Map.copyOf(aliases.getOrDefault(host, Map.of()));
            }

            @Override
            public void forgetLocal(String localNetworkId) {
                remove(host, localNetworkId);
            }

            @Override
            public Set<String> liveHosts() {
                Set<String> out = new TreeSet<>(List.of("h1", "h2", "h3", "h4"));
                out.removeAll(dead);
                return out;
            }
        };
    }
}
