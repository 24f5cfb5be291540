package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store as the last answers of the {@code networks/} and {@code endpoints/} watches showed it,
 * indexed by network. A pass that only a watch asked for reads its network from here instead of
 * getting and listing the same keys again: against Consul that halves what every host reads per
 * change (the watch's answer already carries every endpoint record).
 */
final class WatchedState {
    private WatchedState() {}

    /** One network's record and its endpoint records (sorted by key, as a listing is). */
    record Network(KvEntry record, List<KvEntry> endpoints) {
        Network {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** {@code networks/<id>} entries by network ID. */
    static Map<String, KvEntry> networks(List<KvEntry> entries) {
        Map<String, KvEntry> out = new HashMap<>();
        for (KvEntry e : entries) {
            Optional<String> nid = NetworkKeys.networkIdOf(e.key());
            if (nid.isPresent() && e.key().equals(NetworkKeys.network(nid.get()))) {
                out.put(nid.get(), e);
            }
        }
        return out;
    }

    /** {@code endpoints/<network>/<endpoint>} entries grouped by network ID, each group sorted by key. */
    static Map<String, List<KvEntry>> endpoints(List<KvEntry> entries) {
        Map<String, List<KvEntry>> out = new HashMap<>();
        for (KvEntry e : entries) {
            NetworkKeys.networkIdOf(e.key()).ifPresent(nid -> out.computeIfAbsent(nid, k -> new ArrayList<>()).add(e));
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(KvEntry::key)));
        return out;
    }
}
