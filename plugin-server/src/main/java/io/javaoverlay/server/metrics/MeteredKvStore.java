package io.javaoverlay.server.metrics;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link KvStore} that counts and times every operation of the store it wraps, by kind
 * ({@code get}, {@code list}, {@code txn}, ...) and result ({@code ok}, {@code conflict} for a lost
 * compare-and-set or aborted transaction, {@code unavailable}, {@code error}). Blocking watches are
 * counted but not timed: their duration is the wait, not the store's latency.
 */
public final class MeteredKvStore implements KvStore {
    private final KvStore delegate;
    private final Metrics metrics;

    /** Wraps {@code delegate}; closing this closes it. */
    public MeteredKvStore(KvStore delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The wrapped store. */
    public KvStore delegate() {
        return delegate;
    }

    private interface Op<T> {
        T run() throws KvStoreException;
    }

    private <T> T timed(String op, Op<T> body) throws KvStoreException {
        long t0 = System.nanoTime();
        String result = "error";
        try {
            T v = body.run();
            result = "ok";
            return v;
        } catch (CasConflictException e) {
            result = "conflict";
            throw e;
        } catch (StoreUnavailableException e) {
            result = "unavailable";
            throw e;
        } finally {
            metrics.storeOps.labelValues(op, result).inc();
            if (!op.equals("watch")) {
                metrics.storeDuration.labelValues(op).observe((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    @Override
    public Optional<KvEntry> get(String key) throws KvStoreException {
        return timed("get", () -> delegate.get(key));
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        return timed("list", () -> delegate.list(prefix));
    }

    @Override
    public void put(String key, byte[] value) throws KvStoreException {
        timed("put", () -> {
            delegate.put(key, value);
            return null;
        });
    }

    @Override
    public void putIfAbsent(String key, byte[] value) throws KvStoreException {
        timed("put_if_absent", () -> {
            delegate.putIfAbsent(key, value);
            return null;
        });
    }

    @Override
    public void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        timed("cas", () -> {
            delegate.compareAndSet(key, value, expectedIndex);
            return null;
        });
    }

    @Override
    public void delete(String key) throws KvStoreException {
        timed("delete", () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        timed("delete_if_index", () -> {
            delegate.deleteIfIndex(key, expectedIndex);
            return null;
        });
    }

    @Override
    public void deletePrefix(String prefix) throws KvStoreException {
        timed("delete_prefix", () -> {
            delegate.deletePrefix(prefix);
            return null;
        });
    }

    @Override
    public List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        return timed("txn", () -> delegate.txn(ops));
    }

    @Override
    public WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException {
        return timed("watch", () -> delegate.watch(prefix, index, maxWait));
    }

    @Override
    public Lease createLease(String name, Duration ttl) throws KvStoreException {
        return timed("create_lease", () -> delegate.createLease(name, ttl));
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException {
        timed("put_with_lease", () -> {
            delegate.putWithLease(key, value, lease);
            return null;
        });
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
