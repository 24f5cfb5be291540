package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;

import java.time.Duration;

/** A lease of the local store; its record lives in the state file so other processes can expire it. */
final class LocalLease implements Lease {
    private static final System.Logger LOG = System.getLogger(LocalLease.class.getName());

    private final LocalKvStore store;
    private final String id;
    private final Duration ttl;
    private volatile boolean closed;

    LocalLease(LocalKvStore store, String id, Duration ttl) {
        this.store = store;
        this.id = id;
        this.ttl = ttl;
    }

    LocalKvStore store() {
        return store;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public void renew() throws KvStoreException {
        store.renewLease(id);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            store.endLease(id);
        } catch (KvStoreException | IllegalStateException e) {
            // close() cannot throw; the lease still expires on its TTL or when this process exits.
            LOG.log(System.Logger.Level.WARNING, "could not end lease " + id + " now (it will expire in "
                    + ttl + "): " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "LocalLease[" + id + ", ttl " + ttl + "]";
    }
}
