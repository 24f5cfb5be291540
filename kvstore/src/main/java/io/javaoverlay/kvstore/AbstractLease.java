package io.javaoverlay.kvstore;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every backend's {@link Lease} shares: its identity and TTL, and a {@link #close()} that
 * ends the lease at most once and never throws. A backend supplies {@link #renew()} and
 * {@link #end()}.
 */
public abstract class AbstractLease implements Lease {
    private static final System.Logger LOG = System.getLogger(AbstractLease.class.getName());

    private final String id;
    private final String name;
    private final Duration ttl;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param id   backend identifier (the Consul session id)
     * @param name the name given to {@link KvStore#createLease}
     * @param ttl  the effective TTL
     */
    protected AbstractLease(String id, String name, Duration ttl) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = Objects.requireNonNull(name, "name");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public final String id() {
        return id;
    }

    /** The name given to {@link KvStore#createLease}. */
    public final String name() {
        return name;
    }

    @Override
    public final Duration ttl() {
        return ttl;
    }

    /**
     * Ends the lease at the backend now, deleting its keys.
     *
     * @throws KvStoreException if the backend cannot be reached
     */
    protected abstract void end() throws KvStoreException;

    /**
     * Ends the lease once; later calls do nothing. A failure is logged, not thrown: close() is
     * called from cleanup paths, and the backend still ends the lease when its TTL runs out.
     */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            end();
        } catch (KvStoreException | IllegalStateException e) { // IllegalStateException: store already closed
            LOG.log(System.Logger.Level.WARNING, "could not end " + this + " now; it ends when its TTL runs out"
                    + " without renewal: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + id + ", ttl " + ttl + "]";
    }
}
