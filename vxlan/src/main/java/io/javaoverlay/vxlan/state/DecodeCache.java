package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvEntry;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded records of repeated listings, per group (a network): a record is decoded again only when its
 * bytes differ from the last listing's. The bytes are compared, not the modify index: a store that was
 * wiped and refilled, or another Consul, can reuse an index for other bytes. Each listing updates its
 * group in place (so a listing of unchanged records leaves no garbage behind for the collector to
 * promote), forgets the keys it no longer holds, and an empty listing forgets the group. Records must
 * be immutable: the same instance is handed out to every caller. Thread-safe (one lock per group).
 */
final class DecodeCache<T> {
    private static final System.Logger LOG = System.getLogger(DecodeCache.class.getName());

    private static final class Decoded<T> {
        byte[] bytes;
        T record;
        long seen;
    }

    private static final class Group<T> {
        final Map<String, Decoded<T>> byKey = new HashMap<>();
        long generation;
    }

    private final Class<T> type;
    private final Map<String, Group<T>> groups = new ConcurrentHashMap<>();

    DecodeCache(Class<T> type) {
        this.type = type;
    }

    /** The records of {@code entries} in their order; a corrupt one is logged and left out. */
    List<T> decode(String group, List<KvEntry> entries) {
        List<T> out = new ArrayList<>(entries.size());
        if (entries.isEmpty()) {
            groups.remove(group);
            return out;
        }
        Group<T> g = groups.computeIfAbsent(group, k -> new Group<>());
        synchronized (g) {
            long gen = ++g.generation;
            for (KvEntry e : entries) {
                Decoded<T> d = g.byKey.get(e.key());
                if (d == null || !e.hasValue(d.bytes)) {
                    byte[] bytes = e.value();
                    T record;
                    try {
                        record = NetworkKeys.decode(e.key(), bytes, type);
                    } catch (IllegalArgumentException corrupt) {
                        // One unreadable record must not stop every other endpoint's work.
                        LOG.log(Level.WARNING, corrupt.getMessage() + "; ignoring it");
                        continue;
                    }
                    if (d == null) {
                        d = new Decoded<>();
                        g.byKey.put(e.key(), d);
                    }
                    d.bytes = bytes;
                    d.record = record;
                }
                d.seen = gen;
                out.add(d.record);
            }
            for (Iterator<Decoded<T>> it = g.byKey.values().iterator(); it.hasNext(); ) {
                if (it.next().seen != gen) {
                    it.remove();
                }
            }
        }
        return out;
    }

    /** Groups held (for tests). */
    int groups() {
        return groups.size();
    }
}
