package io.javaoverlay.server.dns;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source address, so that one noisy or hostile container cannot starve the
 * others. The table is bounded: past {@link #MAX_SOURCES} sources it is cleared (every bucket
 * starts full again), which bounds memory under a spoofed-source flood at the cost of a burst.
 */
final class SourceLimiter {
    static final int MAX_SOURCES = 65_536;

    private final double ratePerNano;
    private final double burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    SourceLimiter(int ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
    }

    /** True when {@code source} may send one more query at {@code nowNanos}. */
    boolean tryAcquire(InetAddress source, long nowNanos) {
        if (buckets.size() > MAX_SOURCES) {
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(burst, nowNanos));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (nowNanos - b.last) * ratePerNano);
            b.last = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }
}
