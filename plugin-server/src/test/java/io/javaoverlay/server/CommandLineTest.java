package io.javaoverlay.server;

import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flag &gt; environment &gt; default, and usage errors. */
class CommandLineTest {

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
        assertEquals(new StoreLocation.File(Path.of("/var/lib/javaoverlay")), c.store());
        assertEquals(Path.of("/run/docker/plugins/javaoverlay.sock"), c.socket());
        assertEquals("local", c.scope());
        assertEquals(Level.INFO, c.logLevel());
        assertEquals(Optional.empty(), c.advertiseAddr());
        assertEquals(Optional.empty(), c.hostId());
        assertEquals(Optional.empty(), c.consulToken());
        assertEquals(4789, c.vxlanPort());
        assertEquals(DaemonConfig.DEFAULT_VNI_RANGE, c.vniRange());
        assertEquals(DaemonConfig.DEFAULT_POOLS, c.defaultPools());
        assertEquals("javaoverlay", c.driverName());
    }

    @Test
    void driverNameForAManagedPlugin() {
        Map<String, String> env = Map.of("JAVAOVERLAY_DRIVER_NAME", "javaoverlay:latest");
        assertEquals("javaoverlay:latest", run(env, "daemon").driverName());
        assertEquals("reg.example:5000/ops/jo:1.2", run(env, "daemon", "--driver-name", "reg.example:5000/ops/jo:1.2").driverName());
        assertEquals("javaoverlay", run(Map.of("JAVAOVERLAY_DRIVER_NAME", " "), "daemon").driverName(), "blank = default");
        assertEquals("--driver-name 'JavaOverlay' is not a Docker plugin name such as javaoverlay or javaoverlay:latest"
                + " (lower case letters, digits and . _ / : -)", usageError(Map.of(), "daemon", "--driver-name", "JavaOverlay"));
    }

    @Test
    void flagBeatsEnvironmentBeatsDefault() {
        Map<String, String> env = Map.of("JAVAOVERLAY_STORE", "consul://10.0.0.1:8500/jo", "JAVAOVERLAY_SCOPE", "global",
                "JAVAOVERLAY_SOCKET", "/tmp/env.sock", "JAVAOVERLAY_LOG_LEVEL", "debug", "CONSUL_HTTP_TOKEN", "envtoken",
                "JAVAOVERLAY_ADVERTISE_ADDR", "eth1", "JAVAOVERLAY_VXLAN_PORT", "8472", "JAVAOVERLAY_VNI_RANGE", "5000-6000",
                "JAVAOVERLAY_DEFAULT_POOLS", "10.50.0.0/16:24 10.60.0.0/16:26");
        DaemonConfig fromEnv = run(env, "daemon");
        assertEquals(new StoreLocation.Consul("10.0.0.1", 8500, "jo"), fromEnv.store());
        assertEquals("global", fromEnv.scope());
        assertEquals(Path.of("/tmp/env.sock"), fromEnv.socket());
        assertEquals(Level.DEBUG, fromEnv.logLevel());
        assertEquals(Optional.of("envtoken"), fromEnv.consulToken());
        assertEquals(Optional.of("eth1"), fromEnv.advertiseAddr());
        assertEquals(8472, fromEnv.vxlanPort());
        assertEquals(new DaemonConfig.VniRange(5000, 6000), fromEnv.vniRange());
        assertEquals(List.of(DaemonConfig.DefaultPool.parse("10.50.0.0/16:24"), DaemonConfig.DefaultPool.parse("10.60.0.0/16:26")),
                fromEnv.defaultPools());

        DaemonConfig fromFlags = run(env, "daemon", "--store", "file:///srv/jo", "--scope=local", "--socket", "/tmp/flag.sock",
                "--log-level", "warn", "--consul-token", "flagtoken", "--advertise-addr", "198.18.0.1", "--host-id", "node-1", "--vxlan-port", "4790",
                "--vni-range", "100-200", "--default-pool", "base=10.70.0.0/16,size=24");
        assertEquals(new StoreLocation.File(Path.of("/srv/jo")), fromFlags.store());
        assertEquals("local", fromFlags.scope());
        assertEquals(Path.of("/tmp/flag.sock"), fromFlags.socket());
        assertEquals(Level.WARNING, fromFlags.logLevel());
        assertEquals(Optional.of("flagtoken"), fromFlags.consulToken());
        assertEquals(Optional.of("198.18.0.1"), fromFlags.advertiseAddr());
        assertEquals(Optional.of("node-1"), fromFlags.hostId());
        assertEquals(4790, fromFlags.vxlanPort());
        assertEquals(new DaemonConfig.VniRange(100, 200), fromFlags.vniRange());
        assertEquals(List.of(DaemonConfig.DefaultPool.parse("10.70.0.0/16:24")), fromFlags.defaultPools());
    }

    @Test
    void consulHttpAddrPrecedence() {
        Map<String, String> env = Map.of("CONSUL_HTTP_ADDR", "http://198.18.0.9:8600");
        // set alone: it selects Consul
        assertEquals(new StoreLocation.Consul("198.18.0.9", 8600, ""), run(env, "daemon").store());
        // consul:// without host: host from CONSUL_HTTP_ADDR, prefix kept
        assertEquals(new StoreLocation.Consul("198.18.0.9", 8600, "pfx"), run(env, "daemon", "--store", "consul:///pfx").store());
        // an explicit host wins
        assertEquals(new StoreLocation.Consul("198.18.0.7", 8500, ""), run(env, "daemon", "--store", "consul://198.18.0.7").store());
        // an explicit file store wins
        assertEquals(new StoreLocation.File(Path.of("/x")), run(env, "daemon", "--store", "file:///x").store());
        // https: the host comes from here, the scheme and TLS files are the kvstore's business
        assertEquals(new StoreLocation.Consul("198.18.0.9", 8501, ""),
                run(Map.of("CONSUL_HTTP_ADDR", "https://198.18.0.9:8501"), "daemon").store());
        // consul:// with neither: the local agent
        assertEquals(new StoreLocation.Consul("127.0.0.1", 8500, ""), run(Map.of(), "daemon", "--store", "consul://").store());
    }

    @Test
    void namesAndServicesFlags() {
        DaemonConfig off = run(Map.of(), "daemon", "--store", "consul://127.0.0.1:8500");
        assertEquals(java.util.Optional.empty(), off.dnsAddr(), "DNS is off by default");
        assertEquals(List.of(), off.dnsUpstreams());
        assertEquals(false, off.serviceRegistration());
        DaemonConfig on = run(Map.of("JAVAOVERLAY_DNS_UPSTREAM", "192.0.2.1, 192.0.2.2:5353"), "daemon",
                "--store", "consul://127.0.0.1:8500", "--dns-addr=auto", "--service-registration", "true");
        assertEquals(java.util.Optional.of("auto"), on.dnsAddr());
        assertEquals(List.of(new java.net.InetSocketAddress("192.0.2.1", 53), new java.net.InetSocketAddress("192.0.2.2", 5353)),
                on.dnsUpstreams());
        assertTrue(on.serviceRegistration());
        assertEquals(java.util.Optional.of("198.18.0.11"), run(Map.of("JAVAOVERLAY_DNS_ADDR", "198.18.0.11"), "daemon").dnsAddr());
        assertTrue(usageError(Map.of(), "daemon", "--dns-addr", "myhost").startsWith("--dns-addr: DNS address 'myhost'"));
        assertTrue(usageError(Map.of(), "daemon", "--dns-upstream", "1.1.1.1,x").startsWith("--dns-upstream '1.1.1.1,x'"));
        assertTrue(usageError(Map.of(), "daemon", "--dns-upstream", "1.1.1.1,1.0.0.1,8.8.8.8,9.9.9.9")
                .contains("at most 3"));
        assertTrue(usageError(Map.of(), "daemon", "--service-registration", "true").contains("needs a Consul store"));
    }

    @Test
    void usageErrors() {
        assertEquals("unknown flag --bogus", usageError(Map.of(), "daemon", "--bogus", "1"));
        assertEquals("flag --store needs a value", usageError(Map.of(), "daemon", "--store"));
        assertEquals("unknown command 'serve' (expected daemon, status, network, ipam or host)", usageError(Map.of(), "serve"));
        assertEquals("missing command (expected daemon, status, network, ipam or host)", usageError(Map.of()));
        assertEquals("unexpected argument 'x'", usageError(Map.of(), "daemon", "x"));
        assertEquals("--scope 'swarm' must be local or global", usageError(Map.of(), "daemon", "--scope", "swarm"));
        assertEquals("--store 'etcd://x' must start with consul:// or file://", usageError(Map.of(), "daemon", "--store", "etcd://x"));
        assertEquals("--store 'file://rel' needs an absolute path, e.g. file:///var/lib/javaoverlay",
                usageError(Map.of(), "daemon", "--store", "file://rel"));
        assertEquals("--log-level 'loud' must be error, warn, info, debug or trace", usageError(Map.of(), "daemon", "--log-level", "loud"));
        assertEquals("--socket 'rel.sock' must be an absolute path", usageError(Map.of(), "daemon", "--socket", "rel.sock"));
        assertEquals("--vni-range '5-x' is not FIRST-LAST, e.g. 1-4095", usageError(Map.of(), "daemon", "--vni-range", "5-x"));
        assertEquals("--default-pool '10.0.0.0/8' is not BASE/LEN:SIZE, e.g. 10.200.0.0/16:24",
                usageError(Map.of(), "daemon", "--default-pool", "10.0.0.0/8"));
        assertTrue(usageError(Map.of("JAVAOVERLAY_SCOPE", "bad"), "daemon").contains("'bad'"));
    }

    @Test
    void tokenFileAndReadyTimeout() {
        DaemonConfig d = run(Map.of(), "daemon");
        assertEquals(Optional.empty(), d.consulTokenFile());
        assertEquals(java.time.Duration.ofSeconds(15), d.readyTimeout());
        DaemonConfig env = run(Map.of("CONSUL_HTTP_TOKEN_FILE", "/etc/javaoverlay/consul.token", "JAVAOVERLAY_READY_TIMEOUT", "4"), "daemon");
        assertEquals(Optional.of(Path.of("/etc/javaoverlay/consul.token")), env.consulTokenFile());
        assertEquals(java.time.Duration.ofSeconds(4), env.readyTimeout());
        DaemonConfig flags = run(Map.of("CONSUL_HTTP_TOKEN_FILE", "/env.token"), "daemon", "--consul-token-file", "/flag.token",
                "--ready-timeout", "2.5");
        assertEquals(Optional.of(Path.of("/flag.token")), flags.consulTokenFile());
        assertEquals(java.time.Duration.ofMillis(2500), flags.readyTimeout());
        assertEquals("give either --consul-token (CONSUL_HTTP_TOKEN) or --consul-token-file (CONSUL_HTTP_TOKEN_FILE), not both",
                usageError(Map.of("CONSUL_HTTP_TOKEN", "t"), "daemon", "--consul-token-file", "/x"));
        assertEquals("--ready-timeout 'soon' is not a number of seconds, e.g. 15", usageError(Map.of(), "daemon", "--ready-timeout", "soon"));
        assertEquals("--ready-timeout 900 s must lie within 0-300 s", usageError(Map.of(), "daemon", "--ready-timeout", "900"));
        // the token read from the file replaces the path
        DaemonConfig withToken = flags.withConsulToken("s3cret");
        assertEquals(Optional.of("s3cret"), withToken.consulToken());
        assertEquals(Optional.empty(), withToken.consulTokenFile());
    }

    @Test
    void helpIsAccurate() {
        assertInstanceOf(CommandLine.Help.class, CommandLine.parse(List.of("--help"), Map.of()));
        assertInstanceOf(CommandLine.Help.class, CommandLine.parse(List.of("daemon", "-h"), Map.of()));
        String usage = CommandLine.usage();
        for (String flag : List.of("--store", "--advertise-addr", "--socket", "--scope", "--log-level", "--consul-token",
                "--consul-token-file", "CONSUL_HTTP_TOKEN_FILE", "--ready-timeout", "JAVAOVERLAY_READY_TIMEOUT",
                "--vxlan-port", "--vni-range", "--host-id", "--default-pool", "--driver-name", "JAVAOVERLAY_DRIVER_NAME",
                "JAVAOVERLAY_STORE", "CONSUL_HTTP_TOKEN", "CONSUL_HTTP_ADDR")) {
            assertTrue(usage.contains(flag), flag);
        }
    }
}
