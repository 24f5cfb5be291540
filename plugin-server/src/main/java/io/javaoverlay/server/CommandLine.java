package io.javaoverlay.server;

import io.javaoverlay.vxlan.VxlanConfig;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses {@code javaoverlay daemon [flags]}. Each setting comes from its flag, else its
 * environment variable, else the default. Unknown flags and bad values are usage errors (exit 2).
 */
public final class CommandLine {

    /** What the command line asks for. */
    public sealed interface Parsed permits Run, Help, UsageError {
    }

    /** Run the daemon. */
    public record Run(DaemonConfig config) implements Parsed {
    }

    /** Print {@link #usage()} and exit 0. */
    public record Help() implements Parsed {
    }

    /** Print the message and the usage to stderr, exit 2. */
    public record UsageError(String message) implements Parsed {
    }

    private record Flag(String name, String env, String valueName, String help) {
    }

    private static final List<Flag> FLAGS = List.of(
            new Flag("store", "JAVAOVERLAY_STORE", "URI",
                    "state store: consul://HOST:PORT[/PREFIX] or file:///DIR (embedded, single host).\n"
                    + "Default: " + StoreLocation.DEFAULT + ", or consul://$CONSUL_HTTP_ADDR when only\n"
                    + "CONSUL_HTTP_ADDR is set. consul:// without a host uses CONSUL_HTTP_ADDR, else 127.0.0.1:8500."),
            new Flag("advertise-addr", "JAVAOVERLAY_ADVERTISE_ADDR", "IP|IFACE",
                    "this host's VTEP address, or an interface whose first IPv4 address is used.\n"
                    + "Default: the address of the default-route interface."),
            new Flag("host-id", "JAVAOVERLAY_HOST_ID", "ID",
                    "this host's identity in the store ([A-Za-z0-9._:-], stable across restarts).\n"
                    + "Default: the advertise address."),
            new Flag("socket", "JAVAOVERLAY_SOCKET", "PATH",
                    "plugin socket. Default: " + DaemonConfig.DEFAULT_SOCKET
                    + " (ignored under systemd socket activation)."),
            new Flag("scope", "JAVAOVERLAY_SCOPE", "local|global",
                    "Scope reported to Docker (GetCapabilities). Default: local."),
            new Flag("log-level", "JAVAOVERLAY_LOG_LEVEL", "LEVEL",
                    "error, warn, info, debug or trace. Default: info."),
            new Flag("consul-token", "CONSUL_HTTP_TOKEN", "TOKEN",
                    "Consul ACL token (sent as X-Consul-Token, never in URLs; shown masked). Default: none. Prefer --consul-token-file: a token here shows in ps."),
            new Flag("consul-token-file", "CONSUL_HTTP_TOKEN_FILE", "PATH",
                    "file holding the Consul ACL token, read once at start. It must not be readable by\n"
                    + "others (mode 0600 or 0640); a group-readable file is accepted with a warning. Default: none."),
            new Flag("ready-timeout", "JAVAOVERLAY_READY_TIMEOUT", "SECONDS",
                    "while the daemon starts, calls that need the store wait up to this long for it, and\n"
                    + "under systemd READY=1 waits for it as long (then STATUS= says what is missing).\n"
                    + "Default: " + DaemonConfig.DEFAULT_READY_TIMEOUT.toSeconds() + "."),
            new Flag("consul-cacert", "CONSUL_CACERT", "PATH",
                    "PEM CA bundle to trust for Consul over https. Default: the JVM's trust store."),
            new Flag("consul-client-cert", "CONSUL_CLIENT_CERT", "PATH",
                    "PEM client certificate for Consul (mutual TLS); needs --consul-client-key. Default: none."),
            new Flag("consul-client-key", "CONSUL_CLIENT_KEY", "PATH",
                    "PEM private key of --consul-client-cert. Default: none."),
            new Flag("consul-ssl", "CONSUL_HTTP_SSL", "true|false",
                    "speak https to a consul://HOST:PORT store (implied by the TLS files). Default: false."),
            new Flag("docker-host", "JAVAOVERLAY_DOCKER_HOST", "unix:///PATH",
                    "this host's Docker Engine API (DOCKER_HOST is honoured).\n"
                    + "Default: unix:///run/docker.sock, else unix:///var/run/docker.sock."),
            new Flag("vxlan-port", "JAVAOVERLAY_VXLAN_PORT", "PORT",
                    "UDP port of the VXLAN devices. Default: " + DaemonConfig.DEFAULT_VXLAN_PORT + "."),
            new Flag("vni-range", "JAVAOVERLAY_VNI_RANGE", "FIRST-LAST",
                    "VNIs allocated to networks. Default: " + DaemonConfig.DEFAULT_VNI_RANGE + "."),
            new Flag("default-pool", "JAVAOVERLAY_DEFAULT_POOLS", "BASE/LEN:SIZE",
                    "IPv4 pool for networks created without --subnet; repeatable (the environment\n"
                    + "variable takes a space-separated list). Default: " + DaemonConfig.DEFAULT_POOLS.get(0) + "."),
            new Flag("driver-name", "JAVAOVERLAY_DRIVER_NAME", "NAME",
                    "the name Docker knows this driver by (docker network create -d NAME), used to\n"
                    + "list and create the replicated networks. A managed plugin's name carries a tag:\n"
                    + "javaoverlay:latest. Default: " + DaemonConfig.DEFAULT_DRIVER_NAME + "."),
            new Flag("resync-interval", "JAVAOVERLAY_RESYNC_INTERVAL", "DURATION",
                    "period of the safety-net passes: kernel state against the store, the firewall rules,\n"
                    + "this host's endpoints and addresses against Docker, network replication (500ms, 30s,\n"
                    + "5m, 1h). Default: 30s."),
            new Flag("endpoint-grace", "JAVAOVERLAY_ENDPOINT_GRACE", "DURATION",
                    "endpoint records and address claims younger than this are never judged against\n"
                    + "Docker (protects creates in flight); older ones Docker does not have are removed.\n"
                    + "Default: 60s."),
            new Flag("dead-host-timeout", "JAVAOVERLAY_DEAD_HOST_TIMEOUT", "DURATION",
                    "a host whose heartbeat is silent this long is no longer alive: its peers are\n"
                    + "withdrawn once its VTEP also fails the ICMP probes (see --vtep-probe). Default: 6s."),
            new Flag("dead-host-retention", "JAVAOVERLAY_DEAD_HOST_RETENTION", "DURATION",
                    "how long a dead host's records are kept before they are collected (e.g. 1h, 30m).\n"
                    + "Default: 1h."),
            new Flag("vtep-probe", "JAVAOVERLAY_VTEP_PROBE", "true|false",
                    "ask a silent host's VTEP (ICMP echo) before declaring it dead, so a host whose plugin\n"
                    + "or store path is down keeps its peers. Turn off where ICMP is blocked between hosts\n"
                    + "(liveness is then heartbeat only). Default: true."),
            new Flag("vxlan-ingress-filter", "JAVAOVERLAY_VXLAN_INGRESS_FILTER", "true|false",
                    "accept VXLAN only from the VTEPs of the cluster's hosts (nftables table inet\n"
                    + "javaoverlay); false removes the table. Default: true."),
            new Flag("fast-path", "JAVAOVERLAY_FAST_PATH", "true|false",
                    "send containers' unicast frames between hosts around the bridge by tc redirects\n"
                    + "(clsact, u32, mirred), so they skip br_netfilter and Docker's iptables rules, as\n"
                    + "Docker's overlay does (networks with up to 64 containers here and 64 elsewhere). false:\n"
                    + "the bridge carries everything. Default: true."),
            new Flag("bum-warn-hosts", "JAVAOVERLAY_BUM_WARN_HOSTS", "N",
                    "warn when a network with -o javaoverlay.bum=replicate spans this many hosts or more:\n"
                    + "each broadcast or multicast frame is sent once per other host. Default: "
                    + VxlanConfig.BumLimits.DEFAULT.warnHosts() + "."),
            new Flag("bum-max-hosts", "JAVAOVERLAY_BUM_MAX_HOSTS", "N",
                    "refuse a container that would make a network with -o javaoverlay.bum=replicate span\n"
                    + "more hosts than this. Default: " + VxlanConfig.BumLimits.DEFAULT.maxHosts() + "."),
            new Flag("dns-addr", "JAVAOVERLAY_DNS_ADDR", "auto|IP",
                    "serve container names across hosts (DNS, UDP and TCP port 53) on this host address;\n"
                    + "auto = the advertise (VTEP) address. Name the same address in /etc/docker/daemon.json\n"
                    + "\"dns\" so Docker's embedded resolver forwards to it. Also publishes this host's\n"
                    + "container names to the store: set it on every host. Default: off."),
            new Flag("dns-upstream", "JAVAOVERLAY_DNS_UPSTREAM", "IP[:PORT][,...]",
                    "resolvers for every name that is not a javaoverlay container (at most 3, tried in\n"
                    + "order). Default: the nameservers of /etc/resolv.conf, re-read every 30 s."),
            new Flag("service-registration", "JAVAOVERLAY_SERVICE_REGISTRATION", "true|false",
                    "register containers labelled javaoverlay.service=NAME (or registrator's SERVICE_NAME)\n"
                    + "in Consul's catalog with their overlay address, through the Consul agent of --store,\n"
                    + "with a TTL check following the container. Needs a consul:// store. Default: false."),
            new Flag("admin-socket", "JAVAOVERLAY_ADMIN_SOCKET", "PATH",
                    "the operator's admin socket (status, metrics; root only, 0600 in a 0700 directory).\n"
                    + "Default: " + DaemonConfig.DEFAULT_ADMIN_SOCKET + "."),
            new Flag("metrics-addr", "JAVAOVERLAY_METRICS_ADDR", "HOST:PORT",
                    "also serve Prometheus metrics at http://HOST:PORT/metrics (TCP). Default: off\n"
                    + "(metrics are always on the admin socket)."));

    private CommandLine() {
    }

    /** The {@code --help} text. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: javaoverlay daemon [flags]\n")
          .append("       javaoverlay COMMAND [--json] [--admin-socket PATH]   (talks to a running daemon)\n")
          .append("       javaoverlay --help\n\n")
          .append("Docker remote network driver + IPAM driver: a VXLAN overlay shared by several hosts.\n")
          .append("Serves Docker's plugin API on a Unix socket only (no TCP port).\n\n")
          .append("Flags (flag > environment variable > default; --flag VALUE or --flag=VALUE):\n");
        for (Flag f : FLAGS) {
            sb.append("  --").append(f.name()).append(' ').append(f.valueName())
              .append("   [$").append(f.env()).append("]\n");
            for (String line : f.help().split("\n")) {
                sb.append("      ").append(line).append('\n');
            }
        }
        sb.append("  -h, --help\n      show this help.\n\n")
          .append("Commands for a running daemon (root; each has --help):\n")
          .append(io.javaoverlay.server.cli.Cli.summary()).append('\n')
          .append("Exit status: 0 on clean shutdown (SIGTERM), 1 on a start-up failure (e.g. socket in use),\n")
          .append("2 on a usage error. Under systemd (Type=notify) READY=1 is sent once every call can be served\n")
          .append("(or after --ready-timeout, with STATUS= naming what is missing); with WatchdogSec= set,\n")
          .append("WATCHDOG=1 is sent only while a request through the plugin socket is answered.\n");
        return sb.toString();
    }

    /** Parses {@code args} against {@code env}. Never throws for bad input. */
    public static Parsed parse(List<String> args, Map<String, String> env) {
        if (args.isEmpty()) {
            return new UsageError("missing command (expected daemon, status, network, ipam or host)");
        }
        String cmd = args.get(0);
        if (cmd.equals("--help") || cmd.equals("-h") || cmd.equals("help")) {
            return new Help();
        }
        if (!cmd.equals("daemon")) {
            return new UsageError("unknown command '" + cmd + "' (expected daemon, status, network, ipam or host)");
        }
        Map<String, List<String>> given = new HashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                return new Help();
            }
            if (!a.startsWith("--")) {
                return new UsageError("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String n = name;
            if (FLAGS.stream().noneMatch(f -> f.name().equals(n))) {
                return new UsageError("unknown flag --" + name);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    return new UsageError("flag --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            given.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        try {
            return new Run(build(given, env));
        } catch (IllegalArgumentException e) {
            return new UsageError(e.getMessage());
        }
    }

    private static DaemonConfig build(Map<String, List<String>> given, Map<String, String> env) {
        Optional<String> storeText = setting(given, env, "store");
        StoreLocation store;
        if (storeText.isPresent()) {
            store = StoreLocation.parse(storeText.get(), env);
        } else if (!env.getOrDefault("CONSUL_HTTP_ADDR", "").isBlank()) {
            store = StoreLocation.fromConsulHttpAddr(env.get("CONSUL_HTTP_ADDR"));
        } else {
            store = StoreLocation.parse(StoreLocation.DEFAULT, env);
        }
        Path socket = Path.of(setting(given, env, "socket").orElse(DaemonConfig.DEFAULT_SOCKET.toString()));
        if (!socket.isAbsolute()) {
            throw new IllegalArgumentException("--socket '" + socket + "' must be an absolute path");
        }
        String scope = setting(given, env, "scope").orElse("local").toLowerCase(Locale.ROOT);
        if (!scope.equals("local") && !scope.equals("global")) {
            throw new IllegalArgumentException("--scope '" + scope + "' must be local or global");
        }
        Level level = parseLevel(setting(given, env, "log-level").orElse("info"));
        int port;
        String portText = setting(given, env, "vxlan-port").orElse(String.valueOf(DaemonConfig.DEFAULT_VXLAN_PORT));
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--vxlan-port '" + portText + "' is not a number");
        }
        DaemonConfig.VniRange vnis = setting(given, env, "vni-range").map(DaemonConfig.VniRange::parse)
                .orElse(DaemonConfig.DEFAULT_VNI_RANGE);
        List<String> poolTexts = given.containsKey("default-pool") ? given.get("default-pool")
                : List.of(env.getOrDefault("JAVAOVERLAY_DEFAULT_POOLS", "").trim().split("\\s+"));
        List<DaemonConfig.DefaultPool> pools = new ArrayList<>();
        for (String p : poolTexts) {
            if (!p.isBlank()) {
                pools.add(DaemonConfig.DefaultPool.parse(p));
            }
        }
        Optional<Path> tokenFile = setting(given, env, "consul-token-file").map(Path::of);
        String readyText = setting(given, env, "ready-timeout").orElse(String.valueOf(DaemonConfig.DEFAULT_READY_TIMEOUT.toSeconds()));
        if (!readyText.trim().matches("\\d{1,3}(\\.\\d{1,3})?")) {
            throw new IllegalArgumentException("--ready-timeout '" + readyText + "' is not a number of seconds, e.g. 15");
        }
        Duration ready = Duration.ofMillis(Math.round(Double.parseDouble(readyText.trim()) * 1000));
        Optional<String> dockerHost = setting(given, env, "docker-host")
                .or(() -> Optional.ofNullable(env.get("DOCKER_HOST")).filter(v -> !v.isBlank()));
        dockerHost.ifPresent(h -> {
            if (!h.startsWith("unix://") && h.contains("://")) {
                throw new IllegalArgumentException("--docker-host '" + h + "' must be unix:///PATH (TCP is not supported)");
            }
        });
        String ssl = setting(given, env, "consul-ssl").orElse("false").trim().toLowerCase(Locale.ROOT);
        if (!ssl.equals("true") && !ssl.equals("false") && !ssl.equals("1") && !ssl.equals("0")) {
            throw new IllegalArgumentException("--consul-ssl '" + ssl + "' must be true or false");
        }
        ConsulTls tls = new ConsulTls(setting(given, env, "consul-cacert").map(Path::of),
                setting(given, env, "consul-client-cert").map(Path::of), setting(given, env, "consul-client-key").map(Path::of),
                ssl.equals("true") || ssl.equals("1"));
        Path admin = Path.of(setting(given, env, "admin-socket").orElse(DaemonConfig.DEFAULT_ADMIN_SOCKET.toString()));
        Optional<MetricsAddress> metrics = setting(given, env, "metrics-addr")
                .map(MetricsAddress::parse);
        Duration retention = duration(given, env, "dead-host-retention", DaemonConfig.DEFAULT_DEAD_HOST_RETENTION);
        return DaemonConfig.builder(store)
                .advertiseAddr(setting(given, env, "advertise-addr"))
                .hostId(setting(given, env, "host-id"))
                .socket(socket)
                .scope(scope)
                .logLevel(level)
                .consulToken(setting(given, env, "consul-token"))
                .vxlanPort(port)
                .vniRange(vnis)
                .defaultPools(pools.isEmpty() ? DaemonConfig.DEFAULT_POOLS : pools)
                .consulTokenFile(tokenFile)
                .readyTimeout(ready)
                .driverName(setting(given, env, "driver-name").orElse(DaemonConfig.DEFAULT_DRIVER_NAME).trim())
                .dockerHost(dockerHost)
                .consulTls(tls)
                .adminSocket(admin)
                .metricsAddr(metrics)
                .deadHostRetention(retention)
                .resyncInterval(duration(given, env, "resync-interval", DaemonConfig.DEFAULT_RESYNC_INTERVAL))
                .endpointGrace(duration(given, env, "endpoint-grace", DaemonConfig.DEFAULT_ENDPOINT_GRACE))
                .deadHostTimeout(duration(given, env, "dead-host-timeout", DaemonConfig.DEFAULT_DEAD_HOST_TIMEOUT))
                .vtepProbe(bool(given, env, "vtep-probe", true))
                .vxlanIngressFilter(bool(given, env, "vxlan-ingress-filter", true))
                .fastPath(bool(given, env, "fast-path", true))
                .bumLimits(new VxlanConfig.BumLimits(
                        count(given, env, "bum-warn-hosts", VxlanConfig.BumLimits.DEFAULT.warnHosts()),
                        count(given, env, "bum-max-hosts", VxlanConfig.BumLimits.DEFAULT.maxHosts())))
                .dnsAddr(setting(given, env, "dns-addr"))
                .dnsUpstreams(dnsUpstreams(setting(given, env, "dns-upstream")))
                .serviceRegistration(bool(given, env, "service-registration", false))
                .build();
    }

    private static List<java.net.InetSocketAddress> dnsUpstreams(Optional<String> text) {
        if (text.isEmpty()) {
            return List.of();
        }
        try {
            List<java.net.InetSocketAddress> out = io.javaoverlay.server.dns.DnsConfig.parseAddresses(text.get());
            if (out.size() > io.javaoverlay.server.dns.Upstreams.MAX) {
                throw new IllegalArgumentException("at most " + io.javaoverlay.server.dns.Upstreams.MAX
                        + " resolvers are used, got " + out.size());
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dns-upstream '" + text.get() + "': " + e.getMessage(), e);
        }
    }

    private static Duration duration(Map<String, List<String>> given, Map<String, String> env, String name, Duration dflt) {
        return setting(given, env, name).map(t -> parseDuration(name, t)).orElse(dflt);
    }

    private static int count(Map<String, List<String>> given, Map<String, String> env, String name, int dflt) {
        String text = setting(given, env, name).orElse(String.valueOf(dflt)).trim();
        if (!text.matches("\\d{1,6}")) {
            throw new IllegalArgumentException("--" + name + " '" + text + "' is not a number of hosts, e.g. " + dflt);
        }
        return Integer.parseInt(text);
    }

    private static boolean bool(Map<String, List<String>> given, Map<String, String> env, String name, boolean dflt) {
        Optional<String> v = setting(given, env, name);
        if (v.isEmpty()) {
            return dflt;
        }
        switch (v.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on":
                return true;
            case "false", "0", "no", "off":
                return false;
            default:
                throw new IllegalArgumentException("--" + name + " '" + v.get() + "' must be true or false");
        }
    }

    private static Optional<String> setting(Map<String, List<String>> given, Map<String, String> env, String name) {
        List<String> values = given.get(name);
        if (values != null) {
            return Optional.of(values.get(values.size() - 1)).filter(s -> !s.isBlank());
        }
        String envName = FLAGS.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().env();
        return Optional.ofNullable(env.get(envName)).filter(s -> !s.isBlank());
    }

    /**
     * Parses a duration such as {@code 1h}, {@code 90s}, {@code 2h30m}, {@code 500ms} (units ms, s, m,
     * h, d; a bare number is seconds).
     */
    static Duration parseDuration(String flag, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(t);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException("--" + flag + " '" + text + "' is not a duration such as 1h, 30m, 90s or 2h30m");
        }
        return d;
    }


    static Level parseLevel(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "error":
                return Level.ERROR;
            case "warn":
            case "warning":
                return Level.WARNING;
            case "info":
                return Level.INFO;
            case "debug":
                return Level.DEBUG;
            case "trace":
                return Level.TRACE;
            default:
                throw new IllegalArgumentException("--log-level '" + text + "' must be error, warn, info, debug or trace");
        }
    }
}
