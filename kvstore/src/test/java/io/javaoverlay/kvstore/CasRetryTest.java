package io.javaoverlay.kvstore;

import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one read-modify-write loop: lost races run the attempt again; everything else leaves as OverlayException. */
class CasRetryTest {
    private final InMemoryKvStore store = new InMemoryKvStore();
    private final CasRetry cas = new CasRetry(store, 4, Duration.ZERO);

    @Test
    void aLostRaceRunsTheAttemptAgainWithAFreshRead() throws Exception {
        store.put("n", "1".getBytes(StandardCharsets.UTF_8));
        AtomicInteger runs = new AtomicInteger();
        String result = cas.run("increment n", () -> {
            KvEntry e = store.get("n").orElseThrow();
            if (runs.incrementAndGet() == 1) {
                store.put("n", "5".getBytes(StandardCharsets.UTF_8)); // another host writes in between
            }
            int next = Integer.parseInt(e.valueAsString()) + 1;
            store.compareAndSet("n", Integer.toString(next).getBytes(StandardCharsets.UTF_8), e.modifyIndex());
            return Integer.toString(next);
        });
        assertEquals("6", result, "the second attempt read the other host's write");
        assertEquals(2, runs.get());
        assertEquals(1, cas.retries());
    }

    @Test
    void endlessRacesEndInConflictNamingWhatWasBeingDone() {
        AtomicInteger runs = new AtomicInteger();
        OverlayException e = assertThrows(OverlayException.class, () -> cas.run("claim pool 10.20.0.0/24", () -> {
            runs.incrementAndGet();
            throw CasRetry.conflict("index moved");
        }));
        assertEquals(OverlayException.Kind.CONFLICT, e.kind());
        assertEquals("could not claim pool 10.20.0.0/24: still contended after 4 attempts; retry the request", e.getMessage());
        assertEquals(4, runs.get());
    }

    @Test
    void storeFailuresNameTheStoreAndWhatWasBeingDone() {
        store.setDown(true);
        OverlayException down = assertThrows(OverlayException.class, () -> cas.run("read network n1", () -> store.get("x")));
        assertEquals(OverlayException.Kind.UNAVAILABLE, down.kind());
        assertTrue(down.getMessage().startsWith("could not read network n1: store " + store.describe() + " failed: "),
                down.getMessage());
        OverlayException once = assertThrows(OverlayException.class, () -> cas.once("list networks", () -> store.list("")));
        assertEquals(OverlayException.Kind.UNAVAILABLE, once.kind());
        store.setDown(false);
        OverlayException broken = assertThrows(OverlayException.class, () -> cas.once("write", () -> {
            throw new KvStoreException("value too large");
        }));
        assertEquals(OverlayException.Kind.INTERNAL, broken.kind());
    }

    @Test
    void theAttemptsOwnFailurePassesThroughAtOnce() {
        OverlayException mine = new OverlayException(OverlayException.Kind.NOT_FOUND, "network n1 is gone");
        AtomicInteger runs = new AtomicInteger();
        assertSame(mine, assertThrows(OverlayException.class, () -> cas.run("join", () -> {
            runs.incrementAndGet();
            throw mine;
        })));
        assertEquals(1, runs.get());
        OverlayException raced = assertThrows(OverlayException.class, () -> cas.once("update endpoint e1", () -> {
            throw new CasConflictException("endpoints/n1/e1 changed");
        }));
        assertEquals(OverlayException.Kind.CONFLICT, raced.kind());
    }
}
