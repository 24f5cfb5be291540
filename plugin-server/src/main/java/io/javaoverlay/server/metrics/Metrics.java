package io.javaoverlay.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every metric the daemon exports, in one registry of the Prometheus Java client (no global
 * state: tests make their own). Counters and histograms are fed by the decorators and listeners
 * of this package; gauges read {@link Feeds} at scrape time, which other components (the status
 * sources today, the membership component later) fill in. A feed that is not set reports nothing.
 */
public final class Metrics implements MembershipMetrics {
    /** Latency buckets from 1 ms (a local store read) to 30 s (a stuck call). */
    static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    final Counter pluginRequests;
    final Histogram pluginDuration;
    final Counter storeOps;
    final Histogram storeDuration;
    final Counter passes;
    final Histogram passDuration;
    final Counter actionsPlanned;
    final Counter actionsApplied;
    final Counter actionFailures;
    final Counter driftFound;
    final Counter ipamRequests;
    private final Counter deadHostsDetected;
    private final Feeds feeds = new Feeds();

    /**
     * Suppliers the gauges read at scrape time. Each returns label values → value; a supplier that
     * throws or returns null reports nothing for that scrape.
     */
    public static final class Feeds {
        volatile Supplier<Map<String, Double>> hostsByState;
        volatile Supplier<Map<String, double[]>> poolUsage;
        volatile BooleanSupplier servicesReady;
        volatile Supplier<double[]> reconcileState;
        volatile Supplier<Map<String, Double>> names;
        volatile Supplier<Map<String, Double>> dnsQueries;

        /** Hosts per liveness state ({@code alive}, {@code silent}, {@code dead}, {@code unknown}). */
        public void hostsByState(Supplier<Map<String, Double>> s) {
            hostsByState = s;
        }

        /** Per pool CIDR: {@code {capacity, used}}. */
        public void poolUsage(Supplier<Map<String, double[]>> s) {
            poolUsage = s;
        }

        /** True once the store-dependent services run. */
        public void servicesReady(BooleanSupplier s) {
            servicesReady = s;
        }

        /** Container names and services by kind ({@code published}, {@code cluster}, {@code services}). */
        public void names(Supplier<Map<String, Double>> s) {
            names = s;
        }

        /** Resolver queries since start by result ({@code received}, {@code answered}, {@code forwarded}, {@code dropped}). */
        public void dnsQueries(Supplier<Map<String, Double>> s) {
            dnsQueries = s;
        }

        /** {@code {peers programmed, drift entries left, unconverged networks}} over all networks. */
        void reconcileState(Supplier<double[]> s) {
            reconcileState = s;
        }
    }

    /** A registry with every javaoverlay metric; {@code version} goes into {@code javaoverlay_build_info}. */
    public Metrics(String version) {
        pluginRequests = Counter.builder().name("javaoverlay_plugin_requests")
                .help("Docker plugin API calls by endpoint and result (ok, client_error, error)")
                .labelNames("endpoint", "result").register(registry);
        pluginDuration = Histogram.builder().name("javaoverlay_plugin_request_duration_seconds")
                .help("Docker plugin API call latency by endpoint").labelNames("endpoint")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        storeOps = Counter.builder().name("javaoverlay_store_operations")
                .help("Key-value store operations by kind and result (ok, conflict, unavailable, error)")
                .labelNames("op", "result").register(registry);
        storeDuration = Histogram.builder().name("javaoverlay_store_operation_duration_seconds")
                .help("Key-value store operation latency by kind (blocking watches excluded)").labelNames("op")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        passes = Counter.builder().name("javaoverlay_reconcile_passes")
                .help("Reconcile passes by result (converged, failed, aborted)").labelNames("result").register(registry);
        passDuration = Histogram.builder().name("javaoverlay_reconcile_pass_duration_seconds")
                .help("Reconcile pass duration (store read, kernel dump, apply)")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        actionsPlanned = Counter.builder().name("javaoverlay_reconcile_actions_planned")
                .help("Kernel changes planned by reconcile passes").register(registry);
        actionsApplied = Counter.builder().name("javaoverlay_reconcile_actions_applied")
                .help("Kernel changes applied by reconcile passes").register(registry);
        actionFailures = Counter.builder().name("javaoverlay_reconcile_action_failures")
                .help("Kernel changes that failed (retried by a later pass)").register(registry);
        driftFound = Counter.builder().name("javaoverlay_reconcile_drift_found")
                .help("FDB and neighbour entries a pass found differing from the store (table: fdb, neigh)")
                .labelNames("table").register(registry);
        ipamRequests = Counter.builder().name("javaoverlay_ipam_requests")
                .help("IPAM allocations and releases by operation and result")
                .labelNames("op", "result").register(registry);
        deadHostsDetected = Counter.builder().name("javaoverlay_dead_hosts_detected")
                .help("Hosts this host declared dead (fed by the membership component)").register(registry);
        GaugeWithCallback.builder().name("javaoverlay_reconcile_drift_entries")
                .help("FDB and neighbour entries still differing from the store after each network's last pass")
                .callback(cb -> reconcile(1, cb)).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_peers_programmed")
                .help("Remote endpoints programmed (FDB + neighbour) on this host, over all networks")
                .callback(cb -> reconcile(0, cb)).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_reconcile_unconverged_networks")
                .help("Networks whose last reconcile pass did not converge")
                .callback(cb -> reconcile(2, cb)).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_hosts")
                .help("Hosts of the cluster by liveness state, as this host sees them").labelNames("state")
                .callback(cb -> {
                    Map<String, Double> m = read(feeds.hostsByState);
                    if (m != null) {
                        m.forEach((state, n) -> cb.call(n, state));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_ipam_pool_capacity_addresses")
                .help("Addresses a pool can hand out").labelNames("pool")
                .callback(cb -> pools(0, cb)).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_ipam_pool_used_addresses")
                .help("Addresses allocated in a pool (gateway included)").labelNames("pool")
                .callback(cb -> pools(1, cb)).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_names")
                .help("Container DNS names this host publishes (published) and answers from (cluster), and the"
                        + " services it keeps registered in Consul (services)").labelNames("kind")
                .callback(cb -> {
                    Map<String, Double> m = read(feeds.names);
                    if (m != null) {
                        m.forEach((kind, n) -> cb.call(n, kind));
                    }
                }).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("javaoverlay_dns_queries")
                .help("Queries the container resolver received, answered from the name table, relayed upstream,"
                        + " dropped by the per-source rate limit, or dropped otherwise (full queue, no answer due)")
                .labelNames("result")
                .callback(cb -> {
                    Map<String, Double> m = read(feeds.dnsQueries);
                    if (m != null) {
                        m.forEach((result, n) -> cb.call(n, result));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("javaoverlay_services_ready")
                .help("1 once the store-dependent services run, else 0")
                .callback(cb -> {
                    BooleanSupplier s = feeds.servicesReady;
                    if (s != null) {
                        cb.call(s.getAsBoolean() ? 1 : 0);
                    }
                }).register(registry);
        String v = Objects.requireNonNull(version, "version");
        GaugeWithCallback.builder().name("javaoverlay_build_info").help("The running javaoverlay version")
                .labelNames("version").callback(cb -> cb.call(1, v)).register(registry);
    }

    @Override
    public void hostsByState(Supplier<Map<String, Double>> feed) {
        feeds.hostsByState(feed);
    }

    /** Where gauges get their values. */
    public Feeds feeds() {
        return feeds;
    }

    /** Counts one host declared dead (the membership component calls this). */
    @Override
    public void deadHostDetected() {
        deadHostsDetected.inc();
    }

    /** The text exposition format's content type ({@code text/plain; version=0.0.4; charset=utf-8}). */
    public String contentType() {
        return writer.getContentType();
    }

    /** Writes a scrape in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** A scrape as text. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void reconcile(int index, GaugeWithCallback.Callback cb) {
        double[] v = read(feeds.reconcileState);
        if (v != null && v.length > index) {
            cb.call(v[index]);
        }
    }

    private void pools(int index, GaugeWithCallback.Callback cb) {
        Map<String, double[]> m = read(feeds.poolUsage);
        if (m != null) {
            m.forEach((pool, v) -> cb.call(v[index], pool));
        }
    }

    private static <T> T read(Supplier<T> s) {
        if (s == null) {
            return null;
        }
        try {
            return s.get();
        } catch (RuntimeException e) {
            return null; // a gauge without a value this scrape; the scrape itself must not fail
        }
    }
}
