package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole content of a local store: entries, leases and delete tombstones, plus the store
 * index. Instances loaded from disk are treated as immutable snapshots; a writer works on a
 * {@link #copy()} and publishes it only after it is durable.
 *
 * <p>A copy records what it changed ({@link #dirtyKeys}, {@link #dirtyLeases}), so a commit can
 * log just that change ({@link WalCodec}); a change too wide to list (tombstone compaction) sets
 * {@link #rewriteAll} and the commit writes a whole snapshot instead. Mutate only through the
 * methods here, never the maps directly, or the change would not reach the log.
 */
final class StoreState {
    /** Tombstones kept before the oldest half is dropped (their index moves into the floor). */
    static final int MAX_TOMBSTONES = 10_000;

    /** One stored value; {@code leaseId} is null for keys not bound to a lease. */
    record Entry(byte[] value, long modifyIndex, String leaseId) {
    }

    /** A lease: owner process identity lets other processes expire it when the owner dies. */
    record LeaseRecord(String id, String name, long ttlMillis, long expiresAtMillis,
                       long pid, long pidStartTime) {
        boolean isExpired(long nowMillis) {
            return nowMillis > expiresAtMillis || !ProcessIdentity.isAlive(pid, pidStartTime);
        }
    }

    /** Last committed index; 0 for a store that was never written. */
    long index;
    /** Highest index of a tombstone that was garbage-collected. */
    long tombstoneFloor;
    final TreeMap<String, Entry> entries;
    final Map<String, LeaseRecord> leases;
    final TreeMap<String, Long> tombstones;
    /** Keys whose entry or tombstone this copy changed. */
    final Set<String> dirtyKeys = new HashSet<>();
    /** Lease ids this copy added, changed or removed. */
    final Set<String> dirtyLeases = new HashSet<>();
    /** True when the change cannot be listed key by key; the commit then writes a snapshot. */
    boolean rewriteAll;

    StoreState() {
        this(0, 0, new TreeMap<>(), new HashMap<>(), new TreeMap<>());
    }

    StoreState(long index, long tombstoneFloor, TreeMap<String, Entry> entries,
               Map<String, LeaseRecord> leases, TreeMap<String, Long> tombstones) {
        this.index = index;
        this.tombstoneFloor = tombstoneFloor;
        this.entries = entries;
        this.leases = leases;
        this.tombstones = tombstones;
    }

    /**
     * The index the next commit gets: one more than the current one, but at least 2, because an
     * empty store reads as index 1 (Consul's "treat 0 as 1") and a watcher holding 1 must wake.
     */
    long nextIndex() {
        return Math.max(index, 1) + 1;
    }

    StoreState copy() {
        return new StoreState(index, tombstoneFloor, new TreeMap<>(entries), new HashMap<>(leases),
                new TreeMap<>(tombstones));
    }

    KvEntry toKvEntry(String key) {
        Entry e = entries.get(key);
        return e == null ? null : new KvEntry(key, e.value(), e.modifyIndex());
    }

    /** Entries whose key starts with {@code prefix}, in key order. */
    List<KvEntry> list(String prefix) {
        List<KvEntry> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new KvEntry(e.getKey(), e.getValue().value(), e.getValue().modifyIndex()));
        }
        return out;
    }

    /**
     * The index of the newest change under {@code prefix} (write or delete), like Consul's
     * X-Consul-Index for a recursive KV read; never below the tombstone floor.
     */
    long prefixIndex(String prefix) {
        long max = tombstoneFloor;
        for (Map.Entry<String, Entry> e : entries.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            max = Math.max(max, e.getValue().modifyIndex());
        }
        for (Map.Entry<String, Long> t : tombstones.tailMap(prefix, true).entrySet()) {
            if (!t.getKey().startsWith(prefix)) {
                break;
            }
            max = Math.max(max, t.getValue());
        }
        return max;
    }

    /** Writes a key at {@code newIndex}; an existing lease binding is kept unless one is given. */
    void set(String key, byte[] value, long newIndex, String leaseId) {
        Entry old = entries.get(key);
        String lease = leaseId != null ? leaseId : old == null ? null : old.leaseId();
        entries.put(key, new Entry(value.clone(), newIndex, lease));
        tombstones.remove(key);
        dirtyKeys.add(key);
    }

    /** Deletes a key at {@code newIndex}; returns false when it did not exist. */
    boolean remove(String key, long newIndex) {
        if (entries.remove(key) == null) {
            return false;
        }
        tombstones.put(key, newIndex);
        dirtyKeys.add(key);
        if (tombstones.size() > MAX_TOMBSTONES) {
            compactTombstones();
        }
        return true;
    }

    /** Adds or replaces a lease record. */
    void putLease(LeaseRecord lease) {
        leases.put(lease.id(), lease);
        dirtyLeases.add(lease.id());
    }

    /** Removes a lease and every key bound to it; returns true if anything changed. */
    boolean dropLease(String leaseId, long newIndex) {
        boolean changed = leases.remove(leaseId) != null;
        if (changed) {
            dirtyLeases.add(leaseId);
        }
        List<String> bound = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (leaseId.equals(e.getValue().leaseId())) {
                bound.add(e.getKey());
            }
        }
        for (String key : bound) {
            changed |= remove(key, newIndex);
        }
        return changed;
    }

    /** Ends every expired lease (TTL passed or owner process gone); true if anything changed. */
    boolean sweepExpiredLeases(long nowMillis, long newIndex) {
        boolean changed = false;
        for (LeaseRecord lease : List.copyOf(leases.values())) {
            if (lease.isExpired(nowMillis)) {
                changed |= dropLease(lease.id(), newIndex);
            }
        }
        return changed;
    }

    /** True when some lease would be dropped by {@link #sweepExpiredLeases}. */
    boolean hasExpiredLease(long nowMillis) {
        for (LeaseRecord lease : leases.values()) {
            if (lease.isExpired(nowMillis)) {
                return true;
            }
        }
        return false;
    }

    private void compactTombstones() {
        long[] idx = tombstones.values().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(idx);
        long cut = idx[idx.length / 2];
        tombstones.values().removeIf(i -> i <= cut);
        // A watcher on a prefix whose only change was a dropped tombstone still wakes, because
        // prefixIndex never reports less than the floor (a spurious wake, never a missed one).
        tombstoneFloor = Math.max(tombstoneFloor, cut);
        rewriteAll = true;
    }
}
