package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;

import io.javaoverlay.types.OverlayException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Optimistic-concurrency loop shared by the pool and address allocators: run an attempt, and
 * when it loses a compare-and-set race ({@link CasConflictException}, which includes aborted
 * transactions) pause briefly and run it again, up to the configured number of attempts. Other
 * store failures become an {@link OverlayException} naming the store.
 */
final class StoreCalls {

    /** One attempt; returns the result, or {@link #RETRY} to ask for another attempt. */
    interface Attempt {
        Object run() throws KvStoreException;
    }

    /** One store call. */
    interface Call<T> {
        T run() throws KvStoreException;
    }

    /** Sentinel an attempt returns when it saw a conflict it detected itself. */
    static final Object RETRY = new Object();

    private final KvStore store;
    private final int maxAttempts;
    private final Duration backoff;
    private final java.util.concurrent.atomic.LongAdder retries = new java.util.concurrent.atomic.LongAdder();

    StoreCalls(KvStore store, int maxAttempts, Duration backoff) {
        this.store = store;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    /** Attempts repeated so far because of lost races. */
    long retries() {
        return retries.sum();
    }

    KvStore store() {
        return store;
    }

    /**
     * Runs {@code attempt} until it returns something other than {@link #RETRY}.
     *
     * @param what what is being done, for messages ("allocate an address in pool 10.20.0.0/24")
     * @throws OverlayException CONFLICT after too many lost races, UNAVAILABLE if the store is down
     */
    @SuppressWarnings("unchecked")
    <T> T withRetries(String what, Attempt attempt) {
        for (int i = 1; i <= maxAttempts; i++) {
            try {
                Object r = attempt.run();
                if (r != RETRY) {
                    return (T) r;
                }
            } catch (CasConflictException e) {
                // lost a race: re-read and try again
            } catch (KvStoreException e) {
                throw storeFailure(what, e);
            }
            retries.increment();
            pause(i);
        }
        throw new OverlayException(OverlayException.Kind.CONFLICT, "could not " + what + ": still contended after "
                + maxAttempts + " attempts; retry the request");
    }

    /** Runs one store call outside any retry loop. */
    <T> T once(String what, Call<T> call) {
        try {
            return call.run();
        } catch (KvStoreException e) {
            throw storeFailure(what, e);
        }
    }

    OverlayException storeFailure(String what, KvStoreException e) {
        OverlayException.Kind kind = e.isRetryable() ? OverlayException.Kind.UNAVAILABLE : OverlayException.Kind.INTERNAL;
        return new OverlayException(kind, "could not " + what + ": store " + store.describe() + " failed: "
                + e.getMessage(), e);
    }

    /** Random pause growing with the attempt number, so racing hosts spread out. */
    private void pause(int attempt) {
        long maxNanos = backoff.toNanos() * Math.min(attempt, 8) / 8;
        if (maxNanos > 0) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxNanos + 1));
        }
    }
}
