package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;

import java.time.Duration;

/** A Consul session (TTL, Behavior=delete, LockDelay=0) used as a liveness lease. */
final class ConsulLease implements Lease {
    private static final System.Logger LOG = System.getLogger(ConsulLease.class.getName());

    private final ConsulKvStore store;
    private final String id;
    private final String name;
    private final Duration ttl;
    private volatile boolean closed;

    ConsulLease(ConsulKvStore store, String id, String name, Duration ttl) {
        this.store = store;
        this.id = id;
        this.name = name;
        this.ttl = ttl;
    }

    ConsulKvStore store() {
        return store;
    }

    @Override
    public String id() {
        return id;
    }

    /** The effective TTL: the requested one clamped to Consul's 10 s .. 24 h. */
    @Override
    public Duration ttl() {
        return ttl;
    }

    /** Equivalent to {@code consul} API {@code PUT /v1/session/renew/<id>}. */
    @Override
    public void renew() throws KvStoreException {
        store.renewSession(id);
    }

    /** Destroys the session ({@code PUT /v1/session/destroy/<id>}); Consul deletes its keys. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            store.destroySession(id);
        } catch (KvStoreException e) {
            // close() cannot throw; the session still expires on its TTL and Consul deletes the keys.
            LOG.log(System.Logger.Level.WARNING, "could not end lease " + name + " (" + id
                    + ") now; it will expire within 2x" + ttl + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "ConsulLease[" + name + ", " + id + ", ttl " + ttl + "]";
    }
}
