package io.javaoverlay.kvstore.testing;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvKeys;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.LeaseExpiredException;
import io.javaoverlay.kvstore.StoreLease;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one in-memory {@link KvStore} for unit tests of every module, shipped in kvstore's test-jar.
 * {@code InMemoryKvStoreTest} runs it against {@code KvStoreContract}, so it behaves like the real
 * backends: one store index (+1 per commit, an empty store reads as 1), per-prefix watch indexes
 * (newest write or delete under the prefix), sequential all-or-nothing transactions that report the
 * failing operation, and leases whose keys go when the lease is closed or not renewed within its
 * TTL (checked whenever the store is touched). {@link #setDown} makes every call fail as an
 * unreachable backend would.
 */
public class InMemoryKvStore implements KvStore {
    /** How often a blocked watch looks at lease deadlines when nothing is written. */
    private static final long LEASE_POLL_MILLIS = 50;

    private final TreeMap<String, KvEntry> data = new TreeMap<>();
    /** Key → index of its deletion, so a watch on a prefix wakes on deletes too. */
    private final TreeMap<String, Long> tombstones = new TreeMap<>();
    /** Key → id of the lease it is bound to. */
    private final Map<String, String> binding = new HashMap<>();
    /** Live lease id → its TTL and the deadline (System.nanoTime) by which it must be renewed. */
    private final Map<String, Duration> leaseTtl = new HashMap<>();
    private final Map<String, Long> leaseDeadline = new HashMap<>();
    private long index = 1;
    private long leaseIds;
    private volatile boolean down;

    /** Makes every call fail with {@link StoreUnavailableException} (an outage), or ends the outage. */
    public void setDown(boolean isDown) {
        this.down = isDown;
    }

    private void up() throws StoreUnavailableException {
        if (down) {
            throw new StoreUnavailableException("in-memory store is down (test)", null);
        }
    }

    /** Called with the monitor held before every operation: ends leases whose TTL ran out. */
    private void expireLeases() {
        long now = System.nanoTime();
        List<String> dead = leaseDeadline.entrySet().stream().filter(e -> now - e.getValue() > 0).map(Map.Entry::getKey)
                .toList();
        dead.forEach(this::dropLease);
    }

    private void dropLease(String id) {
        leaseTtl.remove(id);
        leaseDeadline.remove(id);
        List<String> keys = binding.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
                .toList();
        if (!keys.isEmpty()) {
            long idx = ++index;
            for (String k : keys) {
                remove(k, idx);
            }
            notifyAll();
        }
    }

    private void write(String key, byte[] value, long idx) {
        data.put(key, new KvEntry(key, value.clone(), idx));
        tombstones.remove(key);
    }

    private void remove(String key, long idx) {
        if (data.remove(key) != null) {
            tombstones.put(key, idx);
        }
        binding.remove(key);
    }

    /** Runs one committing write at a fresh index and wakes watchers. */
    private void commit(java.util.function.LongConsumer change) {
        long idx = ++index;
        change.accept(idx);
        notifyAll();
    }

    private static CasConflictException conflict(String key, String why) {
        return new CasConflictException("key " + key + " " + why);
    }

    @Override
    public synchronized Optional<KvEntry> get(String key) throws KvStoreException {
        KvKeys.requireValidKey(key);
        up();
        expireLeases();
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public synchronized List<KvEntry> list(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        up();
        expireLeases();
        return new ArrayList<>(under(data, prefix).values());
    }

    private static <V> Map<String, V> under(TreeMap<String, V> map, String prefix) {
        return prefix.isEmpty() ? map : map.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    }

    @Override
    public synchronized void put(String key, byte[] value) throws KvStoreException {
        KvKeys.requireValidKey(key);
        up();
        expireLeases();
        commit(idx -> write(key, value, idx)); // a plain write keeps a lease binding, as in Consul
    }

    @Override
    public synchronized void putIfAbsent(String key, byte[] value) throws KvStoreException {
        compareAndSet(key, value, 0);
    }

    @Override
    public synchronized void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        KvKeys.requireValidKey(key);
        up();
        expireLeases();
        KvEntry e = data.get(key);
        if (expectedIndex == 0 ? e != null : e == null || e.modifyIndex() != expectedIndex) {
            throw conflict(key, expectedIndex == 0 ? "exists" : "changed since index " + expectedIndex);
        }
        commit(idx -> write(key, value, idx));
    }

    @Override
    public synchronized void delete(String key) throws KvStoreException {
        KvKeys.requireValidKey(key);
        up();
        expireLeases();
        if (data.containsKey(key)) {
            commit(idx -> remove(key, idx));
        }
    }

    @Override
    public synchronized void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        KvKeys.requireValidKey(key);
        up();
        expireLeases();
        KvEntry e = data.get(key);
        if (e == null || e.modifyIndex() != expectedIndex) {
            throw conflict(key, "changed since index " + expectedIndex);
        }
        commit(idx -> remove(key, idx));
    }

    @Override
    public synchronized void deletePrefix(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        up();
        expireLeases();
        List<String> keys = new ArrayList<>(under(data, prefix).keySet());
        if (!keys.isEmpty()) {
            commit(idx -> keys.forEach(k -> remove(k, idx)));
        }
    }

    @Override
    public synchronized List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        List<TxnOp> checked = KvKeys.requireValidTxn(ops);
        up();
        expireLeases();
        // Each operation sees the effect of the earlier ones: evaluate on a scratch view first.
        Map<String, Optional<KvEntry>> view = new HashMap<>();
        long idx = index + 1;
        List<KvEntry> reads = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            TxnOp op = checked.get(i);
            Optional<KvEntry> cur = view.computeIfAbsent(op.key(), k -> Optional.ofNullable(data.get(k)));
            long curIdx = cur.map(KvEntry::modifyIndex).orElse(-1L);
            boolean ok;
            if (op instanceof TxnOp.PutIfAbsent || op instanceof TxnOp.CheckNotExists) {
                ok = cur.isEmpty();
            } else if (op instanceof TxnOp.Cas c) {
                ok = c.expectedIndex() == 0 ? cur.isEmpty() : curIdx == c.expectedIndex();
            } else if (op instanceof TxnOp.DeleteIfIndex d) {
                ok = curIdx == d.expectedIndex();
            } else if (op instanceof TxnOp.CheckIndex c) {
                ok = curIdx == c.expectedIndex();
            } else {
                ok = true;
            }
            if (!ok) {
                throw new TxnAbortedException(i, "transaction aborted: condition of operation " + i + " on key "
                        + op.key() + " failed");
            }
            if (op instanceof TxnOp.Set s) {
                view.put(s.key(), Optional.of(new KvEntry(s.key(), s.value(), idx)));
            } else if (op instanceof TxnOp.PutIfAbsent p) {
                view.put(p.key(), Optional.of(new KvEntry(p.key(), p.value(), idx)));
            } else if (op instanceof TxnOp.Cas c) {
                view.put(c.key(), Optional.of(new KvEntry(c.key(), c.value(), idx)));
            } else if (op instanceof TxnOp.Delete || op instanceof TxnOp.DeleteIfIndex) {
                view.put(op.key(), Optional.empty());
            } else if (op instanceof TxnOp.Get) {
                cur.ifPresent(reads::add);
            }
        }
        boolean writes = checked.stream().anyMatch(op -> !(op instanceof TxnOp.Get || op instanceof TxnOp.CheckIndex
                || op instanceof TxnOp.CheckNotExists));
        if (writes) {
            commit(i -> view.forEach((k, v) -> {
                if (v.isPresent() && v.get().modifyIndex() == i) {
                    write(k, v.get().value(), i);
                } else if (v.isEmpty()) {
                    remove(k, i);
                }
            }));
        }
        return reads;
    }

    /** The newest write or delete under {@code prefix}; 1 when nothing was ever there. */
    private long prefixIndex(String prefix) {
        long idx = 1;
        for (KvEntry e : under(data, prefix).values()) {
            idx = Math.max(idx, e.modifyIndex());
        }
        for (long t : under(tombstones, prefix).values()) {
            idx = Math.max(idx, t);
        }
        return idx;
    }

    @Override
    public synchronized WatchResult watch(String prefix, long since, Duration maxWait) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            up();
            expireLeases();
            long idx = prefixIndex(prefix);
            if (since > index) {
                // The caller's index is from a store we are not (reset, or another instance).
                return new WatchResult(idx, list(prefix), true);
            }
            long left = deadline - System.nanoTime();
            if (since == 0 || idx > since || left <= 0) {
                return new WatchResult(idx, list(prefix), false);
            }
            try {
                wait(Math.max(1, Math.min(LEASE_POLL_MILLIS, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("watch on " + prefix + " interrupted", e);
            }
        }
    }

    @Override
    public synchronized Lease createLease(String name, Duration ttl) throws KvStoreException {
        KvKeys.requireValidLease(name, ttl);
        up();
        expireLeases();
        String id = "memory-lease-" + (++leaseIds);
        leaseTtl.put(id, ttl);
        leaseDeadline.put(id, System.nanoTime() + ttl.toNanos());
        return new StoreLease(this, id, name, ttl, this::renewLease, this::endLease);
    }

    @Override
    public synchronized void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException {
        KvKeys.requireValidKey(key);
        up();
        expireLeases();
        if (!(lease instanceof StoreLease sl) || sl.store() != this) {
            throw new IllegalArgumentException("lease " + lease + " was not created by this in-memory store");
        }
        if (!leaseTtl.containsKey(lease.id())) {
            throw new LeaseExpiredException(lease + " has expired or was closed");
        }
        String holder = binding.get(key);
        if (holder != null && !holder.equals(lease.id()) && leaseTtl.containsKey(holder)) {
            throw conflict(key, "is held by lease " + holder);
        }
        commit(idx -> {
            write(key, value, idx);
            binding.put(key, lease.id());
        });
    }

    @Override
    public String describe() {
        return "memory://";
    }

    @Override
    public void close() {
    }

    private synchronized void renewLease(String id) throws KvStoreException {
        up();
        expireLeases();
        if (!leaseTtl.containsKey(id)) {
            throw new LeaseExpiredException("lease " + id + " has expired or was closed");
        }
        leaseDeadline.put(id, System.nanoTime() + leaseTtl.get(id).toNanos());
    }

    private synchronized void endLease(String id) throws KvStoreException {
        up();
        if (leaseTtl.containsKey(id)) {
            dropLease(id);
        }
    }
}
