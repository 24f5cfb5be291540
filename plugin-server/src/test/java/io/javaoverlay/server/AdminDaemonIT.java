package io.javaoverlay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javaoverlay.server.metrics.PromText;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UnderlayNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real daemon ({@code bin/javaoverlay daemon}) in a throw-away network namespace with a real
 * Consul agent, driven through Docker's call sequence on its plugin socket, and the real CLI
 * ({@code bin/javaoverlay status|network|ipam|host}) against its admin socket: the admin socket is
 * 0600 in a 0700 directory and refuses other users; no TCP port without {@code --metrics-addr};
 * a host whose records the test writes the way its daemon would have (and its heartbeat) is programmed
 * while it beats, and a hand-deleted FDB entry of it shows as drift; once it stops beating it is DEAD
 * in {@code status} and {@code host ls} and its peers are withdrawn; {@code ipam release} of an
 * endpoint's address is refused; {@code host forget} frees the dead host's records and addresses; the
 * metrics move; and with {@code --metrics-addr} a scrape over TCP works.
 */
@Tag("privileged")
@Tag("consul")
class AdminDaemonIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NID = "a".repeat(64);
    static final String EID = "b".repeat(64);
    static final String GHOST_EID = "c".repeat(64);
    static final String GHOST_MAC = "02:42:c6:12:05:32";

    @TempDir
    Path dir;
    UnderlayNamespace underlay;
    String ns;
    String prefix;
    Process daemon;
    Path adminSocket;

    @BeforeEach
    void namespace() throws Exception {
        underlay = UnderlayNamespace.create("AdminDaemonIT's network namespace");
        ns = underlay.name();
        prefix = ns + "/";
        adminSocket = dir.resolve("run/javaoverlay/admin.sock");
    }

    @AfterEach
    void cleanup() throws Exception {
        UnderlayNamespace.stop(daemon);
        if (underlay != null) {
            underlay.close();
        }
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        return UnderlayNamespace.sh(cmd);
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    /** {@code bin/javaoverlay ARGS --admin-socket ...} in the root namespace, as an operator runs it. */
    Run cli(List<String> prefixCmd, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefixCmd);
        cmd.add(DaemonProcessIT.launcher().toString());
        cmd.addAll(List.of(args));
        cmd.add("--admin-socket");
        cmd.add(adminSocket.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = dir.resolve("cli.out");
        Path err = dir.resolve("cli.err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "CLI did not finish: " + cmd);
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Run cli(String... args) throws Exception {
        return cli(List.of(), Map.of(), args);
    }

    String post(Path socket, String path, String body) throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            UdsHttpClient.Response r = c.exchange(dockerPost(path, body));
            assertEquals(200, r.status(), path + " -> " + r.body());
            return r.body();
        }
    }

    void startConsul() throws Exception {
        underlay.startConsul(dir.resolve("consul.log"));
    }

    String consulKv(String... args) throws Exception {
        return underlay.consulKv(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    Process startDaemon(String store, String... extra) throws Exception {
        Process p = launchDaemon(store, extra);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(dir.resolve("daemon.log")).contains("Daemon: ready: serving")) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                fail("daemon did not get ready:\n" + Files.readString(dir.resolve("daemon.log")));
            }
            Thread.sleep(100);
        }
        return p;
    }

    /** Starts the daemon and returns the instant its plugin socket answers (not waiting for "ready"). */
    Process launchDaemon(String store, String... extra) throws Exception {
        List<String> cmd = underlay.exec(DaemonProcessIT.launcher().toString(), "daemon",
                "--socket", dir.resolve("javaoverlay.sock").toString(), "--store", store, "--advertise-addr", UnderlayNamespace.VTEP,
                "--admin-socket", adminSocket.toString(), "--docker-host", "unix://" + dir.resolve("no-docker.sock"));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
        pb.environment().remove("CONSUL_HTTP_ADDR");
        pb.environment().remove("CONSUL_HTTP_TOKEN");
        Process p = pb.start();
        DaemonProcessIT.awaitAnswer(dir.resolve("javaoverlay.sock"), p);
        return p;
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("daemon.log"));
    }

    @Test
    void cliShowsTheRealStateAndGuardsItsChanges() throws Exception {
        startConsul();
        daemon = startDaemon("consul://" + UnderlayNamespace.CONSUL_ADDR + "/" + prefix);
        // The admin socket: root only, and no TCP port without --metrics-addr.
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adminSocket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adminSocket.getParent())));
        PluginSocket.assertNoTcpListener(daemon.pid());
        Run nobody = cli(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                Map.of("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()), "status");
        assertEquals(3, nobody.exit(), nobody.out() + nobody.err());
        assertTrue(nobody.err().contains("cannot reach the daemon on its admin socket"), nobody.err());

        // Docker's sequence for one container on this host.
        Path socket = dir.resolve("javaoverlay.sock");
        String pool = post(socket, "/" + IpamDriverApi.REQUEST_POOL,
                "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"198.18.5.0/24\",\"SubPool\":\"\",\"Options\":null,\"V6\":false}");
        String poolId = pool.replaceAll(".*\"PoolID\":\"([^\"]+)\".*", "$1");
        post(socket, "/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"" + poolId
                + "\",\"Address\":\"\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}");
        post(socket, "/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"" + NID + "\",\"Options\":{\"com.docker.network.generic\":{}},"
                + "\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Gateway\":\"198.18.5.1/24\",\"Pool\":\"198.18.5.0/24\"}],\"IPv6Data\":[]}");
        String addr = post(socket, "/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":null}")
                .replaceAll(".*\"Address\":\"([^\"]+)\".*", "$1");
        post(socket, "/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID
                + "\",\"Interface\":{\"Address\":\"" + addr + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{}}");
        post(socket, "/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + EID
                + "\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\",\"Options\":{}}");

        // A host "ghost": its records as its daemon wrote them (endpoint, address claim, pool holder,
        // alias), and its heartbeat, which the test writes while the ghost lives.
        GhostBeat beat = new GhostBeat();
        beat.start();
        consulKv("put", prefix + "endpoints/" + NID + "/" + GHOST_EID, "{\"networkId\":\"" + NID + "\",\"endpointId\":\"" + GHOST_EID
                + "\",\"hostId\":\"ghost\",\"vtep\":\"198.18.0.99\",\"mac\":\"" + GHOST_MAC + "\",\"ipv4\":\"198.18.5.50/24\"}");
        consulKv("put", prefix + "ipam/addrs/" + poolId + "/198.18.5.50", "{\"kind\":\"address\",\"host\":\"ghost\",\"since\":1}");
        consulKv("put", prefix + "netalias/ghost/" + "d".repeat(64), NID);
        ObjectNode rec = (ObjectNode) JSON.readTree(consulKv("get", prefix + "ipam/pools/198.18.5.0_24"));
        rec.withArray("holders").addObject().put("host", "ghost").put("since", 1);
        consulKv("put", prefix + "ipam/pools/198.18.5.0_24", rec.toString());
        String fdb = awaitOutput(() -> sh("ip", "netns", "exec", ns, "bridge", "fdb", "show", "dev", "jo-vx-1"),
                s -> s.contains(GHOST_MAC + " dst 198.18.0.99"), "the ghost's FDB entry");

        // While the ghost lives: no drift; then an FDB entry deleted by hand shows until a pass repairs it.
        Run alive = awaitRun(() -> cli("status", "--json"), r -> r.exit() == 0, "status healthy with the ghost alive");
        JsonNode drift = alive.json().path("drift").get(0);
        assertEquals(1, drift.path("desiredFdb").asInt(), drift.toString());
        assertEquals(1, drift.path("actualFdb").asInt(), drift.toString());
        assertEquals(0, drift.path("missingFdb").asInt() + drift.path("missingNeigh").asInt());
        assertTrue(drift.path("lastPass").path("converged").asBoolean(), drift.toString());
        sh("ip", "netns", "exec", ns, "bridge", "fdb", "del", GHOST_MAC, "dev", "jo-vx-1", "dst", "198.18.0.99", "self");
        System.out.println("javaoverlay status (FDB entry deleted by hand):\n" + cli("status").out());
        Run drifted = cli("status", "--json");
        assertEquals(1, drifted.exit());
        assertEquals(1, drifted.json().path("drift").get(0).path("missingFdb").asInt(), drifted.out());
        assertTrue(texts(drifted.json().path("health").path("reasons")).stream()
                .anyMatch(r -> r.contains("1 FDB/neighbour entries differ from the store (1 FDB missing")), drifted.out());

        // The ghost dies (no more heartbeats, its VTEP does not answer): DEAD after --dead-host-timeout
        // and the failed probes; its peers are withdrawn, its records stay until it is collected.
        beat.stop();
        Run status = awaitRun(() -> cli("status", "--json"), r -> r.exit() == 1
                && reasons(r).size() == 1
                && reasons(r).get(0).matches("host ghost is dead \\(no beat for \\d+ s\\); it still owns 1 endpoint records"),
                "the ghost dead");
        JsonNode s = status.json();
        assertEquals("198.18.0.1", s.path("host").path("vtep").asText());
        assertEquals("jo-und0", s.path("host").path("underlayDevice").asText());
        assertEquals(1500, s.path("host").path("underlayMtu").asInt());
        assertTrue(s.path("host").path("storeHealth").path("reachable").asBoolean(), s.toString());
        assertEquals("ready", s.path("host").path("services").asText());
        assertEquals(Map.of("198.18.0.1", "alive", "ghost", "dead"), hostStates(s.path("hosts")));
        assertEquals(NID, s.path("networks").get(0).path("clusterId").asText());
        assertEquals(List.of("198.18.0.1", "ghost"), texts(s.path("networks").get(0).path("hosts")));
        awaitOutput(() -> sh("ip", "netns", "exec", ns, "ip", "neigh", "show", "dev", "jo-vx-1"),
                out -> !out.contains("198.18.5.50"), "the dead ghost's neighbour entry withdrawn");
        Run human = cli("status");
        System.out.println("javaoverlay status (a dead host):\n" + human.out());
        assertEquals(1, human.exit());
        assertTrue(human.out().contains(": DEGRADED\n  - host ghost is dead"), human.out());

        Run ls = cli("network", "ls");
        assertEquals(0, ls.exit(), ls.err());
        assertTrue(ls.out().contains("aaaaaaaaaaaa  1    198.18.5.0/24  1450  2          198.18.0.1,ghost"), ls.out());
        Run inspect = cli("network", "inspect", "aaaa", "--json");
        assertEquals(0, inspect.exit(), inspect.err());
        assertEquals(2, inspect.json().path("endpoints").size(), inspect.out());
        Run pools = cli("ipam", "ls", "--json");
        assertEquals(0, pools.exit(), pools.err());
        JsonNode p0 = pools.json().path("pools").get(0);
        assertEquals(3, p0.path("used").asInt(), p0.toString());
        assertEquals(251, p0.path("free").asInt());
        assertEquals(List.of("198.18.0.1", "ghost"), texts(p0.path("holders").findValues("host")));
        System.out.println("javaoverlay ipam ls:\n" + cli("ipam", "ls").out());
        Run hosts = cli("host", "ls");
        assertEquals(0, hosts.exit());
        System.out.println("javaoverlay host ls:\n" + hosts.out() + "\njavaoverlay network inspect aaaa:\n"
                + cli("network", "inspect", "aaaa").out());
        assertTrue(hosts.out().lines().anyMatch(l -> l.startsWith("ghost") && l.contains(" dead ") && l.endsWith("  1")), hosts.out());

        // ipam release of an address an endpoint holds is refused; forgetting this host is refused.
        Run refused = cli("ipam", "release", "198.18.5.50");
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.err().contains("refusing to release 198.18.5.50: endpoint " + GHOST_EID + " of network " + NID
                + " on host ghost holds it"), refused.err());
        Run self = cli("host", "forget", "198.18.0.1");
        assertEquals(1, self.exit());
        assertTrue(self.err().contains("it is this host"), self.err());

        // host forget: records go, addresses and holders are freed.
        System.out.println("javaoverlay ipam release 198.18.5.50: " + refused.err());
        Run forgot = cli("host", "forget", "ghost", "--json");
        assertEquals(0, forgot.exit(), forgot.err());
        JsonNode f = forgot.json();
        assertEquals(1, f.path("endpointsRemoved").asInt(), f.toString());
        assertEquals(1, f.path("addressesReleased").asInt());
        assertEquals(1, f.path("poolHoldersRemoved").asInt());
        assertEquals(1, f.path("aliasesRemoved").asInt());
        assertEquals(2, cli("ipam", "ls", "--json").json().path("pools").get(0).path("used").asInt());
        Run healthy = awaitRun(() -> cli("status"), r -> r.exit() == 0, "status healthy after host forget");
        assertTrue(healthy.out().contains(": healthy\n"), healthy.out());
        assertTrue(fdb.contains(GHOST_MAC), fdb);

        // The metrics moved, on the admin socket.
        try (UdsHttpClient c = new UdsHttpClient(adminSocket)) {
            String body = c.exchange("GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n").body();
            Map<String, Double> m = PromText.parse(body);
            assertEquals(1.0, m.get("javaoverlay_plugin_requests_total{endpoint=\"NetworkDriver.CreateEndpoint\",result=\"ok\"}"), body);
            assertEquals(1.0, m.get("javaoverlay_plugin_requests_total{endpoint=\"NetworkDriver.Join\",result=\"ok\"}"));
            assertEquals(2.0, m.get("javaoverlay_ipam_requests_total{op=\"request_address\",result=\"ok\"}") 
                    + m.get("javaoverlay_ipam_requests_total{op=\"request_gateway\",result=\"ok\"}"));
            assertTrue(m.get("javaoverlay_store_operations_total{op=\"txn\",result=\"ok\"}") >= 2, body);
            assertTrue(m.get("javaoverlay_reconcile_passes_total{result=\"converged\"}") >= 1, body);
            assertTrue(m.get("javaoverlay_reconcile_drift_found_total{table=\"fdb\"}") >= 1, body);
            assertEquals(1.0, m.get("javaoverlay_services_ready"));
        }
        // The CLI loads no Jersey or Grizzly class.
        Run loaded = cli(List.of(), Map.of("JAVAOVERLAY_JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve("classes.log")), "host", "ls");
        assertEquals(0, loaded.exit());
        String classes = Files.readString(dir.resolve("classes.log"));
        assertTrue(classes.contains("io.javaoverlay.server.cli.Cli"), "the log lists loaded classes");
        assertFalse(classes.contains("org.glassfish"), "no Jersey/Grizzly on the client path");
    }

    /**
     * The impatient operator: {@code javaoverlay status} and {@code network ls} typed the instant the
     * plugin socket answers get the started daemon's answer (healthy, exit 0), not "unreachable" or
     * "not ready": the admin socket is bound with the plugin socket and an answer waits for the first
     * start attempt.
     */
    @Test
    void commandsTypedTheInstantTheSocketAnswersGetTheStartedAnswer() throws Exception {
        daemon = launchDaemon("file://" + dir.resolve("state"));
        assertTrue(Files.exists(adminSocket), "the admin socket is bound with the plugin socket");
        Run status = cli("status");
        assertEquals(0, status.exit(), status.out() + status.err() + "\n" + log());
        assertTrue(status.out().contains(": healthy\n"), status.out());
        assertFalse(status.out().contains("UNREACHABLE"), status.out());
        UnderlayNamespace.stop(daemon);
        daemon = launchDaemon("file://" + dir.resolve("state"));
        Run networks = cli("network", "ls");
        assertEquals(0, networks.exit(), networks.out() + networks.err() + "\n" + log());
    }

    @Test
    void metricsOverTcpOnlyWhenAsked() throws Exception {
        int port = 19000 + (int) (ProcessHandle.current().pid() % 1000);
        daemon = startDaemon("file://" + dir.resolve("state"), "--metrics-addr", "127.0.0.1:" + port);
        // the namespace's loopback: the test runs the scrape inside it
        String body = sh("ip", "netns", "exec", ns, "curl", "-sf", "http://127.0.0.1:" + port + "/metrics");
        Map<String, Double> m = PromText.parse(body);
        assertEquals(1.0, m.get("javaoverlay_services_ready"), body);
        assertTrue(m.containsKey("javaoverlay_reconcile_passes_total{result=\"converged\"}")
                || body.contains("javaoverlay_reconcile_pass_duration_seconds"), body);
        String notFound = sh("ip", "netns", "exec", ns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + port + "/v1/status");
        assertEquals("404", notFound, "only /metrics is on TCP");
        Run status = cli("status", "--json");
        assertEquals(0, status.exit(), status.out() + status.err());
        assertEquals("127.0.0.1:" + port, status.json().path("host").path("config").path("metrics-addr").asText());
    }

    static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }

    static List<String> reasons(Run r) {
        try {
            return texts(r.json().path("health").path("reasons"));
        } catch (IOException e) {
            return List.of("unreadable: " + r.out());
        }
    }

    static Map<String, String> hostStates(JsonNode hosts) {
        Map<String, String> m = new java.util.TreeMap<>();
        hosts.forEach(h -> m.put(h.path("hostId").asText(), h.path("state").asText()));
        return m;
    }

    /** The ghost's heartbeat: {@code hosts/ghost} rewritten every 500 ms, as its daemon would, until stopped. */
    final class GhostBeat {
        private volatile boolean stopped;
        private Thread thread;

        void start() {
            thread = new Thread(() -> {
                for (long n = 0; !stopped; n++) {
                    try {
                        consulKv("put", prefix + "hosts/ghost", "{\"hostId\":\"ghost\",\"vtep\":\"198.18.0.99\",\"hostname\":"
                                + "\"ghost\",\"version\":\"test\",\"startedAt\":1,\"beat\":" + n + "}");
                        Thread.sleep(500);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "ghost-beat");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(10_000);
        }
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    static String awaitOutput(Probe<String> probe, java.util.function.Predicate<String> ok, String what) throws Exception {
        return awaitRun(probe, ok, what);
    }

    static <T> T awaitRun(Probe<T> probe, java.util.function.Predicate<T> ok, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        T last = probe.get();
        while (!ok.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; last: " + last);
            }
            Thread.sleep(250);
            last = probe.get();
        }
        return last;
    }
}
