package io.javaoverlay.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/** A hand-driven clock: monotonic nanos and a wall clock that move together. */
final class FakeTime extends Clock implements LongSupplier {
    private static final Instant BASE = Instant.parse("2030-01-01T00:00:00Z");
    private volatile long nanos = 1_000_000_000L;

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    @Override
    public long getAsLong() {
        return nanos;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return BASE.plusNanos(nanos);
    }
}
