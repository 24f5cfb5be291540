package io.javaoverlay.kvstore;

import java.time.Duration;

/**
 * A liveness lease (a Consul session with TTL and behavior=delete). Keys bound to it with
 * {@link KvStore#putWithLease} vanish when the lease is closed or expires.
 */
public interface Lease extends AutoCloseable {

    /** Backend identifier of the lease (the Consul session id). */
    String id();

    /** The TTL the lease was created with; renew well within it (for example every TTL/3). */
    Duration ttl();

    /**
     * Extends the lease by its TTL.
     *
     * @throws LeaseExpiredException if the lease has already expired; create a new one and
     *                               rewrite the keys
     */
    void renew() throws KvStoreException;

    /** Ends the lease now; its keys are deleted. Idempotent. */
    @Override
    void close();
}
