package io.javaoverlay.vxlan.testing;

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
import java.util.Optional;
import java.util.TreeMap;

/** A minimal thread-safe in-memory {@link KvStore} for unit tests (no leases). */
public class InMemoryKvStore implements KvStore {
    private final TreeMap<String, KvEntry> data = new TreeMap<>();
    private long index = 1;
    private volatile boolean down;

    /** Makes every call fail with {@link StoreUnavailableException} (an outage). */
    public void setDown(boolean isDown) {
        this.down = isDown;
    }

    private void check() throws StoreUnavailableException {
        if (down) {
            throw new StoreUnavailableException("in-memory store is down (test)", null);
        }
    }

    @Override
    public synchronized Optional<KvEntry> get(String key) throws KvStoreException {
        check();
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public synchronized List<KvEntry> list(String prefix) throws KvStoreException {
        check();
        return new ArrayList<>(data.subMap(prefix, prefix + Character.MAX_VALUE).values());
    }

    @Override
    public synchronized void put(String key, byte[] value) throws KvStoreException {
        check();
        write(key, value);
    }

    private void write(String key, byte[] value) {
        data.put(key, new KvEntry(key, value, ++index));
        notifyAll();
    }

    private void remove(String key) {
        if (data.remove(key) != null) {
            index++;
            notifyAll();
        }
    }

    @Override
    public synchronized void putIfAbsent(String key, byte[] value) throws KvStoreException {
        check();
        if (data.containsKey(key)) {
            throw new CasConflictException("key " + key + " exists");
        }
        write(key, value);
    }

    @Override
    public synchronized void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        check();
        KvEntry e = data.get(key);
        if (e == null || e.modifyIndex() != expectedIndex) {
            throw new CasConflictException("key " + key + " changed");
        }
        write(key, value);
    }

    @Override
    public synchronized void delete(String key) throws KvStoreException {
        check();
        remove(key);
    }

    @Override
    public synchronized void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        check();
        KvEntry e = data.get(key);
        if (e == null || e.modifyIndex() != expectedIndex) {
            throw new CasConflictException("key " + key + " changed");
        }
        remove(key);
    }

    @Override
    public synchronized void deletePrefix(String prefix) throws KvStoreException {
        check();
        for (String k : new ArrayList<>(data.subMap(prefix, prefix + Character.MAX_VALUE).keySet())) {
            remove(k);
        }
    }

    @Override
    public synchronized List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        check();
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            KvEntry e = data.get(op.key());
            boolean ok = true;
            if (op instanceof TxnOp.PutIfAbsent || op instanceof TxnOp.CheckNotExists) {
                ok = e == null;
            } else if (op instanceof TxnOp.Cas c) {
                ok = e != null && e.modifyIndex() == c.expectedIndex();
            } else if (op instanceof TxnOp.DeleteIfIndex d) {
                ok = e != null && e.modifyIndex() == d.expectedIndex();
            } else if (op instanceof TxnOp.CheckIndex c) {
                ok = e != null && e.modifyIndex() == c.expectedIndex();
            }
            if (!ok) {
                throw new TxnAbortedException(i, "condition failed on " + op.key());
            }
        }
        List<KvEntry> reads = new ArrayList<>();
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Set s) {
                write(s.key(), s.value());
            } else if (op instanceof TxnOp.PutIfAbsent p) {
                write(p.key(), p.value());
            } else if (op instanceof TxnOp.Cas c) {
                write(c.key(), c.value());
            } else if (op instanceof TxnOp.Delete || op instanceof TxnOp.DeleteIfIndex) {
                remove(op.key());
            } else if (op instanceof TxnOp.Get g && data.containsKey(g.key())) {
                reads.add(data.get(g.key()));
            }
        }
        return reads;
    }

    @Override
    public synchronized WatchResult watch(String prefix, long since, Duration maxWait) throws KvStoreException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            check();
            List<KvEntry> entries = list(prefix);
            // Simple but correct: any write bumps the index, so report whenever the store moved.
            if (since == 0 || index > since) {
                return new WatchResult(index, entries, false);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new WatchResult(since, entries, false);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        }
    }

    @Override
    public Lease createLease(String name, Duration ttl) {
        throw new UnsupportedOperationException("no leases in the in-memory test store");
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) {
        throw new UnsupportedOperationException("no leases in the in-memory test store");
    }

    @Override
    public String describe() {
        return "memory://";
    }

    @Override
    public void close() {
    }
}
