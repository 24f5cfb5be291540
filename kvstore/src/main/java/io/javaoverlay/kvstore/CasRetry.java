package io.javaoverlay.kvstore;

import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Optimistic concurrency on a {@link KvStore}, the one read-modify-write loop of javaoverlay
 * (style.md 5: read with the modify index, change a copy, write with CAS, retry a bounded number of
 * times, then fail with CONFLICT). An attempt reads what it needs and writes conditionally; when a
 * condition fails ({@link CasConflictException}, which includes {@link TxnAbortedException}) the
 * whole attempt runs again after a short random pause, so hosts racing for one key spread out. An
 * attempt that detects a race itself (two reads that disagree) throws {@link #conflict(String)}.
 *
 * <p>Failures leave as the shared {@link OverlayException}, naming the store and what was being
 * done: CONFLICT when the races never stop, UNAVAILABLE when the store does not answer (retryable),
 * INTERNAL otherwise. An {@link OverlayException} thrown by the attempt itself (a real conflict with
 * different content, a missing object) passes through unchanged and ends the loop.
 */
public final class CasRetry {

    /** One attempt: reads, decides, writes conditionally; throws {@link CasConflictException} to run again. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws KvStoreException;
    }

    private final KvStore store;
    private final int maxAttempts;
    private final Duration backoff;
    private final LongAdder retries = new LongAdder();

    /**
     * @param store       the store the attempts use (named in failures)
     * @param maxAttempts attempts before giving up with CONFLICT, at least 1
     * @param backoff     upper bound of the random pause after a lost race ({@link Duration#ZERO}: none)
     */
    public CasRetry(KvStore store, int maxAttempts, Duration backoff) {
        this.store = Objects.requireNonNull(store, "store");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** The store the attempts run against. */
    public KvStore store() {
        return store;
    }

    /** Attempts repeated so far because of lost races (for metrics and benchmarks). */
    public long retries() {
        return retries.sum();
    }

    /**
     * Runs {@code attempt} until it returns without losing a race.
     *
     * @param what what is being done, for messages ("claim pool 10.20.0.0/24")
     * @throws OverlayException CONFLICT after {@code maxAttempts} lost races; UNAVAILABLE or INTERNAL
     *                          when the store fails; whatever the attempt throws itself
     */
    public <T> T run(String what, Attempt<T> attempt) {
        for (int i = 1; i <= maxAttempts; i++) {
            try {
                return attempt.run();
            } catch (CasConflictException lostRace) {
                // someone wrote first: re-read and try again
            } catch (KvStoreException e) {
                throw failure(what, e);
            }
            retries.increment();
            pause(i);
        }
        throw new OverlayException(Kind.CONFLICT, "could not " + what + ": still contended after " + maxAttempts
                + " attempts; retry the request");
    }

    /**
     * Runs one store call without retrying. A lost race here is a CONFLICT at once: callers that
     * want to handle it catch {@link CasConflictException} inside {@code call}.
     *
     * @throws OverlayException naming the store and {@code what}
     */
    public <T> T once(String what, Attempt<T> call) {
        try {
            return call.run();
        } catch (CasConflictException e) {
            throw new OverlayException(Kind.CONFLICT, "could not " + what + ": it changed concurrently ("
                    + e.getMessage() + "); retry the request", e);
        } catch (KvStoreException e) {
            throw failure(what, e);
        }
    }

    /** The {@link OverlayException} for a store failure while doing {@code what}: UNAVAILABLE if retryable, else INTERNAL. */
    public OverlayException failure(String what, KvStoreException e) {
        Kind kind = e.isRetryable() ? Kind.UNAVAILABLE : Kind.INTERNAL;
        return new OverlayException(kind, "could not " + what + ": store " + store.describe() + " failed: "
                + e.getMessage(), e);
    }

    /** The signal an attempt throws when it detects a race itself; the attempt runs again. */
    public static CasConflictException conflict(String why) {
        return new CasConflictException(why);
    }

    /** Random pause growing with the attempt number, so racing hosts spread out. */
    private void pause(int attempt) {
        long maxNanos = backoff.toNanos() * Math.min(attempt, 8) / 8;
        if (maxNanos > 0) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxNanos + 1));
        }
    }
}
