package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvEntry;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded records of repeated listings, per group (a network): a record is decoded again only when its
 * bytes differ from the last listing's. The bytes are compared, not the modify index: a store that was
 * wiped and refilled, or another Consul, can reuse an index for other bytes. Each listing replaces its
 * group's entries, so keys that are gone are forgotten with it and an empty listing forgets the group.
 * Records must be immutable: the same instance is handed out to every caller. Thread-safe; two
 * listings of one group at once only decode twice.
 */
final class DecodeCache<T> {
    private static final System.Logger LOG = System.getLogger(DecodeCache.class.getName());

    private record Decoded<T>(byte[] bytes, T record) {}

    private final Class<T> type;
    private final Map<String, Map<String, Decoded<T>>> groups = new ConcurrentHashMap<>();

    DecodeCache(Class<T> type) {
        this.type = type;
    }

    /** The records of {@code entries} in their order; a corrupt one is logged and left out. */
    List<T> decode(String group, List<KvEntry> entries) {
        Map<String, Decoded<T>> before = groups.getOrDefault(group, Map.of());
        Map<String, Decoded<T>> now = new HashMap<>(Math.max(4, entries.size() * 2));
        List<T> out = new ArrayList<>(entries.size());
        for (KvEntry e : entries) {
            Decoded<T> d = before.get(e.key());
            if (d == null || !e.hasValue(d.bytes())) {
                byte[] bytes = e.value();
                try {
                    d = new Decoded<>(bytes, NetworkKeys.decode(e.key(), bytes, type));
                } catch (IllegalArgumentException corrupt) {
                    // One unreadable record must not stop every other endpoint's work.
                    LOG.log(Level.WARNING, corrupt.getMessage() + "; ignoring it");
                    continue;
                }
            }
            now.put(e.key(), d);
            out.add(d.record());
        }
        if (now.isEmpty()) {
            groups.remove(group);
        } else {
            groups.put(group, now);
        }
        return out;
    }

    /** Groups held (for tests). */
    int groups() {
        return groups.size();
    }
}
