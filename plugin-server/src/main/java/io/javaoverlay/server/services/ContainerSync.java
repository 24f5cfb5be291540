package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.server.dns.LocalContainerIndex;
import io.javaoverlay.server.dns.NamePublisher;
import io.javaoverlay.server.dns.NameRecord;
import io.javaoverlay.server.dns.NameRecords;
import io.javaoverlay.server.dns.NameRecords.OverlayNetwork;
import io.javaoverlay.server.docker.ContainerInspect;
import io.javaoverlay.server.docker.DockerView;
import io.javaoverlay.server.docker.LocalContainer;
import io.javaoverlay.server.docker.LocalEndpoint;
import io.javaoverlay.server.docker.LocalNetwork;
import io.javaoverlay.types.IpAddress;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Turns this host's Docker view into what the names and services features publish: the
 * {@link NameRecord}s of every local endpoint on a javaoverlay network ({@link NamePublisher}), the
 * resolver's source-address index ({@link LocalContainerIndex}) and the services labelled containers
 * ask for ({@link ServiceRegistrar}). Each part is optional (null = off).
 *
 * <p>It is a {@link DockerView.Listener} that only records the newest snapshot and wakes its own thread
 * ({@code jo-names}); the store and Consul round trips run there, never on the view's thread and never in
 * a plugin handler. A pass also runs every {@code period}, so a failed write, or a record deleted while
 * this host was judged dead, is restored. Only complete snapshots are acted on: an incomplete one could
 * withdraw names of containers that still run.
 *
 * <p>Dead hosts ({@link #hostsDead}): their name records and services are removed once per death. Every
 * live host does it; both removals are idempotent.
 */
public final class ContainerSync implements DockerView.Listener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ContainerSync.class.getName());
    /** A backstop when the plugin dies and the agent lives on. */
    static final Duration DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(1);

    /** Reads the docker_gwbridge address of each local container (container ID → address). */
    @FunctionalInterface
    public interface Gateways {
        Map<String, IpAddress> read() throws IOException;
    }

    /** What the last pass published, for status and metrics. */
    public record Counts(long passes, int localNames, int localContainers, int services) {
    }

    private final String hostId;
    private final Function<String, String> clusterIdOf;
    private final Gateways gateways;
    private final NamePublisher publisher;
    private final LocalContainerIndex index;
    private final ServiceRegistrar registrar;
    private final Duration period;
    private final Duration serviceTtl;
    private final ScheduledExecutorService thread;
    private final AtomicReference<DockerView.Snapshot> latest = new AtomicReference<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Set<String> handledDead = new HashSet<>();     // only the jo-names thread
    private final Set<String> reported = new LinkedHashSet<>();  // problems logged once
    private final Map<String, IpAddress> gatewayCache = new HashMap<>();
    private volatile Counts counts = new Counts(0, 0, 0, 0);
    private Set<ServiceDefinitions.Desired> lastWanted; // null until the registrar was told once
    private String lastProblem;

    /**
     * @param hostId      this host
     * @param clusterIdOf a local Docker network ID → its cluster network ID (may read the store)
     * @param gateways    reads docker_gwbridge's containers (only when the view lacks an address)
     * @param publisher   writes this host's name records; null = names off
     * @param index       the resolver's source index; null = no resolver on this host
     * @param registrar   the Consul registrar; null = registration off
     * @param period      the safety-net pass
     * @param serviceTtl  TTL of each service's check
     */
    public ContainerSync(String hostId, Function<String, String> clusterIdOf, Gateways gateways, NamePublisher publisher,
                         LocalContainerIndex index, ServiceRegistrar registrar, Duration period, Duration serviceTtl) {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.clusterIdOf = Objects.requireNonNull(clusterIdOf, "clusterIdOf");
        this.gateways = Objects.requireNonNull(gateways, "gateways");
        this.publisher = publisher;
        this.index = index;
        this.registrar = registrar;
        this.period = Objects.requireNonNull(period, "period");
        this.serviceTtl = Objects.requireNonNull(serviceTtl, "serviceTtl");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-names");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the periodic pass (and the registrar's heartbeat). */
    public void start() {
        if (registrar != null) {
            registrar.start();
        }
        long ms = Math.max(1000, period.toMillis());
        thread.scheduleWithFixedDelay(this::passQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void changed(DockerView.Snapshot snapshot) {
        latest.set(snapshot);
        if (pending.compareAndSet(false, true)) {
            run(() -> {
                pending.set(false);
                passQuietly();
            });
        }
    }

    /**
     * The hosts now DEAD. Each one not handled since it last died loses its name records and services
     * (on this object's thread; returns at once). A host that is no longer listed may die again later.
     */
    public void hostsDead(Set<String> dead) {
        Set<String> now = Set.copyOf(dead);
        run(() -> handleDead(now));
    }

    /** {@link #hostsDead} on the caller's thread (tests). */
    void handleDead(Set<String> now) {
        handledDead.retainAll(now);
        for (String h : now) {
            if (!h.equals(hostId) && !handledDead.contains(h)) {
                removeHost(h);
                handledDead.add(h);
            }
        }
    }

    /** Records {@code s} as the newest snapshot without waking the thread (tests drive {@link #pass()}). */
    void offer(DockerView.Snapshot s) {
        latest.set(s);
    }

    /** Removes a host's names and services now (the dead-host collector's hook; idempotent). */
    public void removeHost(String deadHost) {
        if (deadHost.equals(hostId)) {
            return;
        }
        if (publisher != null) {
            try {
                publisher.removeHost(deadHost);
            } catch (KvStoreException e) {
                LOG.log(Level.WARNING, "could not remove the container names of dead host " + deadHost + ": "
                        + e.getMessage() + "; the dead-host collector tries again");
            }
        }
        if (registrar != null) {
            registrar.removeHost(deadHost);
        }
    }

    /** What the last pass published. */
    public Counts counts() {
        return counts;
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closed) {
            // stopping: the next start resyncs everything
        }
    }

    private void passQuietly() {
        try {
            pass();
            if (lastProblem != null) {
                LOG.log(Level.INFO, "container names and services of host " + hostId + " are published again");
                lastProblem = null;
            }
        } catch (KvStoreException | RuntimeException e) {
            String why = e.getMessage();
            if (!Objects.equals(why, lastProblem)) {
                LOG.log(Level.WARNING, "publishing the container names of host " + hostId + " failed (" + why
                        + "); retrying every " + period.toSeconds() + " s and after each Docker change");
                lastProblem = why;
            }
        }
    }

    /** One pass over the newest complete snapshot (package-private for tests). */
    void pass() throws KvStoreException {
        DockerView.Snapshot s = latest.get();
        if (s == null || !s.complete()) {
            return;
        }
        Map<String, OverlayNetwork> overlays = new HashMap<>();
        for (LocalNetwork n : s.networks().values()) {
            overlays.put(n.id(), new OverlayNetwork(clusterIdOf.apply(n.id()), n.name()));
        }
        List<ContainerInspect> containers = inspects(s);
        List<NameRecord> names = new ArrayList<>();
        if (publisher != null) {
            for (ContainerInspect c : containers) {
                names.addAll(NameRecords.of(hostId, c, overlays));
            }
            publisher.publish(names);
        }
        int local = 0;
        if (index != null) {
            Map<String, IpAddress> gw = gatewaysOf(s);
            List<LocalContainerIndex.Entry> entries = new ArrayList<>();
            for (ContainerInspect c : containers) {
                List<IpAddress> others = new ArrayList<>();
                if (gw.get(c.id()) != null) {
                    others.add(gw.get(c.id()));
                }
                LocalContainer lc = s.containers().get(c.id());
                if (lc != null) {
                    lc.addresses().forEach(a -> IpAddress.tryParse(a).ifPresent(others::add));
                }
                NameRecords.entry(c, overlays, others).ifPresent(entries::add);
            }
            index.replaceAll(entries);
            local = entries.size();
        }
        int services = 0;
        if (registrar != null) {
            List<ServiceDefinitions.Desired> wanted = new ArrayList<>();
            for (ContainerInspect c : containers) {
                ServiceDefinitions.Result r = ServiceDefinitions.of(hostId, c, overlays, serviceTtl,
                        DEREGISTER_CRITICAL_AFTER);
                wanted.addAll(r.services());
                r.problems().forEach(this::reportOnce);
            }
            Set<ServiceDefinitions.Desired> now = Set.copyOf(wanted);
            if (!now.equals(lastWanted)) {
                registrar.update(wanted); // its own heartbeat keeps the checks alive in between
                lastWanted = now;
            }
            services = wanted.size();
        }
        counts = new Counts(counts.passes() + 1, names.size(), local, services);
    }

    /**
     * The docker_gwbridge address of every local container: from the view when it has it, else from
     * {@code GET /networks/docker_gwbridge} (Docker hides that network from a container's inspect), read
     * only when a container is not in the cache yet. Addresses of containers that are gone are dropped.
     */
    private Map<String, IpAddress> gatewaysOf(DockerView.Snapshot s) {
        gatewayCache.keySet().retainAll(s.containers().keySet());
        boolean missing = false;
        for (LocalContainer c : s.containers().values()) {
            Optional<IpAddress> a = Optional.ofNullable(c.gwbridgeAddress()).flatMap(IpAddress::tryParse);
            if (a.isPresent()) {
                gatewayCache.put(c.id(), a.get());
            } else if (c.running() && !gatewayCache.containsKey(c.id())) {
                missing = true;
            }
        }
        if (missing) {
            try {
                Map<String, IpAddress> read = gateways.read();
                for (String id : s.containers().keySet()) {
                    IpAddress a = read.get(id);
                    if (a != null) {
                        gatewayCache.put(id, a);
                    }
                }
            } catch (IOException e) {
                reportOnce("cannot read docker_gwbridge (" + e.getMessage() + "); DNS queries of new containers"
                        + " are answered as from an unknown source until it is read");
            }
        }
        return Map.copyOf(gatewayCache);
    }

    private void reportOnce(String problem) {
        if (reported.add(problem)) {
            LOG.log(Level.WARNING, problem);
            if (reported.size() > 1000) {
                reported.remove(reported.iterator().next());
            }
        }
    }

    /** The view's containers in the form the name and service builders read. */
    static List<ContainerInspect> inspects(DockerView.Snapshot s) {
        Map<String, Map<String, ContainerInspect.Attachment>> attached = new HashMap<>();
        for (LocalNetwork n : s.networks().values()) {
            for (LocalEndpoint e : n.endpoints().values()) {
                attached.computeIfAbsent(e.containerId(), k -> new TreeMap<>()).put(n.name(),
                        new ContainerInspect.Attachment(n.id(), e.endpointId(), address(e.ipv4()), address(e.ipv6()),
                                e.aliases()));
            }
        }
        List<ContainerInspect> out = new ArrayList<>();
        for (LocalContainer c : s.containers().values()) {
            out.add(new ContainerInspect(c.id(), c.name(), c.labels(), c.serviceEnv(), c.exposedPorts(), c.running(),
                    c.health().isEmpty() ? null : c.health(), attached.getOrDefault(c.id(), Map.of())));
        }
        return out;
    }

    private static IpAddress address(String cidr) {
        if (cidr == null) {
            return null;
        }
        int slash = cidr.indexOf('/');
        return IpAddress.tryParse(slash < 0 ? cidr : cidr.substring(0, slash)).orElse(null);
    }

    /** Stops the thread and the registrar (registrations stay: a restart re-syncs them). */
    @Override
    public void close() {
        thread.shutdownNow();
        if (registrar != null) {
            registrar.close();
        }
    }

    /** Counts as text for logs. */
    @Override
    public String toString() {
        Counts c = counts;
        return "container sync of " + hostId + ": " + c.localNames() + " names, " + c.localContainers()
                + " indexed containers, " + c.services() + " services";
    }
}
