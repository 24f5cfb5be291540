package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.server.DaemonConfig;
import io.javaoverlay.server.StoreLocation;
import io.javaoverlay.server.Version;
import io.javaoverlay.kvstore.ServiceCatalog;
import io.javaoverlay.server.dns.ContainerDns;
import io.javaoverlay.server.dns.DnsConfig;
import io.javaoverlay.server.dns.NamePublisher;
import io.javaoverlay.server.docker.ContainerInspect;
import io.javaoverlay.server.docker.DockerClient;
import io.javaoverlay.server.docker.DockerNetwork;
import io.javaoverlay.server.docker.UnixHttpClient;
import io.javaoverlay.server.services.ContainerSync;
import io.javaoverlay.server.services.ServiceRegistrar;
import io.javaoverlay.server.docker.DockerView;
import io.javaoverlay.server.docker.LocalNetwork;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.firewall.HostFirewall;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the cluster package's parts around a network service and wires them to each other, in every
 * mode (scope local and global, Consul and the file store):
 * <ul>
 *   <li>{@link Membership} beats and judges every host; its DEAD set goes to the overlay
 *       ({@code setWithdrawnHosts}: their peers are withdrawn), the VTEPs of every host not DEAD to the
 *       firewall's VXLAN ingress filter ({@link HostFirewall#allowVteps}); status and metrics read it;</li>
 *   <li>one {@link DockerView} (driver {@code --driver-name}, socket {@code --docker-host}) feeds the
 *       {@link EndpointReconciler}, the replicator and the status' Docker names;</li>
 *   <li>the {@link NetworkReplicator} runs only for {@code Scope: local} with a shared store (Docker 24+
 *       keeps each network on one host): with {@code --scope global} (Docker 20.10 cluster store)
 *       Docker replicates the networks itself, and the embedded store has one host.
 *       {@code JAVAOVERLAY_REPLICATE=false} turns it off;</li>
 *   <li>in scope local, {@link GoneNetworks} forgets this host's networks that Docker no longer has,
 *       when the replicator finds them, or else the endpoint reconciler or a CreateNetwork they block;</li>
 *   <li>the {@link DeadHostCollector} collects hosts DEAD for {@code --dead-host-retention}.</li>
 * </ul>
 * Every period is {@code --resync-interval}; the replicator is woken by Docker's events and by the
 * store watch, the resync is its slow safety poll.
 */
public final class ClusterWiring {
    private static final System.Logger LOG = System.getLogger(ClusterWiring.class.getName());
    /** Bound on one Docker API call; dockerd answers network calls in milliseconds unless it is stuck. */
    static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(10);
    /** Membership heartbeat. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private ClusterWiring() {}

    /**
     * The built cluster: the edge service (which starts and stops the parts) and the parts the admin
     * interface reads.
     */
    public record Cluster(ClusterService service, Membership membership, DockerView docker, NetworkIdentity identity,
                          DeadHostCollector collector, OverlayRecords records, Optional<ContainerSync> names,
                          Optional<ContainerDns> dns) {}

    /** TTL of a registered service's check; the registrar renews it every third of it. */
    static final Duration SERVICE_TTL = Duration.ofSeconds(15);
    /** The names pass runs at least this often, so a record removed while this host was judged dead returns. */
    static final Duration NAMES_PERIOD = Duration.ofSeconds(10);

    /**
     * Builds the cluster around {@code overlay}.
     *
     * @param store    the store (owned by the caller)
     * @param overlay  the network service, keyed by cluster network ID
     * @param records  the overlay's records as the repair loops read them
     * @param ipam     the IPAM
     * @param firewall this host's firewall (started by the caller; only told the allowed VTEPs here)
     * @param config   the daemon's settings
     * @param hostId   this host
     * @param vtep     this host's VTEP
     * @param env      the environment ({@code JAVAOVERLAY_REPLICATE})
     * @param catalog  Consul's service catalog for {@code --service-registration}, or null (off)
     */
    public static Cluster build(KvStore store, NetworkService overlay, OverlayRecords records, IpamService ipam,
                                HostFirewall firewall, DaemonConfig config, String hostId, IpAddress vtep,
                                Map<String, String> env, ServiceCatalog catalog) {
        boolean global = config.scope().equals("global");
        boolean singleHost = config.store() instanceof StoreLocation.File;
        NetworkIdentity identity = new NetworkIdentity(store, new OverlayStore(store), hostId, global);
        Membership membership = new Membership(store,
                new HostRecord(hostId, vtep.toString(), hostname(env), Version.current(), System.currentTimeMillis(), 0),
                new Membership.Settings(HEARTBEAT, config.deadHostTimeout(), config.vtepProbe(), Duration.ofSeconds(1)),
                config.vtepProbe() ? new IcmpProber() : (v, t) -> false);
        Path socket = DockerClient.socketFor(config.dockerHost());
        DockerView view = new DockerView(new DockerView.Settings(socket, config.driverName(), config.resyncInterval(),
                DOCKER_TIMEOUT));
        // Networks Docker no longer has: the replicator judges them where it runs (its alias is what a
        // pending DeleteNetwork marks on every host); otherwise, in scope local, the endpoint reconciler
        // and CreateNetwork do. Either way GoneNetworks forgets them.
        DockerClient dockerApi = new DockerClient(socket, DOCKER_TIMEOUT);   // stateless: one per call's connection
        Optional<GoneNetworks> gone = global ? Optional.empty()
                : Optional.of(new GoneNetworks(dockerApi, identity, records, ipam,
                        overlay::forgetLocalNetwork));
        Optional<GoneNetworks> judge = replicates(config, env) ? Optional.empty() : gone;
        EndpointReconciler reconciler = new EndpointReconciler(hostId, vtep, view::snapshot, records, ipam, identity,
                new EndpointReconciler.Settings(config.endpointGrace(), config.resyncInterval(), !global),
                Clock.systemUTC(), store.describe(), judge.orElse(null),
                id -> dockerApi.inspectNetwork(id).map(DockerNetwork::driver));
        Duration collectEvery = min(config.resyncInterval(), max(Duration.ofSeconds(1), config.deadHostRetention().dividedBy(4)));
        DeadHostCollector collector = new DeadHostCollector(hostId, membership, records, ipam, identity, store,
                config.deadHostRetention(), collectEvery);

        Optional<NetworkReplicator> replicator = Optional.empty();
        ReplicatorLoop loop = null;
        if (replicates(config, env)) {
            NetworkReplicator r = new NetworkReplicator(new DockerClient(socket, DOCKER_TIMEOUT), store, identity, membership,
                    hostId, Clock.systemUTC(), config.driverName(), gone.orElseThrow()::forgetIfGone);
            loop = new ReplicatorLoop(r, store, config.resyncInterval());
            replicator = Optional.of(r);
            LOG.log(Level.INFO, "replicating " + config.driverName() + " networks to every host through " + store.describe()
                    + " (Docker API " + socket + ")");
        }
        ReplicatorLoop replicatorLoop = loop;

        PeerPush push = new PeerPush(overlay, firewall, config.deadHostRetention(), Clock.systemUTC());
        membership.addListener(push);
        overlay.addPeerVtepListener(push::peerVtepsChanged);
        view.addListener(new DockerTriggers(reconciler, replicatorLoop));

        List<OverlayClusterService.Part> parts = new ArrayList<>();
        parts.add(part("membership", membership::start, membership::close));
        parts.add(part("Docker view", view::start, view::close));
        if (replicatorLoop != null) {
            parts.add(part("replicator", replicatorLoop::start, replicatorLoop::close));
        }
        parts.add(part("endpoint reconciler", reconciler::start, reconciler::close));
        parts.add(part("dead-host collector", collector::start, collector::close));
        gone.ifPresent(g -> parts.add(part("gone-network sweeper", () -> { }, g::close)));
        Optional<ContainerDns> dns = config.dnsAddr().map(a -> new ContainerDns(dnsConfig(config, vtep), store));
        Optional<ContainerSync> names = Optional.empty();
        if (dns.isPresent() || catalog != null) {
            UnixHttpClient docker = new UnixHttpClient(socket, DOCKER_TIMEOUT);
            ContainerSync sync = new ContainerSync(hostId, identity::clusterIdOf, () -> gateways(docker),
                    dns.map(d -> new NamePublisher(store, hostId)).orElse(null), dns.map(ContainerDns::index).orElse(null),
                    catalog == null ? null : new ServiceRegistrar(catalog, hostId, SERVICE_TTL),
                    min(config.resyncInterval(), NAMES_PERIOD), SERVICE_TTL);
            view.addListener(sync);
            membership.addListener((hosts, changes) -> {
                Set<String> dead = new TreeSet<>();
                hosts.values().stream().filter(v -> v.state() == Liveness.DEAD).forEach(v -> dead.add(v.hostId()));
                sync.hostsDead(dead);
            });
            collector.addHook(sync::removeHost);
            dns.ifPresent(d -> parts.add(part("container DNS", d::start, d::close)));
            parts.add(part("container names and services", sync::start, sync::close));
            names = Optional.of(sync);
            LOG.log(Level.INFO, "container names: " + (dns.isPresent() ? "published to " + store.describe()
                    + " and served on " + dnsConfig(config, vtep).listen() : "off (no --dns-addr)")
                    + "; service registration: " + (catalog == null ? "off" : "on, through " + catalog.describe()));
        }
        Runnable poke = replicatorLoop == null ? () -> { } : replicatorLoop::poke;
        ClusterService service = new OverlayClusterService(overlay, identity, new ReleaseGuard(ipam, records), replicator,
                poke, Set.of(config.driverSettings().localAddressSpace(), config.driverSettings().globalAddressSpace()),
                singleHost, judge, parts);
        LOG.log(Level.INFO, "cluster: host " + hostId + " (VTEP " + vtep + "), dead after " + seconds(config.deadHostTimeout())
                + (config.vtepProbe() ? " of silence and failed VTEP probes" : " of silence (VTEP probe off)")
                + ", collected after " + seconds(config.deadHostRetention()) + "; endpoints checked against Docker every "
                + seconds(config.resyncInterval()) + " (grace " + seconds(config.endpointGrace()) + ")");
        return new Cluster(service, membership, view, identity, collector, records, names, dns);
    }

    /** The resolver's settings: {@code --dns-addr} ({@code auto} = the VTEP, port 53) and {@code --dns-upstream}. */
    static DnsConfig dnsConfig(DaemonConfig config, IpAddress vtep) {
        String addr = config.dnsAddr().orElseThrow();
        InetSocketAddress listen = addr.equals(DaemonConfig.DNS_AUTO)
                ? new InetSocketAddress(vtep.toInetAddress(), DnsConfig.DNS_PORT) : DnsConfig.parseAddress(addr);
        return DnsConfig.defaults(listen).withUpstreams(config.dnsUpstreams());
    }

    /** Container ID → docker_gwbridge address ({@code GET /networks/docker_gwbridge}; none before it exists). */
    private static Map<String, IpAddress> gateways(UnixHttpClient docker) throws java.io.IOException {
        UnixHttpClient.Response r = docker.send("GET", "/networks/docker_gwbridge", null);
        if (r.status() == 404) {
            return Map.of();
        }
        if (r.status() / 100 != 2) {
            throw new java.io.IOException("GET /networks/docker_gwbridge -> " + r.status() + ": " + r.text().trim());
        }
        return ContainerInspect.gatewayAddresses(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()));
    }

    /** Scope local, a shared store, and not switched off ({@code JAVAOVERLAY_REPLICATE=false}). */
    public static boolean replicates(DaemonConfig config, Map<String, String> env) {
        return config.scope().equals("local") && !(config.store() instanceof StoreLocation.File)
                && !"false".equalsIgnoreCase(env.getOrDefault("JAVAOVERLAY_REPLICATE", "true"));
    }

    /**
     * Pushes the membership to the data plane: the DEAD hosts to the overlay (their peers are
     * withdrawn), the VTEPs of every other known host to the VXLAN ingress filter. Each only when it
     * changed (a push to the overlay triggers every network's pass).
     *
     * <p>The filter also admits every VTEP this host's data plane sends to ({@link #peerVtepsChanged}):
     * the store's endpoint records arrive through a watch, while the membership reads {@code hosts/} once
     * per heartbeat. Without this, a host that had just started could have its first container running
     * before the others had read its heartbeat, and they dropped its first packets (a late host's first
     * ping was lost in MultiHostDocker28IT). Endpoint records are written by the same cluster members,
     * through the same store, as heartbeats: the trust is the same. A DEAD host's VTEP stays out even
     * while it is still a peer.
     *
     * <p>The filter narrows only on evidence, like the data plane: a VTEP leaves it at once when its
     * host is DEAD, but a VTEP that is merely no longer listed (the store lost its data, a daemon reads
     * a wrong prefix, or it restarted and has not read the hosts yet; at the first push, what the
     * kernel's table already allows counts as listed before) stays allowed for {@code keep} (the
     * dead-host retention) from when it was last listed, so frozen networks keep carrying traffic.
     */
    static final class PeerPush implements Membership.Listener {
        private final NetworkService overlay;
        private final HostFirewall firewall;
        private final Duration keep;
        private final Clock clock;
        private final Map<IpAddress, Instant> unlisted = new HashMap<>();
        private Set<String> lastDead;
        private Set<IpAddress> lastAllowed;
        /** The membership's last hosts; null until its first look (the filter waits for it). */
        private Map<String, HostView> hosts;
        private Set<IpAddress> peers = Set.of();

        PeerPush(NetworkService overlay, HostFirewall firewall, Duration keep, Clock clock) {
            this.overlay = overlay;
            this.firewall = firewall;
            this.keep = keep;
            this.clock = clock;
        }

        @Override
        public synchronized void membershipChanged(Map<String, HostView> hosts, List<Membership.Change> changes) {
            Set<String> dead = new TreeSet<>();
            for (HostView v : hosts.values()) {
                if (v.state() == Liveness.DEAD) {
                    dead.add(v.hostId());
                }
            }
            if (!dead.equals(lastDead)) {
                overlay.setWithdrawnHosts(dead);
                lastDead = dead;
            }
            this.hosts = Map.copyOf(hosts);
            pushFilter();
        }

        /** The VTEPs this host's data plane sends to now (from the overlay's passes). */
        synchronized void peerVtepsChanged(Set<IpAddress> vteps) {
            peers = Set.copyOf(vteps);
            if (hosts != null) {
                pushFilter();
            }
        }

        private void pushFilter() {
            if (firewall == null) {
                return;
            }
            Set<IpAddress> listed = new HashSet<>();
            Set<IpAddress> deadVteps = new HashSet<>();
            for (HostView v : hosts.values()) {
                v.vtep().ifPresent(v.state() == Liveness.DEAD ? deadVteps::add : listed::add);
            }
            Set<IpAddress> peersNow = new HashSet<>(peers);
            peersNow.removeAll(deadVteps);
            listed.addAll(peersNow);
            Instant now = clock.instant();
            Set<IpAddress> before = lastAllowed != null ? lastAllowed : firewall.installedVteps();
            for (IpAddress v : before) {
                unlisted.putIfAbsent(v, now);
            }
            unlisted.keySet().removeAll(listed);
            unlisted.keySet().removeAll(deadVteps);
            unlisted.values().removeIf(since -> since.plus(keep).isBefore(now));
            Set<IpAddress> allowed = new HashSet<>(listed);
            allowed.addAll(unlisted.keySet());
            if (!allowed.isEmpty() && !allowed.equals(lastAllowed)) {
                firewall.allowVteps(allowed);
                lastAllowed = allowed;
            }
        }
    }

    /**
     * Docker view changes: the endpoint reconciler looks at every change (it rate-limits itself), the
     * replicator only when this host's networks or their endpoint counts changed.
     */
    static final class DockerTriggers implements DockerView.Listener {
        private final EndpointReconciler reconciler;
        private final ReplicatorLoop loop;
        private final AtomicReference<Map<String, Integer>> lastNetworks = new AtomicReference<>();

        DockerTriggers(EndpointReconciler reconciler, ReplicatorLoop loop) {
            this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
            this.loop = loop;
        }

        @Override
        public void changed(DockerView.Snapshot s) {
            reconciler.trigger();
            if (loop == null || !s.complete()) {
                return;
            }
            Map<String, Integer> nets = new TreeMap<>();
            for (LocalNetwork n : s.networks().values()) {
                nets.put(n.id(), n.endpoints().size());
            }
            if (!nets.equals(lastNetworks.getAndSet(nets))) {
                loop.trigger();
            }
        }
    }

    private static OverlayClusterService.Part part(String name, Runnable start, Runnable close) {
        return new OverlayClusterService.Part() {
            @Override
            public void start() {
                start.run();
            }

            @Override
            public void close() {
                close.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** The UTS host name, read without a DNS lookup (InetAddress.getLocalHost() can hang for seconds). */
    static String hostname(Map<String, String> env) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return env.getOrDefault("HOSTNAME", "");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
