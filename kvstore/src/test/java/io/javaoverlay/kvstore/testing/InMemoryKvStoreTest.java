package io.javaoverlay.kvstore.testing;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreContract;
import io.javaoverlay.kvstore.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The test store against the same contract as Consul and the local store, so the unit tests of
 * ipam and vxlan cannot pass on behaviour no real backend has.
 */
class InMemoryKvStoreTest extends KvStoreContract {
    InMemoryKvStoreTest() {
        super(Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    @Override
    protected KvStore createStore() {
        return new InMemoryKvStore();
    }

    @Test
    void anOutageFailsEveryCallAsRetryableAndChangesNothing() throws Exception {
        InMemoryKvStore mem = (InMemoryKvStore) store;
        mem.put("k", b("1"));
        mem.setDown(true);
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> mem.put("k", b("2")));
        assertEquals(true, e.isRetryable());
        assertThrows(StoreUnavailableException.class, () -> mem.get("k"));
        mem.setDown(false);
        assertEquals("1", mem.get("k").orElseThrow().valueAsString());
    }
}
