package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.AbstractLease;
import io.javaoverlay.kvstore.KvStoreException;

import java.time.Duration;

/**
 * A Consul session (TTL, Behavior=delete, LockDelay=0) used as a liveness lease. Its TTL is the
 * requested one clamped to Consul's 10 s .. 24 h; Consul may take up to 2×TTL to invalidate it.
 */
final class ConsulLease extends AbstractLease {
    private final ConsulKvStore store;

    ConsulLease(ConsulKvStore store, String id, String name, Duration ttl) {
        super(id, name, ttl);
        this.store = store;
    }

    ConsulKvStore store() {
        return store;
    }

    /** Equivalent to {@code consul} API {@code PUT /v1/session/renew/<id>}. */
    @Override
    public void renew() throws KvStoreException {
        store.renewSession(id());
    }

    /** {@code PUT /v1/session/destroy/<id>}; Consul deletes the session's keys. */
    @Override
    protected void end() throws KvStoreException {
        store.destroySession(id());
    }
}
