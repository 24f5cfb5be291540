package io.javaoverlay.server.status;

import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.reconcile.DriftCheck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds {@code GET /v1/status}: this host (with one timed, cheap store read), the hosts, the
 * networks, the drift per network on this host, recent errors, and the health verdict
 * ({@link HealthRules}). When the store does not answer, the store-dependent sections are left
 * empty rather than waiting on each of them.
 */
public final class StatusService implements AutoCloseable {
    /** A status must come back quickly even when the store hangs. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final AdminContext ctx;
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "admin-store-probe");
        t.setDaemon(true);
        return t;
    });

    public StatusService(AdminContext ctx) {
        this.ctx = ctx;
    }

    /** The whole status. */
    public StatusModel.Status status() {
        ctx.awaitStarted();                 // typed the instant the socket appeared: answer once started
        boolean starting = ctx.starting();
        Optional<AdminContext.Live> live = ctx.live();
        StatusModel.StoreHealth store = live.map(this::probe)
                .orElse(new StatusModel.StoreHealth(false, null, (starting ? "not connected yet (starting): "
                        : "not connected: ") + ctx.services()));
        StatusModel.ThisHost host = thisHost(live, store);
        List<StatusModel.HostView> hosts = List.of();
        List<StatusModel.NetworkView> networks = List.of();
        List<StatusModel.NetworkDrift> drift = List.of();
        List<String> unreadable = new ArrayList<>();
        if (live.isPresent() && store.reachable()) {
            Map<String, String> names = Map.of();
            Map<String, Integer> perHost = Map.of();
            try {
                Inventory inv = new Inventory(live.get());
                networks = inv.networks();
                names = inv.names();
                perHost = inv.endpointsPerHost();
            } catch (OverlayException e) {
                unreadable.add("networks: " + e.getMessage());
            }
            hosts = hosts(live.get(), perHost, unreadable);
            drift = drift(live.get(), names);
        }
        StatusModel.Health health = HealthRules.evaluate(host, hosts, drift, unreadable, starting);
        return new StatusModel.Status(health, host, hosts, networks, drift, ctx.errors().entries());
    }

    private StatusModel.StoreHealth probe(AdminContext.Live l) {
        long t0 = System.nanoTime();
        Future<?> f = probes.submit(() -> l.store().get(io.javaoverlay.server.cluster.ClusterKeys.host(l.hostId())));
        try {
            f.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new StatusModel.StoreHealth(true, (System.nanoTime() - t0) / 1e6, null);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new StatusModel.StoreHealth(false, null, "no answer within " + PROBE_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StatusModel.StoreHealth(false, null, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            return new StatusModel.StoreHealth(false, null, c.getMessage() == null ? c.toString() : c.getMessage());
        }
    }

    private StatusModel.ThisHost thisHost(Optional<AdminContext.Live> live, StatusModel.StoreHealth store) {
        var c = ctx.config();
        Instant started = ctx.startedAt();
        return new StatusModel.ThisHost(
                live.map(AdminContext.Live::hostId).or(c::hostId).orElse(null),
                live.map(l -> l.vtep().toString()).orElse(null),
                live.flatMap(AdminContext.Live::underlay).map(u -> u.deviceName()).orElse(null),
                live.flatMap(AdminContext.Live::underlay).map(u -> u.mtu()).orElse(null),
                live.flatMap(AdminContext.Live::containerMtu).orElse(null),
                ctx.version(), started.toString(), Duration.between(started, Instant.now()).toSeconds(), c.scope(),
                c.store().toString(), store, ctx.services(), ConfigView.of(c), ctx.names());
    }

    private List<StatusModel.HostView> hosts(AdminContext.Live l, Map<String, Integer> perHost, List<String> unreadable) {
        Map<String, HostsSource.Host> known;
        try {
            known = l.hosts().hosts();
        } catch (Exception e) {
            unreadable.add("hosts: " + e.getMessage());
            return List.of();
        }
        List<StatusModel.HostView> out = new ArrayList<>();
        known.values().forEach(h -> out.add(view(h, perHost.getOrDefault(h.hostId(), 0), h.hostId().equals(l.hostId()))));
        return out;
    }

    /** One host as the API shows it. */
    public static StatusModel.HostView view(HostsSource.Host h, int endpoints, boolean self) {
        return new StatusModel.HostView(h.hostId(), h.state().label(), h.vtep().orElse(null), h.hostname().orElse(null),
                h.lastBeatAge().map(d -> d.toMillis() / 1000.0).orElse(null), h.since().map(Instant::toString).orElse(null),
                endpoints, self);
    }

    private List<StatusModel.NetworkDrift> drift(AdminContext.Live l, Map<String, String> names) {
        List<StatusModel.NetworkDrift> out = new ArrayList<>();
        for (DriftCheck.Drift d : l.drift().drift()) {
            Optional<StatusModel.LastPass> last = ctx.passes().view(d.networkId());
            if (!d.local() && d.otherActions() == 0 && d.error().isEmpty()
                    && last.map(StatusModel.LastPass::converged).orElse(true)) {
                continue; // nothing wanted here and nothing left to undo: not this host's business
            }
            out.add(new StatusModel.NetworkDrift(d.networkId(), names.get(d.networkId()), d.vni(), d.local(),
                    d.desiredFdb(), d.actualFdb(), d.desiredNeigh(), d.actualNeigh(), d.missingFdb(), d.extraFdb(),
                    d.missingNeigh(), d.extraNeigh(), d.otherActions(), d.error().orElse(null), last.orElse(null)));
        }
        return out;
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
