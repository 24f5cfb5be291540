package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store client that runs a test's action once, right before its next conditional write
 * (compare-and-set, delete-if-index or transaction), to stage "another host wrote in between my
 * read and my write" deterministically, on any backend. The action runs on the caller's thread and
 * must use another client.
 */
final class InterleavingStore implements KvStore {
    private final KvStore delegate;
    private final AtomicReference<Runnable> beforeNextWrite = new AtomicReference<>();

    InterleavingStore(KvStore delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code action} once, before the next conditional write through this client. */
    void beforeNextWrite(Runnable action) {
        beforeNextWrite.set(action);
    }

    /** True once the staged action has run. */
    boolean interleaved() {
        return beforeNextWrite.get() == null;
    }

    private void interleave() {
        Runnable r = beforeNextWrite.getAndSet(null);
        if (r != null) {
            r.run();
        }
    }

    @Override
    public Optional<KvEntry> get(String key) throws KvStoreException {
        return delegate.get(key);
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        return delegate.list(prefix);
    }

    @Override
    public void put(String key, byte[] value) throws KvStoreException {
        delegate.put(key, value);
    }

    @Override
    public void putIfAbsent(String key, byte[] value) throws KvStoreException {
        delegate.putIfAbsent(key, value);
    }

    @Override
    public void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        interleave();
        delegate.compareAndSet(key, value, expectedIndex);
    }

    @Override
    public void delete(String key) throws KvStoreException {
        interleave();
        delegate.delete(key);
    }

    @Override
    public void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        interleave();
        delegate.deleteIfIndex(key, expectedIndex);
    }

    @Override
    public void deletePrefix(String prefix) throws KvStoreException {
        delegate.deletePrefix(prefix);
    }

    @Override
    public List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        if (ops.stream().anyMatch(op -> !(op instanceof TxnOp.Get))) {
            interleave();
        }
        return delegate.txn(ops);
    }

    @Override
    public WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException {
        return delegate.watch(prefix, index, maxWait);
    }

    @Override
    public Lease createLease(String name, Duration ttl) throws KvStoreException {
        return delegate.createLease(name, ttl);
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException {
        delegate.putWithLease(key, value, lease);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        // the fixture closes the client it wraps
    }
}
