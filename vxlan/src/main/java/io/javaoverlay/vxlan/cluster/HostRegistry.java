package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.LeaseKeeper;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cluster membership from the store, not from Docker (Docker 24+ sends no node-discovery events):
 * each host keeps {@code hosts/<hostId>} bound to a liveness lease (a Consul session, TTL 10 s,
 * Consul's minimum), renewed by a {@link LeaseKeeper}. A host that dies drops out when its lease
 * expires; a lost lease (store outage longer than the TTL) is re-created and the key rewritten.
 * Registration never blocks start-up: it is retried in the background until it lands.
 *
 * <p>Used for reporting (which hosts a removal waits for, and whether they are alive). The
 * reconciler does not filter peers by membership yet: a plugin restart would briefly withdraw a
 * healthy host's peers, so that needs a grace period first.
 */
public final class HostRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HostRegistry.class.getName());
    /** Consul's minimum session TTL. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    private final KvStore store;
    private final HostRecord self;
    private final Duration ttl;
    private final ScheduledExecutorService retry;
    private Lease lease;
    private LeaseKeeper keeper;
    private boolean closed;

    /**
     * @param store where {@code hosts/} lives
     * @param self  this host's registration
     * @param ttl   lease TTL (the store may raise it to its minimum)
     */
    public HostRegistry(KvStore store, HostRecord self, Duration ttl) {
        this.store = Objects.requireNonNull(store, "store");
        this.self = Objects.requireNonNull(self, "self");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-host-registry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers this host now, or keeps trying in the background. */
    public void start() {
        retry.execute(this::register);
    }

    private synchronized void register() {
        if (closed) {
            return;
        }
        try {
            if (lease == null) {
                lease = store.createLease("javaoverlay host " + self.hostId(), ttl);
            }
            store.putWithLease(NetworkKeys.host(self.hostId()), NetworkKeys.encode(self), lease);
            keeper = LeaseKeeper.start(lease, lost -> {
                LOG.log(Level.WARNING, "host registration of " + self.hostId() + " lost (" + lost.getMessage()
                        + "); registering again");
                synchronized (this) {
                    lease = null;
                }
                retry.execute(this::register);
            });
            LOG.log(Level.INFO, "registered host " + self.hostId() + " (VTEP " + self.vtep() + ") with a "
                    + lease.ttl().toSeconds() + " s liveness lease");
        } catch (CasConflictException held) {
            // A previous process of this host still holds the key until its lease expires.
            LOG.log(Level.INFO, "host key of " + self.hostId() + " is still held by an earlier lease; retrying");
            retry.schedule(this::register, ttl.toMillis() / 2, TimeUnit.MILLISECONDS);
        } catch (KvStoreException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot register host " + self.hostId() + " yet: " + e.getMessage());
            if (lease != null && e instanceof io.javaoverlay.kvstore.LeaseExpiredException) {
                lease = null;
            }
            retry.schedule(this::register, ttl.toMillis() / 2, TimeUnit.MILLISECONDS);
        }
    }

    /** Registered (live) hosts by host ID. */
    public Map<String, HostRecord> liveHosts() throws KvStoreException {
        return liveHosts(store);
    }

    /** Registered (live) hosts in {@code store}, by host ID. */
    public static Map<String, HostRecord> liveHosts(KvStore store) throws KvStoreException {
        Map<String, HostRecord> out = new TreeMap<>();
        for (KvEntry e : store.list(NetworkKeys.HOSTS)) {
            try {
                HostRecord h = NetworkKeys.decode(e.key(), e.value(), HostRecord.class);
                out.put(h.hostId(), h);
            } catch (IllegalArgumentException corrupt) {
                LOG.log(Level.WARNING, corrupt.getMessage());
            }
        }
        return out;
    }

    /** Stops renewing and ends the lease, so the key goes at once (a clean shutdown). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        retry.shutdownNow();
        LeaseKeeper k;
        Lease l;
        synchronized (this) {
            k = keeper;
            l = lease;
        }
        if (k != null) {
            k.close();
        }
        if (l != null) {
            l.close();
        }
    }
}
