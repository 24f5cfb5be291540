package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static io.javaoverlay.server.e2e.OverlayProbe.pingUntilAnswered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.metrics.PromText;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 12's operator commands against a real cluster: two Docker 26 hosts with Consul, the real
 * daemon on each with its defaults (so the admin socket is {@code /run/javaoverlay/admin.sock}
 * inside each host), and {@code javaoverlay ...} run inside h1 as an operator would. After a
 * {@code docker run} on each host, {@code status}, {@code network inspect}, {@code ipam ls} and
 * {@code host ls} show the real state (container names included), the counters have moved, and
 * {@code ipam release} of a live container's address is refused. Then h2 vanishes: {@code status}
 * on h1 says it is dead, {@code host forget h2} frees its address, and its peer entries leave h1.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorCliDocker26IT {
    private static final System.Logger LOG = System.getLogger(OperatorCliDocker26IT.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private Testbed tb;
    private final Map<String, PluginProcess> plugins = new TreeMap<>();
    private String c2Ip;

    @BeforeAll
    void up() {
        Requirements.requireTestbed();
        tb = Testbed.up(2, Testbed.DockerVersion.V26, true);
        for (String h : List.of("h1", "h2")) {
            plugins.put(h, PluginProcess.start(tb, h, "operator26", "--store", "consul://" + tb.consulAddress(),
                    "--advertise-addr", tb.underlayIp(h), "--host-id", h));
        }
    }

    @AfterAll
    void down() {
        for (PluginProcess p : plugins.values()) {
            LOG.log(Level.INFO, "plugin log: " + p.log());
            p.close();
        }
        if (tb != null) {
            tb.close();
        }
    }

    /** {@code javaoverlay ARGS} inside {@code host}, against its default admin socket. */
    Testbed.Result cli(String host, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PluginProcess.launcher().toString()));
        cmd.addAll(List.of(args));
        return tb.exec(host, cmd.toArray(String[]::new));
    }

    JsonNode json(Testbed.Result r) {
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + r.describe(), e);
        }
    }

    @Test
    @Order(1)
    void theCommandsShowTheRealState() {
        tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay", "--subnet", "10.77.0.0/24", "ops");
        await(CONVERGE, "network ops on h2", () -> tb.docker("h2", "network", "inspect", "ops").ok()
                ? Optional.empty() : Optional.of("missing on h2"));
        tb.dockerOk("h1", "run", "-d", "--name", "c1", "--net", "ops", OverlayProbe.IMAGE, "sleep", "3600");
        tb.dockerOk("h2", "run", "-d", "--name", "c2", "--net", "ops", OverlayProbe.IMAGE, "sleep", "3600");
        c2Ip = tb.dockerOk("h2", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "c2");
        pingUntilAnswered(tb, "h1", "c1", c2Ip);

        // status: healthy once h1 has programmed c2 (a pass follows the store watch).
        await(CONVERGE, "status healthy on h1", () -> {
            Testbed.Result r = cli("h1", "status");
            return r.exitCode() == 0 ? Optional.empty() : Optional.of(r.describe());
        });
        JsonNode s = json(cli("h1", "status", "--json"));
        assertEquals("h1", s.path("host").path("hostId").asText());
        assertEquals(1400, s.path("host").path("underlayMtu").asInt(), "the testbed's eth0");
        assertEquals(Map.of("h1", "alive", "h2", "alive"), states(s.path("hosts")));
        JsonNode net = s.path("networks").get(0);
        assertEquals("ops", net.path("name").asText(), s.toString());
        assertEquals(List.of("h1", "h2"), texts(net.path("hosts")));
        JsonNode drift = s.path("drift").get(0);
        assertEquals(1, drift.path("desiredFdb").asInt(), drift.toString());
        assertEquals(1, drift.path("actualFdb").asInt(), drift.toString());
        assertEquals("ops", drift.path("name").asText());

        Testbed.Result inspect = cli("h1", "network", "inspect", "ops");
        assertEquals(0, inspect.exitCode(), inspect.describe());
        LOG.log(Level.INFO, "javaoverlay network inspect ops on h1:\n" + inspect.stdout());
        JsonNode eps = json(cli("h1", "network", "inspect", "ops", "--json")).path("endpoints");
        assertEquals(2, eps.size(), eps.toString());
        assertEquals("c1", byHost(eps, "h1").path("container").asText(), "h1's Docker names its container");
        assertEquals(c2Ip + "/24", byHost(eps, "h2").path("ipv4").asText());
        assertEquals("c2", byHost(json(cli("h2", "network", "inspect", "ops", "--json")).path("endpoints"), "h2")
                .path("container").asText());

        JsonNode pool = json(cli("h1", "ipam", "ls", "--json")).path("pools").get(0);
        assertEquals("10.77.0.0/24", pool.path("pool").asText());
        assertEquals(3, pool.path("used").asInt(), "gateway + c1 + c2: " + pool);
        assertEquals(251, pool.path("free").asInt());
        assertEquals("ops", pool.path("network").asText());

        Testbed.Result hosts = cli("h1", "host", "ls");
        assertEquals(0, hosts.exitCode(), hosts.describe());
        LOG.log(Level.INFO, "javaoverlay host ls on h1:\n" + hosts.stdout());

        Testbed.Result refused = cli("h1", "ipam", "release", c2Ip);
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("refusing to release " + c2Ip + ": endpoint ")
                && refused.stderr().contains(" on host h2 holds it"), refused.stderr());

        Testbed.Result scrape = tb.exec("h1", "curl", "-sf", "--unix-socket", "/run/javaoverlay/admin.sock", "http://admin/metrics");
        Map<String, Double> m = PromText.parse(scrape.requireOk().stdout());
        assertEquals(1.0, m.get("javaoverlay_plugin_requests_total{endpoint=\"NetworkDriver.CreateEndpoint\",result=\"ok\"}"));
        assertEquals(1.0, m.get("javaoverlay_plugin_requests_total{endpoint=\"NetworkDriver.Join\",result=\"ok\"}"));
        assertTrue(m.get("javaoverlay_peers_programmed") >= 1.0, scrape.stdout());
        assertEquals(2.0, m.get("javaoverlay_hosts{state=\"alive\"}"), scrape.stdout());
    }

    @Test
    @Order(2)
    void aVanishedHostIsShownDeadAndCanBeForgotten() {
        tb.vanish("h2");
        long t0 = System.nanoTime();
        await(Duration.ofSeconds(60), "h2 dead in status on h1", () -> {
            Testbed.Result r = cli("h1", "status", "--json");
            return r.exitCode() == 1 && "dead".equals(states(json(r).path("hosts")).get("h2")) ? Optional.empty()
                    : Optional.of(r.describe());
        });
        LOG.log(Level.INFO, "h2 shown dead on h1 after " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
        Testbed.Result forgot = cli("h1", "host", "forget", "h2");
        assertEquals(0, forgot.exitCode(), forgot.describe());
        LOG.log(Level.INFO, "javaoverlay host forget h2: " + forgot.stdout());
        Testbed.Result again = cli("h1", "host", "forget", "h2");
        assertEquals(1, again.exitCode(), again.describe());
        assertTrue(again.stderr().contains("host h2 is not known"), "a repeat finds nothing left: " + again.describe());
        JsonNode pool = json(cli("h1", "ipam", "ls", "--json")).path("pools").get(0);
        assertEquals(2, pool.path("used").asInt(), "c2's address is free: " + pool);
        await(CONVERGE, "c2's neighbour entry gone from h1", () -> {
            String neigh = tb.exec("h1", "ip", "neigh", "show").stdout();
            return neigh.contains(c2Ip + " ") ? Optional.of(neigh) : Optional.empty();
        });
        await(CONVERGE, "status healthy on h1 again", () -> {
            Testbed.Result r = cli("h1", "status");
            return r.exitCode() == 0 ? Optional.empty() : Optional.of(r.describe());
        });
    }

    static Map<String, String> states(JsonNode hosts) {
        Map<String, String> m = new TreeMap<>();
        hosts.forEach(h -> m.put(h.path("hostId").asText(), h.path("state").asText()));
        return m;
    }

    static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    static JsonNode byHost(JsonNode endpoints, String host) {
        for (JsonNode e : endpoints) {
            if (e.path("hostId").asText().equals(host)) {
                return e;
            }
        }
        throw new AssertionError("no endpoint of " + host + " in " + endpoints);
    }
}
