package io.javaoverlay.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator-interface settings: admin socket, metrics address, Docker host, Consul TLS, retention. */
class CommandLineOperatorTest {

    static DaemonConfig run(Map<String, String> env, String... args) {
        CommandLine.Parsed p = CommandLine.parse(List.of(args), env);
        return assertInstanceOf(CommandLine.Run.class, p, p.toString()).config();
    }

    static String usageError(Map<String, String> env, String... args) {
        CommandLine.Parsed p = CommandLine.parse(List.of(args), env);
        return assertInstanceOf(CommandLine.UsageError.class, p, p.toString()).message();
    }

    @Test
    void defaults() {
        DaemonConfig c = run(Map.of(), "daemon");
        assertEquals(Path.of("/run/javaoverlay/admin.sock"), c.adminSocket());
        assertEquals(Optional.empty(), c.metricsAddr(), "no TCP listener unless asked");
        assertEquals(Optional.empty(), c.dockerHost());
        assertEquals(DaemonConfig.ConsulTls.NONE, c.consulTls());
        assertEquals(Duration.ofHours(1), c.deadHostRetention());
    }

    @Test
    void flagsBeatEnvironmentAndDockerHostIsHonoured() {
        Map<String, String> env = Map.of("JAVAOVERLAY_ADMIN_SOCKET", "/env/admin.sock", "JAVAOVERLAY_METRICS_ADDR", "0.0.0.0:9000",
                "DOCKER_HOST", "unix:///env/docker.sock", "JAVAOVERLAY_DEAD_HOST_RETENTION", "30m",
                "CONSUL_CACERT", "/env/ca.pem", "CONSUL_HTTP_SSL", "true");
        DaemonConfig fromEnv = run(env, "daemon");
        assertEquals(Path.of("/env/admin.sock"), fromEnv.adminSocket());
        assertEquals(new DaemonConfig.MetricsAddress("0.0.0.0", 9000), fromEnv.metricsAddr().get());
        assertEquals(Optional.of("unix:///env/docker.sock"), fromEnv.dockerHost());
        assertEquals(Duration.ofMinutes(30), fromEnv.deadHostRetention());
        assertEquals(Optional.of(Path.of("/env/ca.pem")), fromEnv.consulTls().caFile());
        assertTrue(fromEnv.consulTls().https());

        DaemonConfig fromFlags = run(Map.of("JAVAOVERLAY_DOCKER_HOST", "unix:///jo/docker.sock", "DOCKER_HOST", "unix:///x.sock"),
                "daemon", "--admin-socket", "/flag/admin.sock", "--metrics-addr=[::1]:9477", "--dead-host-retention", "2h30m",
                "--consul-client-cert", "/c.pem", "--consul-client-key", "/k.pem", "--consul-ssl", "false");
        assertEquals(Path.of("/flag/admin.sock"), fromFlags.adminSocket());
        assertEquals("[::1]:9477", fromFlags.metricsAddr().get().toString());
        assertEquals(Optional.of("unix:///jo/docker.sock"), fromFlags.dockerHost(), "JAVAOVERLAY_DOCKER_HOST beats DOCKER_HOST");
        assertEquals(Duration.ofMinutes(150), fromFlags.deadHostRetention());
        assertEquals(Optional.of(Path.of("/c.pem")), fromFlags.consulTls().certFile());
        assertEquals(Optional.of(Path.of("/k.pem")), fromFlags.consulTls().keyFile());
    }

    @Test
    void badValuesAreUsageErrors() {
        assertEquals("--metrics-addr 'localhost' is not HOST:PORT, e.g. 127.0.0.1:9477",
                usageError(Map.of(), "daemon", "--metrics-addr", "localhost"));
        assertEquals("--metrics-addr '::1:9': write an IPv6 address as [ADDR]:PORT",
                usageError(Map.of(), "daemon", "--metrics-addr", "::1:9"));
        assertEquals("--metrics-addr port 70000 out of range 1..65535", usageError(Map.of(), "daemon", "--metrics-addr", "h:70000"));
        assertEquals("--admin-socket 'rel.sock' must be an absolute path", usageError(Map.of(), "daemon", "--admin-socket", "rel.sock"));
        assertEquals("--admin-socket must differ from --socket (/a.sock)",
                usageError(Map.of(), "daemon", "--socket", "/a.sock", "--admin-socket", "/a.sock"));
        assertEquals("--dead-host-retention 'soon' is not a duration such as 1h, 30m, 90s or 2h30m",
                usageError(Map.of(), "daemon", "--dead-host-retention", "soon"));
        assertEquals("--dead-host-retention '1h 5x' is not a duration such as 1h, 30m, 90s or 2h30m",
                usageError(Map.of(), "daemon", "--dead-host-retention", "1h 5x"));
        assertEquals("--docker-host 'tcp://h:2375' must be unix:///PATH (TCP is not supported)",
                usageError(Map.of(), "daemon", "--docker-host", "tcp://h:2375"));
        assertEquals("--consul-client-cert and --consul-client-key must be given together",
                usageError(Map.of(), "daemon", "--consul-client-cert", "/c.pem"));
        assertEquals("--consul-ssl 'maybe' must be true or false", usageError(Map.of(), "daemon", "--consul-ssl", "maybe"));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(90), DaemonConfig.parseDuration("x", "90"));
        assertEquals(Duration.ofMillis(1500), DaemonConfig.parseDuration("x", "1s500ms"));
        assertEquals(Duration.ofDays(2), DaemonConfig.parseDuration("x", "2d"));
    }

    @Test
    void helpListsTheCommands() {
        String usage = CommandLine.usage();
        assertTrue(usage.startsWith("Usage: javaoverlay daemon [flags]\n"), usage);
        for (String s : List.of("status", "network ls | inspect NAME|ID", "ipam ls | release ADDR", "host ls | forget ID",
                "--admin-socket PATH   [$JAVAOVERLAY_ADMIN_SOCKET]", "--metrics-addr HOST:PORT   [$JAVAOVERLAY_METRICS_ADDR]")) {
            assertTrue(usage.contains(s), s + " in\n" + usage);
        }
    }
}
