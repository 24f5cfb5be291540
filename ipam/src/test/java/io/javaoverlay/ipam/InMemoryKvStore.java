package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, thread-safe, in-memory {@link KvStore} for unit tests: one global modify index,
 * atomic transactions with the failing op's index, no watch or leases. {@link #setDown} makes
 * every call fail as if the backend were unreachable.
 */
final class InMemoryKvStore implements KvStore {

    private final TreeMap<String, KvEntry> data = new TreeMap<>();
    private long index;
    private volatile boolean down;
    final AtomicLong txns = new AtomicLong();

    void setDown(boolean down) {
        this.down = down;
    }

    private void up() throws StoreUnavailableException {
        if (down) {
            throw new StoreUnavailableException("in-memory store is down (test)", null);
        }
    }

    /** Snapshot of all keys, for assertions. */
    synchronized Map<String, KvEntry> dump() {
        return new TreeMap<>(data);
    }

    @Override
    public synchronized Optional<KvEntry> get(String key) throws KvStoreException {
        up();
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public synchronized List<KvEntry> list(String prefix) throws KvStoreException {
        up();
        List<KvEntry> out = new ArrayList<>();
        for (var e : data.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(e.getValue());
        }
        return out;
    }

    @Override
    public synchronized void put(String key, byte[] value) throws KvStoreException {
        up();
        data.put(key, new KvEntry(key, value, ++index));
    }

    @Override
    public synchronized void putIfAbsent(String key, byte[] value) throws KvStoreException {
        up();
        if (data.containsKey(key)) {
            throw new CasConflictException(key + " exists");
        }
        put(key, value);
    }

    @Override
    public synchronized void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        up();
        KvEntry e = data.get(key);
        if (e == null || e.modifyIndex() != expectedIndex) {
            throw new CasConflictException(key + " changed");
        }
        put(key, value);
    }

    @Override
    public synchronized void delete(String key) throws KvStoreException {
        up();
        data.remove(key);
    }

    @Override
    public synchronized void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        up();
        KvEntry e = data.get(key);
        if (e == null || e.modifyIndex() != expectedIndex) {
            throw new CasConflictException(key + " changed");
        }
        data.remove(key);
    }

    @Override
    public synchronized void deletePrefix(String prefix) throws KvStoreException {
        up();
        data.keySet().removeIf(k -> k.startsWith(prefix));
    }

    @Override
    public synchronized List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        up();
        txns.incrementAndGet();
        if (ops.size() > MAX_TXN_OPS) {
            throw new KvStoreException("too many ops: " + ops.size());
        }
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            KvEntry cur = data.get(op.key());
            boolean ok = true;
            if (op instanceof TxnOp.PutIfAbsent || op instanceof TxnOp.CheckNotExists) {
                ok = cur == null;
            } else if (op instanceof TxnOp.Cas c) {
                ok = cur != null && cur.modifyIndex() == c.expectedIndex();
            } else if (op instanceof TxnOp.DeleteIfIndex d) {
                ok = cur != null && cur.modifyIndex() == d.expectedIndex();
            } else if (op instanceof TxnOp.CheckIndex c) {
                ok = cur != null && cur.modifyIndex() == c.expectedIndex();
            }
            if (!ok) {
                throw new TxnAbortedException(i, "condition failed on " + op.key());
            }
        }
        long idx = ++index;
        List<KvEntry> out = new ArrayList<>();
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Set s) {
                data.put(s.key(), new KvEntry(s.key(), s.value(), idx));
            } else if (op instanceof TxnOp.PutIfAbsent p) {
                data.put(p.key(), new KvEntry(p.key(), p.value(), idx));
            } else if (op instanceof TxnOp.Cas c) {
                data.put(c.key(), new KvEntry(c.key(), c.value(), idx));
            } else if (op instanceof TxnOp.Delete || op instanceof TxnOp.DeleteIfIndex) {
                data.remove(op.key());
            } else if (op instanceof TxnOp.Get) {
                KvEntry e = data.get(op.key());
                if (e != null) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public WatchResult watch(String prefix, long idx, Duration maxWait) throws KvStoreException {
        synchronized (this) {
            return new WatchResult(index, list(prefix), false);
        }
    }

    @Override
    public Lease createLease(String name, Duration ttl) {
        throw new UnsupportedOperationException("leases are not needed by ipam");
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) {
        throw new UnsupportedOperationException("leases are not needed by ipam");
    }

    @Override
    public String describe() {
        return "memory://test/";
    }

    @Override
    public void close() {
    }
}
