package io.javaoverlay.server.metrics;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.Action;
import io.javaoverlay.vxlan.reconcile.Applier;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scrape parses strictly, and each counter moves when its event happens. */
class MetricsTest {
    @TempDir
    Path dir;

    final Metrics metrics = new Metrics("9.9.9");

    Map<String, Double> scrape() {
        return PromText.parse(metrics.scrape());
    }

    @Test
    void freshScrapeParsesAndCarriesTheVersion() {
        Map<String, Double> s = scrape();
        assertEquals(1.0, s.get("javaoverlay_build_info{version=\"9.9.9\"}"));
        assertEquals(0.0, s.get("javaoverlay_dead_hosts_detected_total"));
        assertNull(s.get("javaoverlay_services_ready"), "no feed, no value");
        assertTrue(metrics.contentType().startsWith("text/plain; version=0.0.4"), metrics.contentType());
    }

    @Test
    void pluginCallsAreCountedByEndpointAndResult() throws Exception {
        var app = PluginApplication.create(Services.of(new FakeIpamService(), new FakeClusterService()),
                DriverSettings.withScope("local"), 1 << 20);
        app.register(new PluginMetricsFilter(metrics));
        Path socket = dir.resolve("p.sock");
        UdsHttpServer server = UdsHttpServer.start(UdsListener.bind(socket), app);
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            assertEquals(200, c.exchange(dockerPost("/" + NetworkDriverApi.GET_CAPABILITIES, "")).status());
            assertEquals(200, c.exchange(dockerPost("/" + NetworkDriverApi.GET_CAPABILITIES, "")).status());
            assertEquals(404, c.exchange(dockerPost("/../../etc/passwd%00", "")).status());
            assertEquals(400, c.exchange(dockerPost("/" + IpamDriverApi.REQUEST_POOL, "{not json")).status());
        } finally {
            server.close();
        }
        Map<String, Double> s = scrape();
        assertEquals(2.0, s.get("javaoverlay_plugin_requests_total{endpoint=\"NetworkDriver.GetCapabilities\",result=\"ok\"}"), s.toString());
        assertEquals(1.0, s.get("javaoverlay_plugin_requests_total{endpoint=\"other\",result=\"client_error\"}"), s.toString());
        assertEquals(1.0, s.get("javaoverlay_plugin_requests_total{endpoint=\"IpamDriver.RequestPool\",result=\"client_error\"}"));
        assertEquals(2.0, s.get("javaoverlay_plugin_request_duration_seconds_count{endpoint=\"NetworkDriver.GetCapabilities\"}"));
        assertEquals(2.0, s.get("javaoverlay_plugin_request_duration_seconds_bucket{endpoint=\"NetworkDriver.GetCapabilities\",le=\"+Inf\"}"));
    }

    @Test
    void storeOperationsAreCountedByKindAndResult() throws Exception {
        try (KvStore store = new MeteredKvStore(LocalKvStore.open(dir.resolve("state")), metrics)) {
            store.putIfAbsent("a", "1".getBytes(StandardCharsets.UTF_8));
            assertThrows(CasConflictException.class, () -> store.putIfAbsent("a", "2".getBytes(StandardCharsets.UTF_8)));
            store.get("a");
            store.get("b");
            store.watch("a", 0, Duration.ofMillis(1));
        }
        Map<String, Double> s = scrape();
        assertEquals(1.0, s.get("javaoverlay_store_operations_total{op=\"put_if_absent\",result=\"ok\"}"), s.toString());
        assertEquals(1.0, s.get("javaoverlay_store_operations_total{op=\"put_if_absent\",result=\"conflict\"}"));
        assertEquals(2.0, s.get("javaoverlay_store_operations_total{op=\"get\",result=\"ok\"}"));
        assertEquals(2.0, s.get("javaoverlay_store_operation_duration_seconds_count{op=\"get\"}"));
        assertEquals(1.0, s.get("javaoverlay_store_operations_total{op=\"watch\",result=\"ok\"}"));
        assertNull(s.get("javaoverlay_store_operation_duration_seconds_count{op=\"watch\"}"), "a watch's wait is not latency");
    }

    @Test
    void reconcilePassesFeedCountersAndGauges() throws Exception {
        ReconcileMetrics rm = new ReconcileMetrics(metrics);
        MacAddress mac = MacAddress.parse("02:42:0a:00:00:02");
        IpAddress vtep = IpAddress.parse("198.18.0.12");
        Action fdb = new Action.FdbReplace("jo-vx-1", mac, vtep);
        Action neigh = new Action.NeighReplace("jo-vx-1", IpAddress.parse("10.0.0.2"), mac);
        Action up = new Action.SetUp("jo-br-1");
        rm.passFinished(new ReconcileReport("net1", List.of(up, fdb, neigh), new Applier.Result(List.of(
                new Applier.Outcome(up, Optional.empty()), new Applier.Outcome(fdb, Optional.of("EBUSY")),
                new Applier.Outcome(neigh, Optional.empty()))), Optional.empty()), Duration.ofMillis(12), 1);
        rm.passFinished(new ReconcileReport("net2", List.of(), new Applier.Result(List.of()), Optional.of("store unreachable")),
                Duration.ofMillis(3), 0);
        Map<String, Double> s = scrape();
        assertEquals(1.0, s.get("javaoverlay_reconcile_passes_total{result=\"failed\"}"), s.toString());
        assertEquals(1.0, s.get("javaoverlay_reconcile_passes_total{result=\"aborted\"}"));
        assertEquals(3.0, s.get("javaoverlay_reconcile_actions_planned_total"));
        assertEquals(2.0, s.get("javaoverlay_reconcile_actions_applied_total"));
        assertEquals(1.0, s.get("javaoverlay_reconcile_action_failures_total"));
        assertEquals(1.0, s.get("javaoverlay_reconcile_drift_found_total{table=\"fdb\"}"));
        assertEquals(1.0, s.get("javaoverlay_reconcile_drift_found_total{table=\"neigh\"}"));
        assertEquals(1.0, s.get("javaoverlay_reconcile_drift_entries"), "the failed FDB entry is still wrong");
        assertEquals(2.0, s.get("javaoverlay_reconcile_unconverged_networks"));
        assertEquals(1.0, s.get("javaoverlay_peers_programmed"));
        assertEquals(2.0, s.get("javaoverlay_reconcile_pass_duration_seconds_count"));
        assertEquals(0.015, s.get("javaoverlay_reconcile_pass_duration_seconds_sum"), 1e-9);
    }

    @Test
    void ipamAndMembershipFeeds() {
        FakeIpamService fake = new FakeIpamService();
        IpamService ipam = new MeteredIpamService(fake, metrics);
        ipam.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(IpPrefix.parse("10.1.0.0/24")), Optional.empty(), Map.of(), false));
        fake.failure = () -> new IllegalStateException("store down");
        assertThrows(IllegalStateException.class, () -> ipam.releasePool("x"));
        metrics.feeds().hostsByState(() -> Map.of("alive", 2.0, "dead", 1.0));
        metrics.feeds().poolUsage(() -> Map.of("10.1.0.0/24", new double[] {254, 3}));
        metrics.feeds().servicesReady(() -> true);
        metrics.deadHostDetected();
        Map<String, Double> s = scrape();
        assertEquals(1.0, s.get("javaoverlay_ipam_requests_total{op=\"request_pool\",result=\"ok\"}"), s.toString());
        assertEquals(1.0, s.get("javaoverlay_ipam_requests_total{op=\"release_pool\",result=\"error\"}"));
        assertEquals(2.0, s.get("javaoverlay_hosts{state=\"alive\"}"));
        assertEquals(1.0, s.get("javaoverlay_hosts{state=\"dead\"}"));
        assertEquals(254.0, s.get("javaoverlay_ipam_pool_capacity_addresses{pool=\"10.1.0.0/24\"}"));
        assertEquals(3.0, s.get("javaoverlay_ipam_pool_used_addresses{pool=\"10.1.0.0/24\"}"));
        assertEquals(1.0, s.get("javaoverlay_services_ready"));
        assertEquals(1.0, s.get("javaoverlay_dead_hosts_detected_total"));
        metrics.feeds().hostsByState(() -> {
            throw new IllegalStateException("store down");
        });
        assertNull(scrape().get("javaoverlay_hosts{state=\"alive\"}"), "a failing feed reports nothing, the scrape still works");
    }

    @Test
    void namesFeeds() {
        assertNull(scrape().get("javaoverlay_names{kind=\"published\"}"), "no feed, no value");
        metrics.feeds().names(() -> Map.of("published", 3.0, "cluster", 7.0, "services", 2.0));
        metrics.feeds().dnsQueries(() -> Map.of("received", 120.0, "answered", 40.0, "forwarded", 75.0, "rate_limited", 4.0, "dropped", 1.0));
        Map<String, Double> s = scrape();
        assertEquals(3.0, s.get("javaoverlay_names{kind=\"published\"}"), s.toString());
        assertEquals(7.0, s.get("javaoverlay_names{kind=\"cluster\"}"));
        assertEquals(2.0, s.get("javaoverlay_names{kind=\"services\"}"));
        assertEquals(120.0, s.get("javaoverlay_dns_queries_total{result=\"received\"}"));
        assertEquals(75.0, s.get("javaoverlay_dns_queries_total{result=\"forwarded\"}"));
    }

    @Test
    void theParserIsStrict() {
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("foo 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE foo gauge\nfoo{a=b} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("# TYPE foo gauge\nfoo one\n"));
        assertEquals(Map.of("foo{a=\"x\"y\"}", 1.0), PromText.parse("# TYPE foo gauge\nfoo{a=\"x\\\"y\"} 1\n"));
    }
}
