package io.javaoverlay.kvstore.local;

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

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The embedded, file-backed store for a single host: same semantics as the Consul backend
 * (monotonic indexes, CAS, transactions, prefix watches, leases), kept crash-safe in a
 * directory as a snapshot file plus a write-ahead log (see {@link StateFiles}).
 *
 * <p>Several processes may share one directory: every operation runs under an exclusive
 * {@link java.nio.channels.FileLock} on {@code <dir>/lock}. Watchers in other processes notice
 * commits by polling the snapshot header and the log every {@code pollInterval}; watchers
 * in this JVM are woken directly.
 *
 * <p>Leases expire when not renewed within their TTL (wall clock) and also as soon as the owning
 * process is gone (pid plus start time from {@code /proc/<pid>/stat}). Expiry is applied lazily
 * by whichever process next touches the store, and by every polling watcher, so keys of a dead
 * host vanish and watchers see it without any background thread.
 */
public final class LocalKvStore implements KvStore {
    /** Default period at which watchers poll for commits made by other processes. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(20);
    /** Default bound on waiting for the store lock. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private final StateDir dir;
    private final Duration pollInterval;
    private final Duration lockTimeout;
    private volatile boolean closed;

    private LocalKvStore(StateDir dir, Duration pollInterval, Duration lockTimeout) {
        this.dir = dir;
        this.pollInterval = pollInterval;
        this.lockTimeout = lockTimeout;
    }

    /** Opens (creating if needed) the store kept in {@code directory}, with default timings. */
    public static LocalKvStore open(Path directory) throws KvStoreException {
        return open(directory, DEFAULT_POLL_INTERVAL, DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * Opens (creating if needed) the store kept in {@code directory}.
     *
     * @param pollInterval how often watchers look for commits by other processes
     * @param lockTimeout  bound on waiting for the lock; exceeding it raises StoreUnavailableException
     */
    public static LocalKvStore open(Path directory, Duration pollInterval, Duration lockTimeout)
            throws KvStoreException {
        Objects.requireNonNull(directory, "directory");
        if (pollInterval.isNegative() || pollInterval.isZero() || lockTimeout.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be > 0 and lockTimeout >= 0, got "
                    + pollInterval + " and " + lockTimeout);
        }
        LocalKvStore store = new LocalKvStore(StateDir.acquire(directory), pollInterval, lockTimeout);
        try {
            store.update(s -> null); // applies lease expiry left over from dead processes; checks the file
        } catch (KvStoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** The state directory. */
    public Path directory() {
        return dir.dir;
    }

    @Override
    public Optional<KvEntry> get(String key) throws KvStoreException {
        KvKeys.requireValidKey(key);
        return Optional.ofNullable(read(s -> s.toKvEntry(key)));
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        return read(s -> s.list(prefix));
    }

    @Override
    public void put(String key, byte[] value) throws KvStoreException {
        single(new TxnOp.Set(key, Objects.requireNonNull(value, "value")));
    }

    @Override
    public void putIfAbsent(String key, byte[] value) throws KvStoreException {
        single(new TxnOp.PutIfAbsent(key, Objects.requireNonNull(value, "value")));
    }

    @Override
    public void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        single(new TxnOp.Cas(key, Objects.requireNonNull(value, "value"), expectedIndex));
    }

    @Override
    public void delete(String key) throws KvStoreException {
        single(new TxnOp.Delete(key));
    }

    @Override
    public void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        single(new TxnOp.DeleteIfIndex(key, expectedIndex));
    }

    @Override
    public void deletePrefix(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        update(s -> {
            boolean changed = false;
            for (KvEntry e : s.list(prefix)) {
                changed |= s.remove(e.key(), s.nextIndex());
            }
            return changed ? Boolean.TRUE : null;
        });
    }

    @Override
    public List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        List<TxnOp> checked = KvKeys.requireValidTxn(ops);
        TxnApplier.Outcome out = applyOps(checked);
        if (out.failed()) {
            throw new TxnAbortedException(out.failedOp(), "transaction rolled back at operation "
                    + out.failedOp() + ": " + out.reason());
        }
        return out.reads();
    }

    private void single(TxnOp op) throws KvStoreException {
        KvKeys.requireValidKey(op.key());
        TxnApplier.Outcome out = applyOps(List.of(op));
        if (out.failed()) {
            throw new CasConflictException(out.reason());
        }
    }

    private TxnApplier.Outcome applyOps(List<TxnOp> ops) throws KvStoreException {
        TxnApplier.Outcome[] result = new TxnApplier.Outcome[1];
        update(s -> {
            TxnApplier.Outcome out = TxnApplier.apply(s, ops, s.nextIndex());
            result[0] = out;
            // A failed txn must leave no trace: signal "discard" unless the lease sweep alone
            // changed something (then update() commits the sweep, which the txn did not touch).
            return out.failed() ? Mutation.ABORT : out.changed() ? Boolean.TRUE : null;
        });
        return result[0];
    }

    @Override
    public WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        Objects.requireNonNull(maxWait, "maxWait");
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        while (true) {
            ensureOpen();
            long seenSeq = dir.commitSeq();
            StoreState s = readForWatch();
            long prefixIndex = Math.max(1, s.prefixIndex(prefix));
            if (index <= 0 || prefixIndex > index) {
                return new WatchResult(prefixIndex, s.list(prefix), false);
            }
            if (Math.max(1, s.index) < index) {
                // The store went backwards (directory wiped or replaced): a fresh snapshot.
                // (Indexes below 1 count as 1, as Consul advises for X-Consul-Index 0.)
                return new WatchResult(prefixIndex, s.list(prefix), true);
            }
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                return new WatchResult(index, s.list(prefix), false);
            }
            try {
                dir.awaitLocalChange(seenSeq, Math.max(1, Math.min(pollInterval.toMillis(), leftNanos / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while watching '" + prefix + "'", e);
            }
        }
    }

    /** Lock-free read for polling watchers; takes the lock only to apply a due lease expiry. */
    private StoreState readForWatch() throws KvStoreException {
        StoreState s;
        try {
            s = dir.snapshot();
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read local store " + dir.dir + ": " + e.getMessage(), e);
        }
        if (s.hasExpiredLease(System.currentTimeMillis())) {
            return update(cur -> cur);
        }
        return s;
    }

    @Override
    public Lease createLease(String name, Duration ttl) throws KvStoreException {
        KvKeys.requireValidLease(name, ttl);
        String id = UUID.randomUUID().toString();
        update(s -> {
            s.putLease(new StoreState.LeaseRecord(id, name, ttl.toMillis(),
                    System.currentTimeMillis() + ttl.toMillis(), ProcessIdentity.selfPid(),
                    ProcessIdentity.selfStartTime()));
            return Boolean.TRUE;
        });
        // Its record lives in the state file, so other processes can expire it (TTL passed, or the
        // owning process gone).
        return new StoreLease(this, id, name, ttl, this::renewLease, this::endLease);
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException {
        KvKeys.requireValidKey(key);
        Objects.requireNonNull(value, "value");
        if (!(lease instanceof StoreLease sl) || sl.store() != this
                && !(sl.store() instanceof LocalKvStore other && other.dir.dir.equals(dir.dir))) {
            throw new IllegalArgumentException("lease " + lease + " was not created by this local store");
        }
        String id = lease.id();
        String[] conflict = new String[1];
        update(s -> {
            if (!s.leases.containsKey(id)) {
                conflict[0] = "expired";
                return Mutation.ABORT;
            }
            StoreState.Entry cur = s.entries.get(key);
            if (cur != null && cur.leaseId() != null && !cur.leaseId().equals(id)
                    && s.leases.containsKey(cur.leaseId())) {
                conflict[0] = "key '" + key + "' is held by another lease (" + cur.leaseId() + ")";
                return Mutation.ABORT;
            }
            s.set(key, value, s.nextIndex(), id);
            return Boolean.TRUE;
        });
        if ("expired".equals(conflict[0])) {
            throw new LeaseExpiredException("lease " + id + " has expired; cannot bind key '" + key + "'");
        } else if (conflict[0] != null) {
            throw new CasConflictException(conflict[0]);
        }
    }

    /** Renews a lease; called by its {@link StoreLease#renew()}. */
    private void renewLease(String id) throws KvStoreException {
        boolean[] found = new boolean[1];
        update(s -> {
            StoreState.LeaseRecord l = s.leases.get(id);
            if (l == null) {
                return null;
            }
            found[0] = true;
            s.putLease(new StoreState.LeaseRecord(id, l.name(), l.ttlMillis(),
                    System.currentTimeMillis() + l.ttlMillis(), l.pid(), l.pidStartTime()));
            return Boolean.TRUE;
        });
        if (!found[0]) {
            throw new LeaseExpiredException("lease " + id + " has expired or was closed; create a new one");
        }
    }

    /** Ends a lease and deletes its keys; called by its {@link StoreLease#close()}. */
    private void endLease(String id) throws KvStoreException {
        update(s -> s.dropLease(id, s.nextIndex()) ? Boolean.TRUE : null);
    }

    @Override
    public String describe() {
        return "file://" + dir.dir;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            dir.release();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("local store " + dir.dir + " is closed");
        }
    }

    /**
     * A read or write on a private copy of the state. Return null for "nothing changed",
     * {@link #ABORT} to discard the copy, anything else to commit it (and return it).
     */
    private interface Mutation<T> {
        Object ABORT = new Object();

        Object apply(StoreState copy) throws KvStoreException;
    }

    /** A read-only query of a snapshot. */
    private interface Query<T> {
        T apply(StoreState snapshot);
    }

    /**
     * Runs a read under the lock on the freshest snapshot without copying it; falls back to
     * {@link #update} (which commits) when a lease has expired and its keys must go first.
     */
    private <T> T read(Query<T> q) throws KvStoreException {
        ensureOpen();
        Object[] out = new Object[1];
        boolean done = dir.withLock(lockTimeout, current -> {
            if (current.hasExpiredLease(System.currentTimeMillis())) {
                return false;
            }
            out[0] = q.apply(current);
            return true;
        });
        if (!done) {
            return update(q::apply);
        }
        @SuppressWarnings("unchecked")
        T result = (T) out[0];
        return result;
    }

    /**
     * Runs {@code m} under the lock on a copy of the freshest state, after applying lease expiry.
     * Commits at index+1 if the mutation or the expiry changed anything.
     */
    @SuppressWarnings("unchecked")
    private <T> T update(Mutation<T> m) throws KvStoreException {
        ensureOpen();
        return dir.withLock(lockTimeout, current -> {
            StoreState copy = current.copy();
            long next = current.nextIndex();
            boolean swept = copy.sweepExpiredLeases(System.currentTimeMillis(), next);
            Object r = m.apply(copy);
            StoreState toCommit = null;
            if (r == Mutation.ABORT) {
                if (swept) {
                    // Keep the expiry but not the aborted change: redo the sweep on a clean copy.
                    toCommit = current.copy();
                    toCommit.sweepExpiredLeases(System.currentTimeMillis(), next);
                }
                r = null;
            } else if (swept || r instanceof Boolean) {
                toCommit = copy;
            }
            if (toCommit != null) {
                toCommit.index = next;
                try {
                    dir.commit(toCommit);
                } catch (IOException e) {
                    throw new StoreUnavailableException("cannot write local store " + dir.dir + ": " + e, e);
                }
            }
            return (T) (r instanceof Boolean ? null : r);
        });
    }
}
