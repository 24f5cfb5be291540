package io.javaoverlay.server;

import io.javaoverlay.server.resource.DockerMediaFilter;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.vxlan.VxlanConfig;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code javaoverlay daemon} is configured with, after flag &gt; environment &gt; default
 * resolution ({@link CommandLine}). Build one with {@link #builder(StoreLocation)}: every setting
 * but the store has its default there.
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
 * @param resyncInterval    period of every safety-net pass: the reconcilers, the firewall check, the
 *                          endpoint reconciler against Docker, the replicator's slow poll
 * @param endpointGrace     records and claims younger than this are never judged against Docker
 *                          (creates in flight)
 * @param deadHostTimeout   silence after which a host is no longer ALIVE (then SILENT or DEAD)
 * @param vtepProbe         ask a silent host's VTEP (ICMP echo) before declaring it DEAD
 * @param vxlanIngressFilter accept VXLAN only from the VTEPs of known hosts (nftables)
 * @param bumLimits         {@code --bum-warn-hosts}, {@code --bum-max-hosts}: cost guard of BUM replication
 * @param dnsAddr           where the container-name resolver listens: {@code auto} (the VTEP address) or
 *                          {@code IP[:PORT]}; empty = no resolver and no name records
 * @param dnsUpstreams      resolvers for every other name; empty = the host's /etc/resolv.conf servers
 * @param serviceRegistration register labelled containers in Consul's catalog (needs a Consul store)
 * @param fastPath          containers' unicast frames between hosts bypass the bridge by tc redirects
 */
public record DaemonConfig(StoreLocation store, Optional<String> advertiseAddr, Optional<String> hostId, Path socket, String scope,
                           Level logLevel, Optional<String> consulToken, int vxlanPort, VniRange vniRange,
                           List<DefaultPool> defaultPools, long maxBodyBytes, Optional<Path> consulTokenFile,
                           Duration readyTimeout, String driverName, Optional<String> dockerHost, ConsulTls consulTls,
                           Path adminSocket, Optional<MetricsAddress> metricsAddr, Duration deadHostRetention,
                           Duration resyncInterval, Duration endpointGrace, Duration deadHostTimeout, boolean vtepProbe,
                           boolean vxlanIngressFilter, VxlanConfig.BumLimits bumLimits, Optional<String> dnsAddr,
                           List<InetSocketAddress> dnsUpstreams, boolean serviceRegistration, boolean fastPath) {

    /** Where Docker looks for the legacy plugin named javaoverlay. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/docker/plugins/javaoverlay.sock");
    /** IANA VXLAN port. */
    public static final int DEFAULT_VXLAN_PORT = 4789;
    /** Below 4096, where Docker swarm's own overlay VNIs start. */
    public static final VniRange DEFAULT_VNI_RANGE = new VniRange(1, 4095);
    /** Same default as the IPAM module: /24 networks carved from 10.200.0.0/16. */
    public static final List<DefaultPool> DEFAULT_POOLS = List.of(new DefaultPool(IpPrefix.parse("10.200.0.0/16"), 24));
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
    /** Period of the safety-net passes (reconcilers, firewall, endpoints against Docker). */
    public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofSeconds(30);
    /** Records younger than this are left alone by the endpoint reconciler (creates in flight). */
    public static final Duration DEFAULT_ENDPOINT_GRACE = Duration.ofSeconds(60);
    /** Silence after which a host is no longer ALIVE. */
    public static final Duration DEFAULT_DEAD_HOST_TIMEOUT = Duration.ofSeconds(6);

    public DaemonConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(advertiseAddr, "advertiseAddr");
        Objects.requireNonNull(hostId, "hostId");
        if (hostId.isPresent() && !io.javaoverlay.server.cluster.ClusterKeys.isValidHostId(hostId.get())) {
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
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        if (resyncInterval.compareTo(Duration.ofSeconds(1)) < 0 || resyncInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--resync-interval " + resyncInterval.toMillis() + " ms must lie within 1s-1h");
        }
        Objects.requireNonNull(endpointGrace, "endpointGrace");
        if (endpointGrace.isNegative() || endpointGrace.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("--endpoint-grace must lie within 0s-24h");
        }
        Objects.requireNonNull(deadHostTimeout, "deadHostTimeout");
        // Membership beats every second and needs at least two beats of silence to judge.
        if (deadHostTimeout.compareTo(Duration.ofSeconds(2)) < 0 || deadHostTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--dead-host-timeout " + deadHostTimeout.toMillis()
                    + " ms must lie within 2s-1h (hosts beat every second)");
        }
        Objects.requireNonNull(dnsAddr, "dnsAddr");
        dnsAddr = dnsAddr.map(String::trim).filter(a -> !a.isEmpty());
        if (dnsAddr.isPresent() && !dnsAddr.get().equals(DNS_AUTO)) {
            try {
                io.javaoverlay.server.dns.DnsConfig.parseAddress(dnsAddr.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--dns-addr: " + e.getMessage() + " (give auto, IP or IP:PORT)", e);
            }
        }
        dnsUpstreams = List.copyOf(dnsUpstreams);
        if (serviceRegistration && store instanceof StoreLocation.File) {
            throw new IllegalArgumentException("--service-registration needs a Consul store (--store consul://...);"
                    + " the embedded file store has no service catalog");
        }
    }

    /** {@code --dns-addr auto}: serve DNS on this host's VTEP (advertise) address, port 53. */
    public static final String DNS_AUTO = "auto";

    /** This configuration with the token read from {@link #consulTokenFile()} (which it then drops). */
    public DaemonConfig withConsulToken(String token) {
        return toBuilder().consulToken(Optional.of(token)).consulTokenFile(Optional.empty()).build();
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
    public record DefaultPool(IpPrefix base, int size) {
        public DefaultPool {
            Objects.requireNonNull(base, "base");
            if (size < base.prefixLength() || size > 30) {
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
            IpPrefix block;
            try {
                block = IpPrefix.parse(base);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--default-pool base '" + base + "' is not a CIDR", e);
            }
            try {
                return new DefaultPool(block, Integer.parseInt(size.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--default-pool '" + text + "' is not BASE/LEN:SIZE, e.g. 10.200.0.0/16:24");
            }
        }

        @Override
        public String toString() {
            return base + ":" + size;
        }
    }

    /** A builder for a configuration with the store {@code store} and every other setting at its default. */
    public static Builder builder(StoreLocation store) {
        return new Builder(store);
    }

    /** A builder holding this configuration's values, to derive a changed one. */
    public Builder toBuilder() {
        return new Builder(store)
                .advertiseAddr(advertiseAddr)
                .hostId(hostId)
                .socket(socket)
                .scope(scope)
                .logLevel(logLevel)
                .consulToken(consulToken)
                .vxlanPort(vxlanPort)
                .vniRange(vniRange)
                .defaultPools(defaultPools)
                .maxBodyBytes(maxBodyBytes)
                .consulTokenFile(consulTokenFile)
                .readyTimeout(readyTimeout)
                .driverName(driverName)
                .dockerHost(dockerHost)
                .consulTls(consulTls)
                .adminSocket(adminSocket)
                .metricsAddr(metricsAddr)
                .deadHostRetention(deadHostRetention)
                .resyncInterval(resyncInterval)
                .endpointGrace(endpointGrace)
                .deadHostTimeout(deadHostTimeout)
                .vtepProbe(vtepProbe)
                .vxlanIngressFilter(vxlanIngressFilter)
                .bumLimits(bumLimits)
                .dnsAddr(dnsAddr)
                .dnsUpstreams(dnsUpstreams)
                .serviceRegistration(serviceRegistration)
                .fastPath(fastPath);
    }

    /** Named settings for a {@link DaemonConfig}; {@link #build()} validates them as the constructor does. */
    public static final class Builder {
        private StoreLocation store;
        private Optional<String> advertiseAddr = Optional.empty();
        private Optional<String> hostId = Optional.empty();
        private Path socket = DEFAULT_SOCKET;
        private String scope = "local";
        private Level logLevel = Level.INFO;
        private Optional<String> consulToken = Optional.empty();
        private int vxlanPort = DEFAULT_VXLAN_PORT;
        private VniRange vniRange = DEFAULT_VNI_RANGE;
        private List<DefaultPool> defaultPools = DEFAULT_POOLS;
        private long maxBodyBytes = DockerMediaFilter.DEFAULT_MAX_BODY_BYTES;
        private Optional<Path> consulTokenFile = Optional.empty();
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private String driverName = DEFAULT_DRIVER_NAME;
        private Optional<String> dockerHost = Optional.empty();
        private ConsulTls consulTls = ConsulTls.NONE;
        private Path adminSocket = DEFAULT_ADMIN_SOCKET;
        private Optional<MetricsAddress> metricsAddr = Optional.empty();
        private Duration deadHostRetention = DEFAULT_DEAD_HOST_RETENTION;
        private Duration resyncInterval = DEFAULT_RESYNC_INTERVAL;
        private Duration endpointGrace = DEFAULT_ENDPOINT_GRACE;
        private Duration deadHostTimeout = DEFAULT_DEAD_HOST_TIMEOUT;
        private boolean vtepProbe = true;
        private boolean vxlanIngressFilter = true;
        private boolean fastPath = true;
        private VxlanConfig.BumLimits bumLimits = VxlanConfig.BumLimits.DEFAULT;
        private Optional<String> dnsAddr = Optional.empty();
        private List<InetSocketAddress> dnsUpstreams = List.of();
        private boolean serviceRegistration;

        private Builder(StoreLocation store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Where state lives. */
        public Builder store(StoreLocation value) {
            this.store = value;
            return this;
        }

        /** {@code --advertise-addr}: VTEP address or interface name. */
        public Builder advertiseAddr(Optional<String> value) {
            this.advertiseAddr = value;
            return this;
        }

        /** {@code --host-id}. */
        public Builder hostId(Optional<String> value) {
            this.hostId = value;
            return this;
        }

        /** {@code --socket}. */
        public Builder socket(Path value) {
            this.socket = value;
            return this;
        }

        /** {@code --scope}: {@code local} or {@code global}. */
        public Builder scope(String value) {
            this.scope = value;
            return this;
        }

        /** {@code --log-level}. */
        public Builder logLevel(Level value) {
            this.logLevel = value;
            return this;
        }

        /** {@code --consul-token} (never logged). */
        public Builder consulToken(Optional<String> value) {
            this.consulToken = value;
            return this;
        }

        /** {@code --vxlan-port}. */
        public Builder vxlanPort(int value) {
            this.vxlanPort = value;
            return this;
        }

        /** {@code --vni-range}. */
        public Builder vniRange(VniRange value) {
            this.vniRange = value;
            return this;
        }

        /** {@code --default-pool}. */
        public Builder defaultPools(List<DefaultPool> value) {
            this.defaultPools = value;
            return this;
        }

        /** The request body limit. */
        public Builder maxBodyBytes(long value) {
            this.maxBodyBytes = value;
            return this;
        }

        /** {@code --consul-token-file}. */
        public Builder consulTokenFile(Optional<Path> value) {
            this.consulTokenFile = value;
            return this;
        }

        /** {@code --ready-timeout}. */
        public Builder readyTimeout(Duration value) {
            this.readyTimeout = value;
            return this;
        }

        /** {@code --driver-name}. */
        public Builder driverName(String value) {
            this.driverName = value;
            return this;
        }

        /** {@code --docker-host}. */
        public Builder dockerHost(Optional<String> value) {
            this.dockerHost = value;
            return this;
        }

        /** The Consul TLS settings. */
        public Builder consulTls(ConsulTls value) {
            this.consulTls = value;
            return this;
        }

        /** {@code --admin-socket}. */
        public Builder adminSocket(Path value) {
            this.adminSocket = value;
            return this;
        }

        /** {@code --metrics-addr}. */
        public Builder metricsAddr(Optional<MetricsAddress> value) {
            this.metricsAddr = value;
            return this;
        }

        /** {@code --dead-host-retention}. */
        public Builder deadHostRetention(Duration value) {
            this.deadHostRetention = value;
            return this;
        }

        /** {@code --resync-interval}. */
        public Builder resyncInterval(Duration value) {
            this.resyncInterval = value;
            return this;
        }

        /** {@code --endpoint-grace}. */
        public Builder endpointGrace(Duration value) {
            this.endpointGrace = value;
            return this;
        }

        /** {@code --dead-host-timeout}. */
        public Builder deadHostTimeout(Duration value) {
            this.deadHostTimeout = value;
            return this;
        }

        /** {@code --vtep-probe}. */
        public Builder vtepProbe(boolean value) {
            this.vtepProbe = value;
            return this;
        }

        /** {@code --vxlan-ingress-filter}. */
        public Builder vxlanIngressFilter(boolean value) {
            this.vxlanIngressFilter = value;
            return this;
        }

        /** {@code --fast-path}. */
        public Builder fastPath(boolean value) {
            this.fastPath = value;
            return this;
        }

        /** {@code --bum-warn-hosts}, {@code --bum-max-hosts}. */
        public Builder bumLimits(VxlanConfig.BumLimits value) {
            this.bumLimits = value;
            return this;
        }

        /** {@code --dns-addr}: {@code auto} or {@code IP[:PORT]}; empty = off. */
        public Builder dnsAddr(Optional<String> value) {
            this.dnsAddr = value;
            return this;
        }

        /** {@code --dns-upstream}. */
        public Builder dnsUpstreams(List<InetSocketAddress> value) {
            this.dnsUpstreams = value;
            return this;
        }

        /** {@code --service-registration}. */
        public Builder serviceRegistration(boolean value) {
            this.serviceRegistration = value;
            return this;
        }

        /** The validated configuration. @throws IllegalArgumentException naming the flag that is wrong */
        public DaemonConfig build() {
            return new DaemonConfig(store, advertiseAddr, hostId, socket, scope, logLevel, consulToken, vxlanPort, vniRange, defaultPools, maxBodyBytes, consulTokenFile, readyTimeout, driverName, dockerHost, consulTls, adminSocket, metricsAddr, deadHostRetention, resyncInterval, endpointGrace, deadHostTimeout, vtepProbe,
                    vxlanIngressFilter, bumLimits, dnsAddr, dnsUpstreams, serviceRegistration, fastPath);
        }
    }
}
