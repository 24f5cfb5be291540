package io.javaoverlay.vxlan.testing;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The in-memory store, logging every call that reaches it ({@code get K}, {@code list P},
 * {@code txn [Get K, PutIfAbsent K, ...]}, ...), so a test can pin how many round trips a request
 * costs and that it lists nothing.
 */
public final class CountingKvStore extends InMemoryKvStore {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** The calls since the last {@link #clearCalls()}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    @Override
    public Optional<KvEntry> get(String key) throws KvStoreException {
        calls.add("get " + key);
        return super.get(key);
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        calls.add("list " + prefix);
        return super.list(prefix);
    }

    @Override
    public void put(String key, byte[] value) throws KvStoreException {
        calls.add("put " + key);
        super.put(key, value);
    }

    @Override
    public void putIfAbsent(String key, byte[] value) throws KvStoreException {
        calls.add("putIfAbsent " + key);
        super.putIfAbsent(key, value);
    }

    @Override
    public void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        calls.add("compareAndSet " + key);
        super.compareAndSet(key, value, expectedIndex);
    }

    @Override
    public void delete(String key) throws KvStoreException {
        calls.add("delete " + key);
        super.delete(key);
    }

    @Override
    public void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        calls.add("deleteIfIndex " + key);
        super.deleteIfIndex(key, expectedIndex);
    }

    @Override
    public void deletePrefix(String prefix) throws KvStoreException {
        calls.add("deletePrefix " + prefix);
        super.deletePrefix(prefix);
    }

    @Override
    public List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        calls.add("txn " + ops.stream().map(o -> o.getClass().getSimpleName() + " " + o.key())
                .collect(Collectors.joining(", ", "[", "]")));
        return super.txn(ops);
    }
}
