package io.javaoverlay.kvstore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one interface through which ipam and vxlan keep cluster state.
 *
 * <p>Keys are relative to the store's configured prefix (for Consul, {@code javaoverlay/v1/} by
 * default) and use only {@code [A-Za-z0-9._/:-]}. Values are opaque bytes; each module owns its
 * key layout and record codec. Every entry carries a modify index that strictly increases on each
 * write, so callers can do optimistic read-modify-write with {@link #compareAndSet}.
 *
 * <p>All operations are bounded in time: an unreachable backend raises
 * {@link StoreUnavailableException} within the configured timeout, never hangs.
 * Implementations are thread-safe.
 */
public interface KvStore extends AutoCloseable {

    /** Reads one key. A missing key is {@link Optional#empty()}. */
    Optional<KvEntry> get(String key) throws KvStoreException;

    /** Lists every key that starts with {@code prefix} (exact string prefix), sorted by key. */
    List<KvEntry> list(String prefix) throws KvStoreException;

    /** Writes {@code value} unconditionally. */
    void put(String key, byte[] value) throws KvStoreException;

    /**
     * Creates {@code key} only if it does not exist.
     *
     * @throws CasConflictException if the key exists
     */
    void putIfAbsent(String key, byte[] value) throws KvStoreException;

    /**
     * Writes {@code value} only if the key's current modify index equals {@code expectedIndex}.
     * An {@code expectedIndex} of 0 means "only if absent" (Consul's {@code cas=0}).
     *
     * @throws CasConflictException if the key was modified (or deleted) since
     */
    void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException;

    /** Deletes {@code key}; deleting a missing key succeeds. */
    void delete(String key) throws KvStoreException;

    /**
     * Deletes {@code key} only if its modify index equals {@code expectedIndex}.
     *
     * @throws CasConflictException if the key was modified since, or is missing
     */
    void deleteIfIndex(String key, long expectedIndex) throws KvStoreException;

    /** Deletes every key starting with {@code prefix}. */
    void deletePrefix(String prefix) throws KvStoreException;

    /**
     * Applies {@code ops} atomically: either every operation takes effect or none does.
     * Returns, in order, the entries that {@link TxnOp.Get} operations read (missing keys are
     * skipped). At most {@link #MAX_TXN_OPS} operations.
     *
     * @throws TxnAbortedException if a condition failed; nothing was written
     */
    List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException;

    /** Consul's historical per-transaction cap; the local store enforces the same limit. */
    int MAX_TXN_OPS = 64;

    /**
     * Blocking query on a prefix. Returns as soon as anything under {@code prefix} changes after
     * {@code index}, or after {@code maxWait} with the same index. Pass {@code 0} to read at once.
     * The result always holds the full current listing of the prefix.
     * If {@link WatchResult#resync()} is true the index went backwards (store reset, leader
     * change, restart): the caller must treat the listing as a fresh snapshot.
     */
    WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException;

    /**
     * Creates a liveness lease. Backends may adjust the TTL to their limits (Consul: 10 s to
     * 24 h); {@link Lease#ttl()} reports the effective one. Keys written with {@link #putWithLease} vanish when the lease is
     * closed or when it is not renewed within its TTL (a Consul session with behavior=delete; in
     * the local store, also when the owning process is gone).
     */
    Lease createLease(String name, Duration ttl) throws KvStoreException;

    /**
     * Writes {@code key} bound to {@code lease}: the key is deleted when the lease ends.
     *
     * @throws CasConflictException if the key is held by another live lease
     */
    void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException;

    /** A short human-readable description for logs, e.g. {@code consul://127.0.0.1:8500/javaoverlay/v1/}. */
    String describe();

    @Override
    void close();
}
