package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.AbstractLease;
import io.javaoverlay.kvstore.KvStoreException;

import java.time.Duration;

/**
 * A lease of the local store; its record lives in the state file so other processes can expire
 * it (TTL passed, or the owning process gone).
 */
final class LocalLease extends AbstractLease {
    private final LocalKvStore store;

    LocalLease(LocalKvStore store, String id, String name, Duration ttl) {
        super(id, name, ttl);
        this.store = store;
    }

    LocalKvStore store() {
        return store;
    }

    @Override
    public void renew() throws KvStoreException {
        store.renewLease(id());
    }

    @Override
    protected void end() throws KvStoreException {
        store.endLease(id());
    }
}
