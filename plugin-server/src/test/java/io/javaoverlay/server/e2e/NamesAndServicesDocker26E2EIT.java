package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.IMAGE;
import static io.javaoverlay.server.e2e.OverlayProbe.address;
import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static io.javaoverlay.server.e2e.OverlayProbe.consulKeys;
import static io.javaoverlay.server.e2e.OverlayProbe.json;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 13 end to end on three Docker 26 hosts with the testbed's Consul: every daemon runs with
 * {@code --dns-addr auto --dns-upstream ROGUE --service-registration true}, and every dockerd has
 * {@code "dns": [its host address]} in daemon.json (restarted once), which is the documented setup.
 * The testbed's "host resolver" is a small resolver in the rogue namespace (198.18.0.250): a
 * single-label name is NXDOMAIN there, any other name is 192.0.2.53.
 * <ul>
 *   <li>names: a container on h2 reaches c1 on h1 by name, alias and {@code c1.NETWORK} (ping, TCP);
 *   one on another javaoverlay network cannot resolve c1; external names come from the upstream; a
 *   local name comes from Docker (a name held by a container on h1 and one on h2 resolves to the local
 *   one only); after {@code docker rm -f c1} the name fails within 2 s. Then 20 timed runs: name
 *   available on h2 after {@code docker run} on h1 returned, and gone after {@code docker rm -f}
 *   returned (p50/p99 printed);</li>
 *   <li>services: labelled {@code web} containers on h1, h2, h3 and a registrator-style
 *   {@code SERVICE_NAME=api} container are in Consul's catalog and Consul DNS with their overlay
 *   addresses and ports; {@code docker stop} removes one within 2 s; a plugin restart on h2 leaves its
 *   services exact (a planted orphan of h2 is removed, nothing is duplicated); {@code testbed vanish
 *   h3} removes h3's services and names within the dead-host time.</li>
 * </ul>
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamesAndServicesDocker26E2EIT {
    private static final System.Logger LOG = System.getLogger(NamesAndServicesDocker26E2EIT.class.getName());
    private static final String NET = "names";
    private static final String OTHER = "othernet";
    private static final String UPSTREAM_ANSWER = "192.0.2.53";
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    private static final Duration GONE_LIMIT = Duration.ofSeconds(2);
    /** Dead after 6 s of silence and a failed VTEP probe; the removal follows at once. */
    private static final Duration DEAD_LIMIT = Duration.ofSeconds(20);
    private static final int TIMED_RUNS = 20;

    private OverlayCluster c;
    private Testbed tb;
    private RogueHost rogue;
    private Process upstream;
    private String consul;

    @BeforeAll
    void up() throws Exception {
        c = OverlayCluster.up(3, Testbed.DockerVersion.V26, "names", "--dns-addr", "auto",
                "--dns-upstream", RogueHost.IP4, "--service-registration", "true");
        tb = c.tb();
        consul = "http://" + tb.consulAddress();
        rogue = tb.rogue();
        Path log = PluginProcess.logDir().resolve("names-upstream.log");
        Files.deleteIfExists(log);
        upstream = new ProcessBuilder(Testbed.script().toString(), "rogue", "exec", "java", "-cp", classpath(),
                "io.javaoverlay.server.dns.FakeUpstreamMain", RogueHost.IP4, "53")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await(Duration.ofSeconds(30), "the testbed resolver on " + RogueHost.IP4, () -> {
            try {
                return Files.readString(log).contains("fake upstream resolver on") ? Optional.empty()
                        : Optional.of(Files.readString(log));
            } catch (IOException e) {
                return Optional.of(e.toString());
            }
        });
        // The one setting per host: daemon.json "dns" names the host's own address (where --dns-addr auto serves).
        for (String h : tb.hostNames()) {
            Files.writeString(Testbed.stateDir().resolve(h).resolve("etc-docker/daemon.json"),
                    "{ \"dns\": [\"" + tb.underlayIp(h) + "\"] }\n");
            tb.dockerdRestart(h, false);
        }
        c.createNetwork("h1", NET, "198.18.120.0/24");
        c.createNetwork("h1", OTHER, "198.18.121.0/24");
    }

    @AfterAll
    void down() {
        if (upstream != null) {
            upstream.destroyForcibly();
        }
        if (rogue != null) {
            rogue.close();
        }
        if (c != null) {
            c.close();
        }
    }

    /** Test classes and the plugin's libraries (dnsjava), for the helper mains run in the testbed. */
    private static String classpath() {
        Path module = PluginProcess.repoRoot().resolve("plugin-server").resolve("target");
        return module.resolve("test-classes") + ":" + module.resolve("lib") + "/*";
    }

    private Testbed.Result exec(String host, String container, String... cmd) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(Arrays.asList(cmd));
        return tb.docker(host, args.toArray(String[]::new));
    }

    /** The IPv4 addresses busybox nslookup printed for {@code name} (after the server lines). */
    private static Set<String> addresses(Testbed.Result r) {
        Set<String> out = new TreeSet<>();
        boolean answers = false;
        for (String line : r.stdout().lines().toList()) {
            if (line.startsWith("Name:")) {
                answers = true;
            } else if (answers && line.startsWith("Address:")) {
                String a = line.substring("Address:".length()).trim();
                if (a.matches("[0-9.]+")) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** The addresses {@code nslookup NAME} prints (busybox's exit status is not relied on: A and AAAA differ). */
    private Set<String> resolve(String host, String container, String name) {
        return addresses(exec(host, container, "nslookup", name));
    }

    @Test
    @Order(1)
    void namesResolveAcrossHostsPerNetworkAndGoWithTheContainer() throws Exception {
        String c1id = run(tb, "h1", "c1", NET, List.of("--network-alias", "web-alias"), "httpd", "-f", "-p", "80", "-h", "/etc");
        String c1 = address(tb, "h1", "c1", NET);
        run(tb, "h2", "p2", NET, List.of(), "sleep", "1d");
        run(tb, "h2", "o2", OTHER, List.of(), "sleep", "1d");

        await(CONVERGE, "c1 resolvable on h2", () -> resolve("h2", "p2", "c1").equals(Set.of(c1))
                ? Optional.empty() : Optional.of(exec("h2", "p2", "nslookup", "c1").describe()));
        assertEquals(Set.of(c1), resolve("h2", "p2", "web-alias"), "the --network-alias resolves the same way");
        assertEquals(Set.of(c1), resolve("h2", "p2", "c1." + NET), "and the NAME.NETWORK form");
        for (String name : List.of("c1", "web-alias")) {
            Testbed.Result ping = exec("h2", "p2", "ping", "-c", "1", "-W", "3", name);
            assertTrue(ping.ok() && ping.stdout().contains(c1), "ping " + name + " from h2: " + ping.describe());
        }
        Testbed.Result tcp = exec("h2", "p2", "wget", "-q", "-O", "-", "http://c1/hostname");
        assertTrue(tcp.ok() && c1id.startsWith(tcp.stdout().strip()), "TCP to c1 by name from h2: " + tcp.describe());

        Testbed.Result other = exec("h2", "o2", "nslookup", "c1");
        assertEquals(Set.of(), addresses(other), "a container on " + OTHER + " must not resolve c1: " + other.describe());
        assertEquals(Set.of(UPSTREAM_ANSWER), resolve("h2", "o2", "example.org"),
                "it still resolves external names through the host's resolver");
        assertEquals(Set.of(UPSTREAM_ANSWER), resolve("h2", "p2", "example.org"), "external names from the upstream");

        // A container also on Docker's bridge network: its default route (and so its queries to the
        // host's resolver) leaves through the bridge, from its bridge address, not docker_gwbridge's.
        run(tb, "h2", "b2", NET, List.of(), "sleep", "1d");
        tb.dockerOk("h2", "network", "connect", "bridge", "b2");
        await(CONVERGE, "c1 resolvable on h2 from a container also on the bridge network",
                () -> resolve("h2", "b2", "c1").equals(Set.of(c1))
                        ? Optional.empty() : Optional.of(exec("h2", "b2", "nslookup", "c1").describe()));

        // Local names come from Docker: "dup" exists on h1 and on h2; javaoverlay would answer both addresses.
        run(tb, "h1", "dup", NET, List.of(), "sleep", "1d");
        run(tb, "h2", "dup", NET, List.of(), "sleep", "1d");
        String dup1 = address(tb, "h1", "dup", NET);
        String dup2 = address(tb, "h2", "dup", NET);
        await(CONVERGE, "dup of h2 resolvable on h1", () -> resolve("h1", "c1", "dup").equals(Set.of(dup1))
                ? Optional.empty() : Optional.of("h1 resolves dup to " + resolve("h1", "c1", "dup")));
        assertEquals(Set.of(dup2), resolve("h2", "p2", "dup"), "h2's own dup, answered by Docker");

        // javaoverlay status on h2 shows the resolver at work.
        Testbed.Result st = tb.exec("h2", PluginProcess.launcher().toString(), "status", "--json");
        JsonNode names = json(st.stdout()).path("host").path("names");
        assertTrue(names.path("dnsServing").asBoolean(false), "status names: " + names + "\n" + st.describe());
        assertTrue(names.path("publishedNames").asInt() >= 3, "h2 publishes p2, o2 and dup: " + names);
        assertTrue(names.path("clusterNames").asInt() >= 5, "c1, p2, o2 and both dups: " + names);
        assertTrue(names.path("dnsAnswered").asLong() > 0 && names.path("dnsForwarded").asLong() > 0, names.toString());
        assertTrue(names.path("services").isMissingNode() || names.path("services").asInt() == 0, names.toString());

        Process gone = waitUntil("h2", "p2", "c1", false);
        long t0 = System.nanoTime();
        tb.dockerOk("h1", "rm", "-f", "c1");
        long afterRm = System.nanoTime();
        long ms = finish(gone, afterRm, Duration.ofSeconds(15));
        report("c1 stopped resolving on h2 " + ms + " ms after docker rm -f returned (rm took "
                + (afterRm - t0) / 1_000_000 + " ms)");
        assertTrue(ms <= GONE_LIMIT.toMillis(), "c1 must stop resolving within " + GONE_LIMIT + ", took " + ms + " ms");
    }

    @Test
    @Order(2)
    void timedRunsNameAvailableAndGone() throws Exception {
        List<Long> up = new ArrayList<>();
        List<Long> gone = new ArrayList<>();
        for (int i = 0; i < TIMED_RUNS; i++) {
            String name = "t" + i;
            Process waiter = waitUntil("h2", "p2", name, true);
            PluginProcess.sleep(1000); // the loop is running before the container exists
            tb.dockerOk("h1", "run", "-d", "--name", name, "--net", NET, IMAGE, "sleep", "1d");
            up.add(finish(waiter, System.nanoTime(), CONVERGE));
            waiter = waitUntil("h2", "p2", name, false);
            PluginProcess.sleep(500);
            tb.dockerOk("h1", "rm", "-f", name);
            gone.add(finish(waiter, System.nanoTime(), CONVERGE));
        }
        report("name resolvable on h2 after docker run on h1 returned (ms, " + TIMED_RUNS + " runs): " + stats(up)
                + " " + up);
        report("name gone on h2 after docker rm -f on h1 returned (ms, " + TIMED_RUNS + " runs): " + stats(gone)
                + " " + gone);
        JsonNode names = json(tb.exec("h2", PluginProcess.launcher().toString(), "status", "--json").stdout())
                .path("host").path("names");
        report("h2's resolver after the runs: " + names);
        assertEquals(0, names.path("dnsRateLimited").asLong(-1), "the paced loops stay under the per-source limit, so"
                + " the times are propagation and not Docker's retry: " + names);
        assertTrue(Collections.max(gone) <= GONE_LIMIT.toMillis(), "every removal within " + GONE_LIMIT + ": " + gone);
    }

    @Test
    @Order(3)
    void servicesAreRegisteredWithOverlayAddressesAndFollowContainersRestartsAndDeadHosts() throws Exception {
        List<String> web = List.of("-l", "javaoverlay.service=web", "-l", "javaoverlay.service.port=80",
                "-l", "javaoverlay.service.tags=blue");
        TreeMap<String, String> want = new TreeMap<>(); // service ID → address:port
        for (String h : List.of("h1", "h2", "h3")) {
            String id = run(tb, h, "web-" + h, NET, web, "httpd", "-f", "-p", "80", "-h", "/etc");
            want.put("javaoverlay:" + h + ":" + id.substring(0, 12) + ":80", address(tb, h, "web-" + h, NET) + ":80");
        }
        String apiId = run(tb, "h2", "api", NET, List.of("-e", "SERVICE_NAME=api", "--expose", "8080"), "sleep", "1d");
        String api = "javaoverlay:h2:" + apiId.substring(0, 12) + ":8080";
        String apiAt = address(tb, "h2", "api", NET) + ":8080";

        await(CONVERGE, "web on h1, h2, h3 in the catalog", () -> catalog("web").equals(want) ? Optional.empty()
                : Optional.of("catalog: " + catalog("web") + ", want " + want));
        await(CONVERGE, "api (SERVICE_NAME) in the catalog", () -> catalog("api").equals(new TreeMap<>(java.util.Map.of(api, apiAt)))
                ? Optional.empty() : Optional.of("catalog: " + catalog("api")));
        JsonNode entry = json(curl("/v1/catalog/service/web")).get(0);
        assertEquals("[\"blue\"]", entry.path("ServiceTags").toString());
        assertTrue(entry.path("ServiceMeta").path("javaoverlay-host").isTextual(), entry.toString());
        Set<String> webIps = new TreeSet<>();
        want.values().forEach(v -> webIps.add(v.substring(0, v.indexOf(':'))));
        await(CONVERGE, "web.service.consul over Consul DNS", () -> consulDns("web.service.consul", "A").equals(webIps)
                ? Optional.empty() : Optional.of("A: " + consulDns("web.service.consul", "A")));
        Set<String> srv = consulDns("web.service.consul", "SRV");
        assertEquals(3, srv.size(), "SRV: " + srv);
        srv.forEach(s -> assertTrue(s.split(" ")[2].equals("80"), "SRV port 80: " + s));

        // docker stop removes the instance.
        String web2 = want.keySet().stream().filter(k -> k.startsWith("javaoverlay:h2:")).findFirst().orElseThrow();
        tb.dockerOk("h2", "stop", "-t", "1", "web-h2");
        long t0 = System.nanoTime();
        long ms = -1;
        while (System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos()) {
            if (!catalog("web").containsKey(web2)) {
                ms = (System.nanoTime() - t0) / 1_000_000;
                break;
            }
            PluginProcess.sleep(50);
        }
        report("web-h2 left the catalog " + ms + " ms after docker stop returned");
        assertTrue(ms >= 0 && ms <= GONE_LIMIT.toMillis(), "web-h2 must leave the catalog within " + GONE_LIMIT
                + " (took " + ms + " ms)");
        tb.dockerOk("h2", "start", "web-h2");
        want.put(web2, address(tb, "h2", "web-h2", NET) + ":80");
        await(CONVERGE, "web-h2 back in the catalog", () -> catalog("web").equals(want) ? Optional.empty()
                : Optional.of("catalog: " + catalog("web")));

        // Plugin restart on h2, with an orphan of h2 planted while it is down: exactly h2's services afterwards.
        c.stop("h2");
        String orphan = "javaoverlay:h2:0123456789ab:80";
        curlOk("-X", "PUT", "--data", "{\"ID\":\"" + orphan + "\",\"Name\":\"web\",\"Address\":\"198.18.120.250\","
                + "\"Port\":80,\"Meta\":{\"javaoverlay-host\":\"h2\"}}", consul + "/v1/agent/service/register");
        assertTrue(catalogOrWait("web", orphan), "the planted orphan is in the catalog");
        c.start("h2");
        await(CONVERGE, "after h2's restart: web exactly as before (orphan gone, no duplicates)",
                () -> catalog("web").equals(want) && json(curl("/v1/catalog/service/web")).size() == want.size()
                        ? Optional.empty() : Optional.of("catalog: " + catalog("web")));
        assertEquals(new TreeMap<>(java.util.Map.of(api, apiAt)), catalog("api"), "api untouched by the restart");

        // h3 vanishes: its instance and its names go within the dead-host time.
        String web3 = want.keySet().stream().filter(k -> k.startsWith("javaoverlay:h3:")).findFirst().orElseThrow();
        assertFalse(consulKeys(tb, "javaoverlay/").stream().noneMatch(k -> k.contains("names/h3/")),
                "h3 published names: " + consulKeys(tb, "javaoverlay/"));
        long v0 = System.nanoTime();
        tb.vanish("h3");
        c.forget("h3");
        want.remove(web3);
        long dead = -1;
        while (System.nanoTime() - v0 < Duration.ofSeconds(60).toNanos()) {
            try {
                if (catalog("web").equals(want)
                        && consulKeys(tb, "javaoverlay/").stream().noneMatch(k -> k.contains("names/h3/"))) {
                    dead = (System.nanoTime() - v0) / 1_000_000;
                    break;
                }
            } catch (IllegalStateException unreachable) {
                // h1 lost Consul for a moment while the underlay bridge dropped h3's port; ask again
                LOG.log(Level.INFO, "reading the catalog from h1 failed: " + unreachable.getMessage().strip());
            }
            PluginProcess.sleep(200);
        }
        report("h3's service and names removed " + dead + " ms after the vanish began");
        assertTrue(dead >= 0 && dead <= DEAD_LIMIT.toMillis(), "h3's services and names must go within " + DEAD_LIMIT
                + " (took " + dead + " ms; catalog " + catalog("web") + ")");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Starts, in the background, a loop in {@code container} that queries {@code name} until it
     * resolves ({@code appear}) or until it no longer does; {@link #finish} times it.
     */
    private Process waitUntil(String host, String container, String name, boolean appear) {
        // Paced at 10 ms: each round is an A and an AAAA query from the container's one source address, and the
        // resolver drops a source beyond 500 q/s (burst 1000); an unpaced loop reaches that and then measures
        // Docker's retry instead of the name's propagation.
        String test = "nslookup " + name + " 2>/dev/null | grep -q 'Address:.*198[.]18[.]120[.]'";
        String loop = (appear ? "until " : "while ") + test + "; do usleep 10000; done";
        try {
            return new ProcessBuilder(Testbed.script().toString(), "docker", host, "exec", container, "sh", "-c", loop)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the loop to end; returns the ms from {@code since} (negative: it ended before). */
    private static long finish(Process loop, long since, Duration limit) throws InterruptedException {
        if (!loop.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            loop.destroyForcibly();
            fail("the name did not change within " + limit);
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String stats(List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        long p50 = s.get((int) Math.ceil(0.50 * s.size()) - 1);
        long p99 = s.get((int) Math.ceil(0.99 * s.size()) - 1);
        return "p50 " + p50 + ", p99 " + p99 + ", min " + s.get(0) + ", max " + s.get(s.size() - 1);
    }

    private static void report(String line) {
        LOG.log(Level.INFO, line);
        System.out.println("NamesAndServicesDocker26E2EIT " + line);
    }

    private String curl(String path) {
        return tb.exec("h1", "curl", "-sS", "--max-time", "5", consul + path).requireOk().stdout();
    }

    private void curlOk(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "5"));
        cmd.addAll(Arrays.asList(args));
        tb.exec("h1", cmd.toArray(String[]::new)).requireOk();
    }

    /** {@code /v1/catalog/service/NAME}: service ID → address:port. */
    private TreeMap<String, String> catalog(String service) {
        TreeMap<String, String> out = new TreeMap<>();
        for (JsonNode e : json(curl("/v1/catalog/service/" + service))) {
            out.put(e.path("ServiceID").asText(), e.path("ServiceAddress").asText() + ":" + e.path("ServicePort").asInt());
        }
        return out;
    }

    private boolean catalogOrWait(String service, String id) {
        return OverlayProbe.within(Duration.ofSeconds(10), id + " in the catalog", () -> catalog(service).containsKey(id)
                ? Optional.empty() : Optional.of("absent")).isEmpty();
    }

    /** Consul DNS (port 8600) asked from h1: A → addresses, SRV → "PRIORITY WEIGHT PORT TARGET". */
    private Set<String> consulDns(String name, String type) {
        String server = tb.consulAddress().substring(0, tb.consulAddress().lastIndexOf(':'));
        Testbed.Result r = tb.exec("h1", "java", "-cp", classpath(), "io.javaoverlay.server.dns.DnsAsk", server, "8600",
                name, type);
        Set<String> out = new TreeSet<>();
        for (String line : r.requireOk().stdout().lines().toList()) {
            if (line.startsWith(type + " ")) {
                out.add(line.substring(type.length() + 1).trim());
            }
        }
        return out;
    }
}
