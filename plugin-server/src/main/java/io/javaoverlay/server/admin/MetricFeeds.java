package io.javaoverlay.server.admin;

import io.javaoverlay.server.metrics.Metrics;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.Inventory;
import io.javaoverlay.server.status.StatusModel;
import io.javaoverlay.server.status.StatusService;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Feeds the gauges that need store reads (hosts by liveness, pool capacity and use) without ever
 * making a scrape wait for the store: a scrape reports the last known values and, when they are
 * older than {@link #MAX_AGE}, asks one background thread to refresh them. Admin calls that read
 * the same data ({@code host ls}, {@code ipam ls}) refresh them too.
 */
public final class MetricFeeds implements AutoCloseable {
    static final Duration MAX_AGE = Duration.ofSeconds(15);

    private final AdminContext ctx;
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "metrics-refresh");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Map<String, Double> hosts;
    private volatile Map<String, double[]> pools;
    private volatile long refreshedAt;

    /** Registers the feeds on the context's metrics. */
    public MetricFeeds(AdminContext ctx) {
        this.ctx = ctx;
        Metrics.Feeds f = ctx.metrics().feeds();
        f.hostsByState(() -> {
            maybeRefresh();
            return hosts;
        });
        f.poolUsage(() -> {
            maybeRefresh();
            return pools;
        });
        f.servicesReady(() -> "ready".equals(ctx.services()));
        f.names(() -> {
            StatusModel.Names n = ctx.names();
            if (n == null) {
                return null;
            }
            Map<String, Double> m = new TreeMap<>();
            put(m, "published", n.publishedNames());
            put(m, "cluster", n.clusterNames());
            put(m, "services", n.services());
            return m;
        });
        f.dnsQueries(() -> {
            StatusModel.Names n = ctx.names();
            if (n == null || n.dnsQueries() == null) {
                return null;
            }
            return Map.of("received", (double) n.dnsQueries(), "answered", (double) n.dnsAnswered(),
                    "forwarded", (double) n.dnsForwarded(), "rate_limited", (double) n.dnsRateLimited(),
                    "dropped", (double) n.dnsDropped());
        });
    }

    private static void put(Map<String, Double> m, String key, Number value) {
        if (value != null) {
            m.put(key, value.doubleValue());
        }
    }

    /** New host views (from an admin call). */
    void hosts(List<StatusModel.HostView> views) {
        Map<String, Double> m = new TreeMap<>();
        for (String s : List.of("alive", "silent", "dead", "unknown")) {
            m.put(s, 0.0);
        }
        views.forEach(v -> m.merge(v.state(), 1.0, Double::sum));
        hosts = m;
    }

    /** New pool views (from an admin call). */
    void pools(List<StatusModel.PoolView> views) {
        Map<String, double[]> m = new HashMap<>();
        views.forEach(p -> m.put(p.pool(), new double[] {p.capacity().doubleValue(), p.used()}));
        pools = m;
    }

    private void maybeRefresh() {
        long now = System.nanoTime();
        if (refreshedAt != 0 && now - refreshedAt < MAX_AGE.toNanos()) {
            return;
        }
        if (ctx.live().isEmpty() || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    refresh();
                } finally {
                    refreshedAt = System.nanoTime();
                    refreshing.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            refreshing.set(false);
        }
    }

    private void refresh() {
        AdminContext.Live live = ctx.live().orElse(null);
        if (live == null || !"ready".equals(ctx.services())) {
            return;
        }
        try {
            Inventory inv = new Inventory(live);
            pools(inv.pools(false));
            Map<String, Integer> perHost = inv.endpointsPerHost();
            hosts(live.hosts().hosts().values().stream()
                    .map(h -> StatusService.view(h, perHost.getOrDefault(h.hostId(), 0), false)).toList());
        } catch (Exception e) {
            // keep the last values; the next scrape tries again after MAX_AGE
        }
    }

    /** Refreshes now and waits (tests). */
    void refreshNow() {
        refresh();
        refreshedAt = System.nanoTime();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
