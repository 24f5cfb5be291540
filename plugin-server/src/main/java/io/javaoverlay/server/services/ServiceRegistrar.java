package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.ServiceCatalog;
import io.javaoverlay.kvstore.ServiceCatalog.Instance;
import io.javaoverlay.server.services.ServiceDefinitions.Desired;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the Consul catalog equal to the services this host's containers ask for
 * ({@link ServiceDefinitions}): registrator's job, with overlay addresses.
 *
 * <p><b>Which agent.</b> Services are registered with the agent javaoverlay talks to (the host's
 * local agent in a normal Consul deployment), through the agent API: that agent runs the TTL
 * check, its anti-entropy keeps the catalog in step, and when the host dies its node fails and
 * its services drop out of DNS and of health queries at once. The catalog API with a node name
 * per host was rejected: catalog-only entries have no agent running their checks, so a TTL check
 * there never expires. Every service carries {@code Meta.javaoverlay-host}, and a host only
 * touches services with its own ID, so hosts sharing one agent (a lab, the testbed) do not
 * disturb each other.
 *
 * <p><b>Sync.</b> {@link #sync()} lists the agent's services of this host, registers what is
 * missing or different, deregisters what no container asks for, and updates every TTL check
 * with the container's health. It runs after each {@link #update} and every TTL/3 (the
 * heartbeat), on the registrar's own thread. The first sync after start also removes services of
 * this host that the catalog holds on other nodes (registered earlier through another agent).
 * So a restart of the plugin converges to exactly the desired set: no duplicates (IDs are
 * deterministic), no orphans.
 *
 * <p><b>Dead hosts.</b> {@link #removeHost} deletes every service of a dead host: through the
 * agent API when it sits on our own agent's node (a catalog deregistration there would be undone
 * by the agent's anti-entropy), through the catalog API otherwise. As a backstop, each check
 * has {@code DeregisterCriticalServiceAfter}, so an agent that outlives its plugin drops the
 * services itself.
 */
public final class ServiceRegistrar implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServiceRegistrar.class.getName());

    private final ServiceCatalog catalog;
    private final String hostId;
    private final Duration heartbeat;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Map<String, Desired> desired = null; // null until the first update: never delete before we know
    private boolean catalogSwept;

    /** What one sync did. */
    public record Report(int registered, int deregistered, int checksUpdated) {
    }

    /**
     * @param ttl TTL of each service's check; the heartbeat runs every ttl/3
     */
    public ServiceRegistrar(ServiceCatalog catalog, String hostId, Duration ttl) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.heartbeat = ttl.dividedBy(3);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-services");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the heartbeat. */
    public void start() {
        long ms = Math.max(1000, heartbeat.toMillis());
        thread.scheduleWithFixedDelay(this::syncQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * The services every local container asks for now (all of them, not a delta). Returns at
     * once; the sync runs on the registrar's thread.
     */
    public void update(Collection<Desired> wanted) {
        Map<String, Desired> m = new HashMap<>();
        for (Desired d : wanted) {
            if (!hostId.equals(d.registration().meta().get(ServiceDefinitions.META_HOST))) {
                throw new IllegalArgumentException("service " + d.registration().id() + " is not marked as host "
                        + hostId + "'s");
            }
            m.put(d.registration().id(), d);
        }
        desired = Map.copyOf(m);
        if (pending.compareAndSet(false, true)) {
            run(() -> {
                pending.set(false);
                syncQuietly();
            });
        }
    }

    /** Removes every service of {@code deadHostId} (the dead-host path). Returns at once. */
    public void removeHost(String deadHostId) {
        run(() -> {
            try {
                int n = removeHostNow(deadHostId);
                LOG.log(Level.INFO, "deregistered " + n + " services of dead host " + deadHostId);
            } catch (KvStoreException e) {
                LOG.log(Level.WARNING, "could not deregister the services of dead host " + deadHostId + ": "
                        + e.getMessage() + "; their checks go critical and Consul removes them after "
                        + "DeregisterCriticalServiceAfter");
            }
        });
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed: the daemon is stopping, and the next start resyncs everything
        }
    }

    /** The last sync failure logged (only the registrar's thread touches it). */
    private String lastFailure;

    private void syncQuietly() {
        try {
            Report r = sync();
            if (lastFailure != null) {
                LOG.log(Level.INFO, "service registration sync works again (" + catalog.describe() + ")");
                lastFailure = null;
            }
            if (r.registered() + r.deregistered() > 0) {
                LOG.log(Level.INFO, "service registrations of host " + hostId + ": " + r.registered()
                        + " registered, " + r.deregistered() + " deregistered (" + catalog.describe() + ")");
            }
        } catch (KvStoreException | RuntimeException e) {
            // Once per distinct cause, not every heartbeat (a denied ACL token would fill the log).
            String cause = String.valueOf(e.getMessage());
            if (!cause.equals(lastFailure)) {
                LOG.log(Level.WARNING, "service registration sync failed (" + cause + "); retrying every "
                        + heartbeat.toSeconds() + " s, logged again only when the cause changes or it recovers");
                lastFailure = cause;
            }
        }
    }

    /** One reconcile pass (runs on the caller's thread; tests call it directly). */
    public synchronized Report sync() throws KvStoreException {
        Map<String, Desired> want = desired;
        if (want == null) {
            return new Report(0, 0, 0);
        }
        int registered = 0;
        int deregistered = 0;
        int updated = 0;
        Map<String, Instance> have = new HashMap<>();
        for (Instance i : catalog.agentServices()) {
            if (hostId.equals(i.meta().get(ServiceDefinitions.META_HOST))) {
                have.put(i.id(), i);
            }
        }
        for (Desired d : want.values()) {
            Instance i = have.get(d.registration().id());
            if (i == null || !d.registration().sameAs(i)) {
                catalog.register(d.registration());
                registered++;
            } else {
                try {
                    catalog.updateTtl(d.registration().checkId(), d.health(), output(d));
                    updated++;
                } catch (KvStoreException checkGone) {
                    // e.g. someone deleted the check by hand: registering again restores it
                    catalog.register(d.registration());
                    registered++;
                }
            }
        }
        for (String id : have.keySet()) {
            if (!want.containsKey(id)) {
                catalog.deregister(id);
                deregistered++;
            }
        }
        if (!catalogSwept) {
            deregistered += sweepOtherNodes(want);
            catalogSwept = true;
        }
        return new Report(registered, deregistered, updated);
    }

    /** Services of this host that the catalog holds on nodes other than our agent's. */
    private int sweepOtherNodes(Map<String, Desired> want) throws KvStoreException {
        String node = catalog.agentNode();
        int n = 0;
        for (Instance i : catalog.catalogServices(ServiceDefinitions.META_HOST, hostId)) {
            if (!node.equals(i.node())) {
                catalog.deregisterFromCatalog(i.node(), i.id());
                n++;
            }
        }
        return n;
    }

    /** Deletes every service of {@code deadHostId}; returns how many. */
    public synchronized int removeHostNow(String deadHostId) throws KvStoreException {
        if (deadHostId.equals(hostId)) {
            throw new IllegalArgumentException("host " + hostId + " cannot remove its own services as a dead host");
        }
        String node = catalog.agentNode();
        java.util.Set<String> done = new java.util.HashSet<>();
        for (Instance i : catalog.catalogServices(ServiceDefinitions.META_HOST, deadHostId)) {
            if (node.equals(i.node())) {
                catalog.deregister(i.id());
            } else {
                catalog.deregisterFromCatalog(i.node(), i.id());
            }
            done.add(i.node() + "/" + i.id());
        }
        // The catalog lags the agent by up to an anti-entropy round: also look at the agent itself.
        for (Instance i : catalog.agentServices()) {
            if (deadHostId.equals(i.meta().get(ServiceDefinitions.META_HOST)) && done.add(i.node() + "/" + i.id())) {
                catalog.deregister(i.id());
            }
        }
        return done.size();
    }

    private static String output(Desired d) {
        return "container " + d.registration().meta().get(ServiceDefinitions.META_CONTAINER_NAME) + " is "
                + (d.health() == ServiceCatalog.Health.PASSING ? "running" : "running, healthcheck "
                + d.health().wire());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
