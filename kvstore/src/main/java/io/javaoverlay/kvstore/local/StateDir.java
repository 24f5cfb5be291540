package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.StoreUnavailableException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One state directory as seen by this JVM: the cross-process lock, the in-JVM wake-ups, and
 * (through {@link StateFiles}) the cached state and the durable write path. Shared by every
 * {@link LocalKvStore} opened on the same directory in this JVM, because a JVM may hold only one {@link FileLock} per file (a second one throws
 * OverlappingFileLockException) and closing any channel drops all of the process's locks.
 *
 * <p>Crash safety is {@link StateFiles}'s: an acknowledged commit is durable, a kill -9 at any
 * point loses at most the commit in flight.
 */
final class StateDir {
    private static final Map<Path, StateDir> OPEN = new HashMap<>();

    final Path dir;
    private final StateFiles files;
    private final FileChannel lockChannel;
    private final ReentrantLock jvmLock = new ReentrantLock();
    /** Signalled after every commit in this JVM, so local watchers wake without polling. */
    private final Object changed = new Object();
    /** Count of commits made through this JVM; guarded by {@link #changed}. */
    private long commitSeq;
    private int refs;

    private StateDir(Path dir) throws IOException {
        this.dir = dir;
        this.files = new StateFiles(dir);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
    }

    static StateDir acquire(Path dir) throws KvStoreException {
        synchronized (OPEN) {
            Path key;
            try {
                // Keyed by the real path: a symlinked alias (or a relative path) must share this
                // instance, or this JVM would hold two lock channels on one file (the second
                // tryLock throws OverlappingFileLockException, and closing either channel drops
                // the POSIX lock the other holds, letting another process in mid-commit).
                key = Files.createDirectories(dir).toRealPath();
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot open local store directory " + dir + ": " + e, e);
            }
            StateDir d = OPEN.get(key);
            if (d == null) {
                try {
                    d = new StateDir(key);
                } catch (IOException e) {
                    throw new StoreUnavailableException("cannot open local store directory " + key + ": " + e, e);
                }
                OPEN.put(key, d);
            }
            d.refs++;
            return d;
        }
    }

    void release() {
        synchronized (OPEN) {
            if (--refs == 0) {
                OPEN.remove(dir);
                try {
                    lockChannel.close();
                } catch (IOException ignored) {
                    // nothing left to protect
                }
            }
        }
    }

    /** Work done while holding both the JVM lock and the file lock. */
    interface Locked<T> {
        T run(StoreState current) throws KvStoreException;
    }

    /** Runs {@code work} under the exclusive lock with the freshest state; bounded by {@code timeout}. */
    <T> T withLock(Duration timeout, Locked<T> work) throws KvStoreException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException("timed out after " + timeout + " waiting for the lock of "
                        + dir + " (held by another thread)", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the lock of " + dir, e);
        }
        try {
            FileLock lock = fileLock(deadline, timeout);
            try {
                return work.run(snapshot());
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            if (e instanceof KvStoreException k) {
                throw k;
            }
            throw new StoreUnavailableException("I/O error on local store " + dir + ": " + e, e);
        } finally {
            jvmLock.unlock();
        }
    }

    private FileLock fileLock(long deadline, Duration timeout) throws IOException {
        // tryLock in a loop rather than lock(): lock() cannot time out, and the contract says an
        // operation never hangs (another process could be stopped while holding the lock).
        long sleepMicros = 50;
        while (true) {
            FileLock lock = lockChannel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new StoreUnavailableException("timed out after " + timeout + " waiting for the lock of "
                        + dir + " (held by another process)", null);
            }
            try {
                TimeUnit.MICROSECONDS.sleep(sleepMicros);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for the lock of " + dir, e);
            }
            sleepMicros = Math.min(sleepMicros * 2, 2000);
        }
    }

    /**
     * The current committed state (see {@link StateFiles#current()}). Safe without the lock:
     * polling watchers call it lock-free.
     */
    StoreState snapshot() throws IOException {
        return files.current();
    }

    /** Makes {@code next} durable and current, and wakes this JVM's watchers. Caller holds the lock. */
    void commit(StoreState next) throws IOException {
        files.commit(next);
        synchronized (changed) {
            commitSeq++;
            changed.notifyAll();
        }
    }

    /** The number of commits made through this JVM so far (pair with {@link #awaitLocalChange}). */
    long commitSeq() {
        synchronized (changed) {
            return commitSeq;
        }
    }

    /**
     * Waits up to {@code millis} for a commit in this JVM after {@code seenSeq}. Commits by other
     * processes are not signalled; watchers find them by polling the header.
     */
    void awaitLocalChange(long seenSeq, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (changed) {
            long left;
            while (commitSeq == seenSeq && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(changed, left);
            }
        }
    }
}
