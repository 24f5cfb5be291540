package io.javaoverlay.server;

import io.javaoverlay.server.resource.DriverSettings;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code javaoverlay daemon} is configured with, after flag &gt; environment &gt; default
 * resolution ({@link CommandLine}).
 *
 * @param store         where state lives
 * @param advertiseAddr VTEP address or interface name; empty = the default-route interface's address
 * @param hostId        this host's identity in the store; empty = the resolved VTEP address
 * @param socket        the plugin socket path
 * @param scope         {@code local} or {@code global} (GetCapabilities Scope)
 * @param logLevel      minimum level logged
 * @param consulToken   ACL token for Consul, if any (never logged)
 * @param vxlanPort     UDP port of the VXLAN devices
 * @param vniRange      VNIs the cluster allocates from
 * @param defaultPools  IPv4 pools for RequestPool without {@code --subnet}
 * @param maxBodyBytes  request body limit
 * @param consulTokenFile file holding the ACL token (read once at start, so the token is not on the
 *                      command line); exclusive with {@code consulToken}
 * @param readyTimeout  how long a store-dependent call waits for the services while the daemon
 *                      starts, and how long READY=1 waits for them under systemd
 * @param driverName    the name Docker knows the driver by ({@code javaoverlay}, or a managed plugin's
 *                      {@code javaoverlay:latest}); the replicator lists and creates networks with it
 * @param dockerHost    this host's Docker Engine API ({@code unix:///PATH}); empty = /run/docker.sock, then
 *                      /var/run/docker.sock
 * @param consulTls     TLS material for Consul (flags, else Consul's own CONSUL_* variables)
 * @param adminSocket   the operator's admin socket (root only)
 * @param metricsAddr   opt-in TCP address serving /metrics; empty = none (the admin socket serves it anyway)
 * @param deadHostRetention how long a dead host's records are kept before they are collected
 */
public record DaemonConfig(StoreLocation store, Optional<String> advertiseAddr, Optional<String> hostId, Path socket, String scope,
                           Level logLevel, Optional<String> consulToken, int vxlanPort, VniRange vniRange,
                           List<DefaultPool> defaultPools, long maxBodyBytes, Optional<Path> consulTokenFile,
                           Duration readyTimeout, String driverName, Optional<String> dockerHost, ConsulTls consulTls,
                           Path adminSocket, Optional<MetricsAddress> metricsAddr, Duration deadHostRetention) {

    /** Where Docker looks for the legacy plugin named javaoverlay. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/docker/plugins/javaoverlay.sock");
    /** IANA VXLAN port. */
    public static final int DEFAULT_VXLAN_PORT = 4789;
    /** Below 4096, where Docker swarm's own overlay VNIs start. */
    public static final VniRange DEFAULT_VNI_RANGE = new VniRange(1, 4095);
    /** Same default as the IPAM module: /24 networks carved from 10.200.0.0/16. */
    public static final List<DefaultPool> DEFAULT_POOLS = List.of(new DefaultPool("10.200.0.0/16", 24));
    /**
     * A normal start (JVM, socket, store, netlink) takes one to three seconds; 15 s covers a slow
     * store connect and stays well under Docker's patience (a legacy plugin call has no time-out,
     * a managed plugin's 30 s).
     */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(15);
    /** The legacy plugin's name: the socket file name without {@code .sock}. */
    public static final String DEFAULT_DRIVER_NAME = "javaoverlay";
    /** The admin socket: its own directory, 0700, so only root reaches it. */
    public static final Path DEFAULT_ADMIN_SOCKET = Path.of("/run/javaoverlay/admin.sock");
    /** A dead host's records are collected after this long. */
    public static final Duration DEFAULT_DEAD_HOST_RETENTION = Duration.ofHours(1);


    /** The pre-token-file shape (no token file, the default ready time-out). */
    public DaemonConfig(StoreLocation store, Optional<String> advertiseAddr, Optional<String> hostId, Path socket, String scope,
                        Level logLevel, Optional<String> consulToken, int vxlanPort, VniRange vniRange,
                        List<DefaultPool> defaultPools, long maxBodyBytes) {
        this(store, advertiseAddr, hostId, socket, scope, logLevel, consulToken, vxlanPort, vniRange, defaultPools, maxBodyBytes,
                Optional.empty(), DEFAULT_READY_TIMEOUT);
    }

    /** The configuration with the default driver name ({@link #DEFAULT_DRIVER_NAME}). */
    public DaemonConfig(StoreLocation store, Optional<String> advertiseAddr, Optional<String> hostId, Path socket, String scope,
                        Level logLevel, Optional<String> consulToken, int vxlanPort, VniRange vniRange,
                        List<DefaultPool> defaultPools, long maxBodyBytes, Optional<Path> consulTokenFile,
                        Duration readyTimeout) {
        this(store, advertiseAddr, hostId, socket, scope, logLevel, consulToken, vxlanPort, vniRange, defaultPools, maxBodyBytes,
                consulTokenFile, readyTimeout, DEFAULT_DRIVER_NAME, Optional.empty(), ConsulTls.NONE, DEFAULT_ADMIN_SOCKET,
                Optional.empty(), DEFAULT_DEAD_HOST_RETENTION);
    }

    public DaemonConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(advertiseAddr, "advertiseAddr");
        Objects.requireNonNull(hostId, "hostId");
        if (hostId.isPresent() && !hostId.get().matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("--host-id '" + hostId.get() + "' must be 1-64 of [A-Za-z0-9._:-]");
        }
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(consulToken, "consulToken");
        Objects.requireNonNull(vniRange, "vniRange");
        defaultPools = List.copyOf(defaultPools);
        DriverSettings.withScope(scope); // validates
        Objects.requireNonNull(consulTokenFile, "consulTokenFile");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        if (consulToken.isPresent() && consulTokenFile.isPresent()) {
            throw new IllegalArgumentException("give either --consul-token (CONSUL_HTTP_TOKEN) or --consul-token-file "
                    + "(CONSUL_HTTP_TOKEN_FILE), not both");
        }
        if (readyTimeout.isNegative() || readyTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("--ready-timeout " + readyTimeout.toSeconds() + " s must lie within 0-300 s");
        }
        if (vxlanPort < 1 || vxlanPort > 65535) {
            throw new IllegalArgumentException("--vxlan-port " + vxlanPort + " out of range 1..65535");
        }
        Objects.requireNonNull(driverName, "driverName");
        // Docker plugin references: [registry[:port]/]path[:tag]; anything else can never match a driver.
        if (!driverName.matches("[a-z0-9][a-z0-9._/:-]{0,254}")) {
            throw new IllegalArgumentException("--driver-name '" + driverName + "' is not a Docker plugin name such as"
                    + " javaoverlay or javaoverlay:latest (lower case letters, digits and . _ / : -)");
        }
        Objects.requireNonNull(dockerHost, "dockerHost");
        Objects.requireNonNull(consulTls, "consulTls");
        Objects.requireNonNull(adminSocket, "adminSocket");
        if (!adminSocket.isAbsolute()) {
            throw new IllegalArgumentException("--admin-socket '" + adminSocket + "' must be an absolute path");
        }
        if (adminSocket.equals(socket)) {
            throw new IllegalArgumentException("--admin-socket must differ from --socket (" + socket + ")");
        }
        Objects.requireNonNull(metricsAddr, "metricsAddr");
        Objects.requireNonNull(deadHostRetention, "deadHostRetention");
        if (deadHostRetention.isNegative() || deadHostRetention.isZero()) {
            throw new IllegalArgumentException("--dead-host-retention must be positive");
        }
    }

    /**
     * TLS for Consul: a CA bundle to trust, a client certificate and key (mutual TLS), and whether
     * a {@code consul://HOST:PORT} store is spoken to over https.
     */
    public record ConsulTls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean https) {
        /** No TLS settings. */
        public static final ConsulTls NONE = new ConsulTls(Optional.empty(), Optional.empty(), Optional.empty(), false);

        public ConsulTls {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            if (certFile.isPresent() != keyFile.isPresent()) {
                throw new IllegalArgumentException("--consul-client-cert and --consul-client-key must be given together");
            }
        }

        /** True when any TLS setting is given. */
        public boolean any() {
            return https || caFile.isPresent() || certFile.isPresent();
        }
    }

    /** A TCP listen address, {@code HOST:PORT} or {@code [IPv6]:PORT}. */
    public record MetricsAddress(String host, int port) {
        public MetricsAddress {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("--metrics-addr needs a host, e.g. 127.0.0.1:9477");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--metrics-addr port " + port + " out of range 1..65535");
            }
        }

        /** Parses {@code HOST:PORT}, {@code [V6]:PORT}. */
        static MetricsAddress parse(String text) {
            String t = text.trim();
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("--metrics-addr '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:9477");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("--metrics-addr '" + text + "': write an IPv6 address as [ADDR]:PORT");
            }
            try {
                return new MetricsAddress(host, Integer.parseInt(t.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--metrics-addr '" + text + "': the port is not a number");
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
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


    /** This configuration with the token read from {@link #consulTokenFile()} (which it then drops). */
    public DaemonConfig withConsulToken(String token) {
        return new DaemonConfig(store, advertiseAddr, hostId, socket, scope, logLevel, Optional.of(token), vxlanPort, vniRange,
                defaultPools, maxBodyBytes, Optional.empty(), readyTimeout, driverName, dockerHost, consulTls, adminSocket,
                metricsAddr, deadHostRetention);
    }

    /** This configuration with another ready time-out. */
    public DaemonConfig withReadyTimeout(Duration timeout) {
        return new DaemonConfig(store, advertiseAddr, hostId, socket, scope, logLevel, consulToken, vxlanPort, vniRange,
                defaultPools, maxBodyBytes, consulTokenFile, timeout, driverName, dockerHost, consulTls, adminSocket,
                metricsAddr, deadHostRetention);
    }

    /** The static answers for Docker's registration calls. */
    public DriverSettings driverSettings() {
        return DriverSettings.withScope(scope);
    }

    /** VNIs {@code first..last} inclusive, within 1..2^24-1. */
    public record VniRange(int first, int last) {
        public VniRange {
            if (first < 1 || last > (1 << 24) - 1 || first > last) {
                throw new IllegalArgumentException("VNI range " + first + "-" + last + " must lie within 1-16777215, first <= last");
            }
        }

        static VniRange parse(String text) {
            String[] p = text.trim().split("-");
            try {
                if (p.length == 2) {
                    return new VniRange(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("--vni-range '" + text + "' is not FIRST-LAST, e.g. 1-4095");
        }

        @Override
        public String toString() {
            return first + "-" + last;
        }
    }

    /** A default address pool: subnets of length {@code size} carved from {@code base}. */
    public record DefaultPool(String base, int size) {
        public DefaultPool {
            Objects.requireNonNull(base, "base");
            int baseLen;
            try {
                baseLen = io.javaoverlay.netlink.IpPrefix.parse(base).prefixLength();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--default-pool base '" + base + "' is not a CIDR", e);
            }
            if (!base.contains("/") || size < baseLen || size > 30) {
                throw new IllegalArgumentException("--default-pool " + base + " size " + size
                        + ": size must be between the base prefix length and 30");
            }
        }

        /** {@code BASE/LEN:SIZE} or {@code base=BASE/LEN,size=SIZE} (Docker's daemon.json style). */
        static DefaultPool parse(String text) {
            String t = text.trim();
            String base;
            String size;
            if (t.startsWith("base=")) {
                String[] kv = t.split(",");
                base = kv[0].substring(5);
                size = kv.length > 1 && kv[1].startsWith("size=") ? kv[1].substring(5) : "";
            } else {
                int c = t.lastIndexOf(':');
                base = c < 0 ? t : t.substring(0, c);
                size = c < 0 ? "" : t.substring(c + 1);
            }
            try {
                return new DefaultPool(base, Integer.parseInt(size.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--default-pool '" + text + "' is not BASE/LEN:SIZE, e.g. 10.200.0.0/16:24");
            }
        }

        @Override
        public String toString() {
            return base + ":" + size;
        }
    }
}
