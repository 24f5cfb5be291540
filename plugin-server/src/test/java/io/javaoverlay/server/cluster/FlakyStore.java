package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One host's path to a shared store, which the test can cut for reads and/or writes. */
final class FlakyStore implements KvStore {
    private final KvStore delegate;
    volatile boolean readsDown;
    volatile boolean writesDown;

    FlakyStore(KvStore delegate) {
        this.delegate = delegate;
    }

    void down(boolean down) {
        readsDown = down;
        writesDown = down;
    }

    private void read() throws StoreUnavailableException {
        if (readsDown) {
            throw new StoreUnavailableException("test: store unreachable", null);
        }
    }

    private void write() throws StoreUnavailableException {
        if (writesDown) {
            throw new StoreUnavailableException("test: store unreachable", null);
        }
    }

    @Override
    public Optional<KvEntry> get(String key) throws KvStoreException {
        read();
        return delegate.get(key);
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        read();
        return delegate.list(prefix);
    }

    @Override
    public void put(String key, byte[] value) throws KvStoreException {
        write();
        delegate.put(key, value);
    }

    @Override
    public void putIfAbsent(String key, byte[] value) throws KvStoreException {
        write();
        delegate.putIfAbsent(key, value);
    }

    @Override
    public void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        write();
        delegate.compareAndSet(key, value, expectedIndex);
    }

    @Override
    public void delete(String key) throws KvStoreException {
        write();
        delegate.delete(key);
    }

    @Override
    public void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        write();
        delegate.deleteIfIndex(key, expectedIndex);
    }

    @Override
    public void deletePrefix(String prefix) throws KvStoreException {
        write();
        delegate.deletePrefix(prefix);
    }

    @Override
    public List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        write();
        return delegate.txn(ops);
    }

    @Override
    public WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException {
        read();
        return delegate.watch(prefix, index, maxWait);
    }

    @Override
    public Lease createLease(String name, Duration ttl) throws KvStoreException {
        write();
        return delegate.createLease(name, ttl);
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException {
        write();
        delegate.putWithLease(key, value, lease);
    }

    @Override
    public String describe() {
        return "flaky(" + delegate.describe() + ")";
    }

    @Override
    public void close() {
        // the shared store is closed by the test
    }
}
