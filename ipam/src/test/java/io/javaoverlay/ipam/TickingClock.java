package io.javaoverlay.ipam;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated host's clock: every reading is one millisecond after the previous one, so the
 * {@code since} of successive claims and holders differ without any test waiting, and two hosts
 * can run at different times (a skewed clock).
 */
final class TickingClock extends Clock {
    private final AtomicLong millis;

    /** A clock whose first reading is {@code startMillis}. */
    TickingClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return millis.getAndIncrement();
    }

    /** The time of the next reading, without taking it. */
    long peek() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock has no zones");
    }
}
