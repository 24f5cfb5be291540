package io.javaoverlay.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javaoverlay.server.docker.UnixHttpClient;
import io.javaoverlay.server.status.StatusModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI against a fake admin socket: rendering, JSON output, exit codes, usage and help. */
class CliTest {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final List<String> requests = new ArrayList<>();
    Path connectedTo;

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    /** Runs the CLI against a socket answering {@code status} with {@code body}. */
    int run(int status, Object body, Map<String, String> env, String... args) {
        return Cli.run(List.of(args), env, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), socket -> {
                    connectedTo = socket;
                    return (method, path, b) -> {
                        requests.add(method + " " + path + (b == null || b.length == 0 ? "" : " " + new String(b, StandardCharsets.UTF_8)));
                        return new UnixHttpClient.Response(status, JSON.writeValueAsBytes(body));
                    };
                });
    }

    int run(Object body, String... args) {
        return run(200, body, Map.of(), args);
    }

    static StatusModel.Status status(List<String> reasons) {
        var host = new StatusModel.ThisHost("h1", "198.18.0.11", "eth0", 1400, 1350, "0.1.0", "2026-01-01T00:00:00Z", 3725,
                "local", "consul://198.18.0.1:8500/javaoverlay/v1/", new StatusModel.StoreHealth(true, 2.25, null), "ready",
                Map.of("store", "consul://198.18.0.1:8500/javaoverlay/v1/", "consul-token", "********"));
        var hosts = List.of(new StatusModel.HostView("h1", "alive", "198.18.0.11", "jo-h1", null, "2026-01-01T00:00:00Z", 2, true),
                new StatusModel.HostView("h2", "dead", "198.18.0.12", null, 42.0, null, 1, false));
        var nets = List.of(new StatusModel.NetworkView("c".repeat(64), "multihost", List.of("d".repeat(64)), 7,
                List.of("10.77.0.0/24"), null, List.of("h1", "h2"), 3));
        var drift = List.of(new StatusModel.NetworkDrift("c".repeat(64), "multihost", 7, true, 1, 0, 1, 1, 1, 0, 0, 0, 0, null,
                new StatusModel.LastPass("2026-01-01T00:00:05Z", 3.5, 2, 2, 0, true, null)));
        var errors = List.of(new StatusModel.ErrorEntry("2026-01-01T00:00:06Z", "WARN", "HostRegistry", "cannot register host h1 yet"));
        return new StatusModel.Status(new StatusModel.Health(reasons.isEmpty(), reasons), host, hosts, nets, drift, errors);
    }

    @Test
    void statusShowsNamesAndServicesWhenOn() {
        StatusModel.Status base = status(List.of());
        StatusModel.ThisHost h = base.host();
        var host = new StatusModel.ThisHost(h.hostId(), h.vtep(), h.underlayDevice(), h.underlayMtu(), h.containerMtu(),
                h.version(), h.startedAt(), h.uptimeSeconds(), h.scope(), h.store(), h.storeHealth(), h.services(), h.config(),
                new StatusModel.Names(3, 7, true, 120L, 40L, 75L, 4L, 1L, 2));
        assertEquals(Cli.OK, run(new StatusModel.Status(base.health(), host, base.hosts(), base.networks(), base.drift(),
                base.errors()), "status"));
        assertTrue(out().contains("names     DNS serving, 3 local names, 7 in the cluster; queries 120 (answered 40, "
                + "forwarded 75, rate-limited 4, dropped 1); 2 services registered in Consul\n"), out());
        assertEquals(Cli.OK, run(status(List.of()), "status"));
        assertEquals(1, out().split("\nnames     ", -1).length - 1, "no names row when both features are off");
    }

    @Test
    void healthyStatusExitsZeroAndShowsEverySection() {
        assertEquals(Cli.OK, run(status(List.of()), "status"));
        assertEquals(List.of("GET /v1/status"), requests);
        String o = out();
        assertTrue(o.startsWith("javaoverlay 0.1.0 on host h1: healthy\n"), o);
        assertTrue(o.contains("VTEP      198.18.0.11 on eth0 (MTU 1400, containers 1350)\n"), o);
        assertTrue(o.contains("uptime    1h02m (since 2026-01-01T00:00:00Z)\n"), o);
        assertTrue(o.contains("store     consul://198.18.0.1:8500/javaoverlay/v1/  reachable, read in 2.3 ms\n"), o);
        assertTrue(o.contains("--consul-token=********"), o);
        // columns line up: every row of the hosts table starts its STATE column at the same offset
        assertTrue(o.contains("HOST            STATE  VTEP         HOSTNAME  LAST BEAT  SINCE                 ENDPOINTS\n"
                + "h1 (this host)  alive  198.18.0.11  jo-h1     -          2026-01-01T00:00:00Z  2\n"
                + "h2              dead   198.18.0.12  -         42s ago    -                     1\n"), o);
        assertTrue(o.contains("multihost  cccccccccccc  7    10.77.0.0/24  auto  3          h1,h2\n"), o);
        assertTrue(o.contains("multihost  7    1/0            1/1              1      2026-01-01T00:00:05Z (3.5 ms)  converged (2 applied)\n"), o);
        assertTrue(o.contains("2026-01-01T00:00:06Z  WARN   HostRegistry  cannot register host h1 yet\n"), o);
        assertEquals("", err());
    }

    @Test
    void degradedStatusExitsOneWithReasonsFirst() {
        assertEquals(Cli.DEGRADED, run(status(List.of("host h2 is dead (no beat for 42 s)")), "status"));
        assertTrue(out().startsWith("javaoverlay 0.1.0 on host h1: DEGRADED\n  - host h2 is dead (no beat for 42 s)\n"), out());
    }

    @Test
    void aDaemonStillStartingSaysStartingNotUnreachable() throws IOException {
        StatusModel.Status base = status(List.of());
        StatusModel.ThisHost h = base.host();
        var host = new StatusModel.ThisHost(h.hostId(), null, null, null, null, h.version(), h.startedAt(), 0, h.scope(),
                "file:///var/lib/javaoverlay", new StatusModel.StoreHealth(false, null,
                "not connected yet (starting): connecting to the store file:///var/lib/javaoverlay"),
                "connecting to the store file:///var/lib/javaoverlay", h.config());
        var starting = new StatusModel.Status(new StatusModel.Health(false, true, List.of("the daemon is starting (up 0 s):"
                + " connecting to the store file:///var/lib/javaoverlay; run status again in a moment")), host,
                List.of(), List.of(), List.of(), List.of());
        assertEquals(Cli.DEGRADED, run(starting, "status"));
        assertTrue(out().startsWith("javaoverlay 0.1.0 on host h1: STARTING\n  - the daemon is starting (up 0 s):"), out());
        assertTrue(out().contains("store     file:///var/lib/javaoverlay  not connected yet (starting): connecting"), out());
        assertFalse(out().contains("UNREACHABLE"), out());
        outBytes.reset();
        assertEquals(Cli.DEGRADED, run(starting, "status", "--json"));
        assertTrue(JSON.readTree(out()).path("health").path("starting").asBoolean(), out());
        // A started daemon's document carries no "starting" field at all.
        outBytes.reset();
        assertEquals(Cli.OK, run(status(List.of()), "status", "--json"));
        assertFalse(JSON.readTree(out()).path("health").has("starting"), out());
        assertTrue(JSON.readTree(out()).path("health").has("healthy"), out());
    }

    @Test
    void jsonIsTheApiDocument() throws IOException {
        assertEquals(Cli.DEGRADED, run(status(List.of("x")), "status", "--json"));
        var tree = JSON.readTree(out());
        assertEquals("h1", tree.path("host").path("hostId").asText());
        assertEquals(false, tree.path("health").path("healthy").asBoolean());
    }

    @Test
    void networkPoolAndHostCommandsCallTheirPaths() {
        var detail = new StatusModel.NetworkDetail(status(List.of()).networks().get(0), List.of(
                new StatusModel.EndpointView("e".repeat(64), "h1", "10.77.0.2/24", null, "02:42:0a:4d:00:02", "web", true)));
        assertEquals(Cli.OK, run(detail, "network", "inspect", "multi host"));
        assertTrue(out().contains("h1    web        10.77.0.2/24  -     02:42:0a:4d:00:02  eeeeeeeeeeee\n"), out());
        var pools = new StatusModel.PoolList(List.of(new StatusModel.PoolView("10.77.0.0_24_0a0b0c0d", "10.77.0.0/24", null,
                "multihost", "c".repeat(64), "JavaOverlayLocal", "10.77.0.1", List.of(new StatusModel.Holder("h1", "t")),
                BigInteger.valueOf(254), 4, BigInteger.valueOf(250))));
        assertEquals(Cli.OK, run(pools, "ipam", "ls"));
        assertTrue(out().contains("10.77.0.0/24  multihost  10.77.0.1  4     250   254       h1       10.77.0.0_24_0a0b0c0d\n"), out());
        assertEquals(Cli.OK, run(new StatusModel.HostList(status(List.of()).hosts()), "host", "ls"));
        assertEquals(List.of("GET /v1/networks/multi+host", "GET /v1/ipam/pools", "GET /v1/hosts"), requests);
    }

    @Test
    void refusalsExitOneWithTheDaemonsSentence() {
        assertEquals(Cli.DEGRADED, run(409, new StatusModel.ErrorBody("refusing to release 10.77.0.2: endpoint e of network n on host h1 holds it"),
                Map.of(), "ipam", "release", "10.77.0.2"));
        assertEquals(List.of("POST /v1/ipam/release {\"address\":\"10.77.0.2\"}"), requests);
        assertEquals("javaoverlay: refusing to release 10.77.0.2: endpoint e of network n on host h1 holds it\n", err());
        assertEquals("", out());
    }

    @Test
    void forgetPassesForceOnlyWhenAsked() {
        var report = new StatusModel.ForgetReport("h2", 3, 3, 1, List.of(), 1, List.of(), true);
        assertEquals(Cli.OK, run(report, "host", "forget", "h2"));
        assertEquals(Cli.OK, run(report, "host", "forget", "--force", "h2"));
        assertEquals(List.of("POST /v1/hosts/h2/forget", "POST /v1/hosts/h2/forget?force=true"), requests);
        assertTrue(out().startsWith("forgot host h2: 3 endpoint records, 3 addresses released, 1 pool holders removed"), out());
    }

    @Test
    void unreachableDaemonExitsThree() {
        int code = Cli.run(List.of("status"), Map.of(), new PrintStream(outBytes), new PrintStream(errBytes, true, StandardCharsets.UTF_8),
                socket -> (m, p, b) -> {
                    throw new ConnectException("Connection refused");
                });
        assertEquals(Cli.UNREACHABLE, code);
        assertTrue(err().startsWith("javaoverlay: cannot reach the daemon on its admin socket /run/javaoverlay/admin.sock: Connection refused\n"), err());
    }

    @Test
    void adminSocketComesFromFlagElseEnvironment() {
        run(200, status(List.of()), Map.of("JAVAOVERLAY_ADMIN_SOCKET", "/env/a.sock"), "status");
        assertEquals(Path.of("/env/a.sock"), connectedTo);
        run(200, status(List.of()), Map.of("JAVAOVERLAY_ADMIN_SOCKET", "/env/a.sock"), "status", "--admin-socket=/flag/a.sock");
        assertEquals(Path.of("/flag/a.sock"), connectedTo);
    }

    @Test
    void usageErrorsExitTwoWithoutCallingTheDaemon() {
        assertEquals(Cli.USAGE, run(null, "network"));
        assertEquals(Cli.USAGE, run(null, "network", "rm", "x"));
        assertEquals(Cli.USAGE, run(null, "network", "inspect"));
        assertEquals(Cli.USAGE, run(null, "ipam", "release", "a", "b"));
        assertEquals(Cli.USAGE, run(null, "status", "extra"));
        assertEquals(Cli.USAGE, run(null, "status", "--verbose"));
        assertEquals(Cli.USAGE, run(null, "ipam", "ls", "--force"));
        assertEquals(Cli.USAGE, run(null, "status", "--admin-socket", "relative.sock"));
        assertEquals(List.of(), requests);
        assertTrue(err().contains("javaoverlay: unknown command 'network rm'\nTry 'javaoverlay network --help'.\n"), err());
    }

    @Test
    void everySubcommandHasHelp() {
        for (String[] cmd : List.of(new String[] {"status"}, new String[] {"network", "ls"}, new String[] {"network", "inspect"},
                new String[] {"ipam", "ls"}, new String[] {"ipam", "release"}, new String[] {"host", "ls"},
                new String[] {"host", "forget"})) {
            outBytes.reset();
            List<String> args = new ArrayList<>(List.of(cmd));
            args.add("--help");
            assertEquals(Cli.OK, run(null, args.toArray(String[]::new)));
            assertTrue(out().startsWith("Usage: javaoverlay " + String.join(" ", cmd)), out());
            assertTrue(out().contains("--admin-socket PATH"), out());
        }
        outBytes.reset();
        assertEquals(Cli.OK, run(null, "ipam", "--help"));
        assertTrue(out().contains("Usage: javaoverlay ipam ls") && out().contains("Usage: javaoverlay ipam release ADDR"), out());
        assertEquals(List.of(), requests);
    }

    @Test
    void ages() {
        assertEquals("42s", Render.age(42));
        assertEquals("3m05s", Render.age(185));
        assertEquals("2h07m", Render.age(7620));
        assertEquals("3d04h", Render.age(3 * 86400 + 4 * 3600));
    }
}
