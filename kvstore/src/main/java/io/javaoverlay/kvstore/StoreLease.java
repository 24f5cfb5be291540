package io.javaoverlay.kvstore;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@link Lease} of every backend: a lease is an id its store can renew and end, so the backend
 * hands over those two calls instead of writing a lease class of its own. {@link #store()} lets a
 * backend check that a lease passed to {@link KvStore#putWithLease} is one of its own.
 */
public final class StoreLease extends AbstractLease {

    /** One backend call on a lease id. */
    @FunctionalInterface
    public interface Call {
        void run(String leaseId) throws KvStoreException;
    }

    private final KvStore store;
    private final Call renew;
    private final Call end;

    /**
     * @param store the store that created it
     * @param id    backend identifier (the Consul session id)
     * @param name  the name given to {@link KvStore#createLease}
     * @param ttl   the effective TTL
     * @param renew extends the lease by its TTL, or throws {@link LeaseExpiredException}
     * @param end   ends the lease now and deletes its keys
     */
    public StoreLease(KvStore store, String id, String name, Duration ttl, Call renew, Call end) {
        super(id, name, ttl);
        this.store = Objects.requireNonNull(store, "store");
        this.renew = Objects.requireNonNull(renew, "renew");
        this.end = Objects.requireNonNull(end, "end");
    }

    /** The store that created this lease. */
    public KvStore store() {
        return store;
    }

    @Override
    public void renew() throws KvStoreException {
        renew.run(id());
    }

    @Override
    protected void end() throws KvStoreException {
        end.run(id());
    }
}
