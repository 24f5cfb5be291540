package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamConfig;
import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.ipam.KvIpamService;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStores;
import io.javaoverlay.kvstore.ServiceCatalog;
import io.javaoverlay.kvstore.consul.ConsulConfig;
import io.javaoverlay.kvstore.consul.ConsulServiceCatalog;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.server.cluster.ClusterWiring;
import io.javaoverlay.server.metrics.MeteredIpamService;
import io.javaoverlay.server.metrics.MeteredKvStore;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.AdminWiring;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.server.cluster.ClusterService;
import io.javaoverlay.server.cluster.VxlanRecords;
import io.javaoverlay.vxlan.firewall.FirewallConfig;
import io.javaoverlay.vxlan.firewall.HostFirewall;
import io.javaoverlay.vxlan.Underlay;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.VxlanNetworkService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Constructor-injection wiring of the store-dependent services: store → IPAM; store + netlink +
 * IPAM → the overlay and the cluster around it ({@link ClusterWiring}). Main picks the kvstore
 * implementation from {@link DaemonConfig#store()} ({@code consul://} → Consul, {@code file://} → the
 * embedded local store).
 *
 * @param stores   opens the configured store
 * @param ipams    builds the IPAM service on a store
 * @param clusters builds the overlay and the cluster's parts on a store and an IPAM
 */
public record Wiring(StoreFactory stores, IpamFactory ipams, ClusterFactory clusters) implements RunningServices.Factory {

    /** Opens the kvstore named by the configuration. */
    @FunctionalInterface
    public interface StoreFactory {
        KvStore open(DaemonConfig config) throws Exception;
    }

    /** Builds the IPAM service. */
    @FunctionalInterface
    public interface IpamFactory {
        IpamService create(KvStore store, DaemonConfig config, String hostId) throws Exception;
    }

    /**
     * Builds the cluster service (netlink handle, VTEP, firewall, overlay, membership, reconcilers).
     * Anything else it opens and the service does not own goes into {@code toClose}; it is closed after
     * the service.
     */
    @FunctionalInterface
    public interface ClusterFactory {
        ClusterService create(KvStore store, IpamService ipam, DaemonConfig config, IpAddress vtep, String hostId,
                              List<AutoCloseable> toClose) throws Exception;
    }

    public Wiring {
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(ipams, "ipams");
        Objects.requireNonNull(clusters, "clusters");
    }

    @Override
    public RunningServices open(DaemonConfig config, IpAddress vtep) throws Exception {
        String hostId = config.hostId().orElse(vtep.toString());
        KvStore store = stores.open(config);
        List<AutoCloseable> owned = new ArrayList<>();
        owned.add(store);
        try {
            IpamService ipam = ipams.create(store, config, hostId);
            ClusterService cluster = clusters.create(store, ipam, config, vtep, hostId, owned);
            return new RunningServices(ipam, cluster, owned);
        } catch (Exception e) {
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The production wiring: kvstore (Consul or local), {@link KvIpamService}, {@link VxlanNetworkService} on rtnetlink. */
    public static Wiring production(Map<String, String> env) {
        return production(env, null);
    }

    /**
     * The production wiring, observed by the admin interface when {@code admin} is given: the store
     * and IPAM are metered, the reconcilers report their passes, and the services are attached.
     */
    public static Wiring production(Map<String, String> env, AdminContext admin) {
        return new Wiring(config -> admin == null ? openStore(config, env) : new MeteredKvStore(openStore(config, env), admin.metrics()),
                (store, config, hostId) -> {
                    IpamService ipam = ipam(store, config, hostId);
                    return admin == null ? ipam : new MeteredIpamService(ipam, admin.metrics());
                },
                (store, ipam, config, vtep, hostId, toClose) -> {
                    VxlanNetworkService overlay = network(store, config, vtep, hostId, toClose);
                    HostFirewall firewall = firewall(config);
                    toClose.add(firewall);
                    ServiceCatalog catalog = null;
                    if (config.serviceRegistration()) {
                        catalog = ConsulServiceCatalog.open(consulConfig(config, env));
                        toClose.add(catalog);
                    }
                    ClusterWiring.Cluster cluster = ClusterWiring.build(store, overlay, new VxlanRecords(overlay, store),
                            ipam, firewall, config, hostId, vtep, env, catalog);
                    if (admin != null) {
                        AdminWiring.attach(admin, store, overlay, ipam, hostId, vtep, cluster);
                    }
                    return cluster.service();
                });
    }

    /**
     * {@code consul://} → Consul (token from the flag, else CONSUL_HTTP_TOKEN; TLS from the flags, else
     * Consul's variables); {@code file://} → the local store.
     */
    static KvStore openStore(DaemonConfig config, Map<String, String> env) throws Exception {
        return KvStores.open(config.store().toString(), consulBase(config, env));
    }

    /** The Consul agent of a {@code consul://} store, with its token and TLS (for the service catalog). */
    static ConsulConfig consulConfig(DaemonConfig config, Map<String, String> env) {
        String spec = config.store().toString();
        ConsulConfig base = consulBase(config, env);
        return spec.equals("consul:") || spec.equals("consul://") ? base
                : KvStores.consulConfigFor(java.net.URI.create(spec), base);
    }

    private static ConsulConfig consulBase(DaemonConfig config, Map<String, String> env) {
        ConsulConfig base = ConsulConfig.fromEnv(env);
        if (config.consulToken().isPresent()) {
            base = base.withToken(config.consulToken().get());
        }
        ConsulTls tls = config.consulTls();
        if (tls.any()) {
            base = base.withTls(tls.caFile().orElse(base.caFile()), tls.certFile().orElse(base.certFile()),
                    tls.keyFile().orElse(base.keyFile()));
            if (!base.https()) {
                base = base.withAddress(java.net.URI.create("https://" + base.address().getRawAuthority()));
            }
        }
        return base;
    }

    static IpamService ipam(KvStore store, DaemonConfig config, String hostId) {
        DriverSettings s = config.driverSettings();
        IpamConfig defaults = IpamConfig.defaults(hostId);
        List<IpamConfig.DefaultPool> v4 = new ArrayList<>();
        for (DaemonConfig.DefaultPool p : config.defaultPools()) {
            v4.add(new IpamConfig.DefaultPool(p.base(), p.size()));
        }
        // The address-space names must be the ones GetDefaultAddressSpaces answers from static config.
        // The scope decides whose pool holder a ReleasePool removes (IpamConfig.Scope).
        IpamConfig c = new IpamConfig(s.localAddressSpace(), s.globalAddressSpace(), hostId, v4,
                defaults.defaultV6Pools(), defaults.maxAttempts(), defaults.retryBackoff(),
                IpamConfig.Scope.parse(s.scope()));
        return new KvIpamService(store, c);
    }

    /**
     * The overlay on rtnetlink. Only once the VTEP is known to be local (the underlay resolves) is the
     * firewall touched: a daemon that never reaches the data plane leaves the namespace's firewall alone.
     */
    static VxlanNetworkService network(KvStore store, DaemonConfig config, IpAddress vtep, String hostId,
                                       List<AutoCloseable> toClose) throws Exception {
        Netlink.ensureAvailable();
        NetlinkHandle handle = Netlink.open();
        toClose.add(handle);
        Underlay underlay = Underlay.resolve(handle, Optional.of(vtep.toString()));
        DriverSettings s = config.driverSettings();
        VxlanConfig vc = VxlanConfig.builder(hostId, underlay)
                .port(config.vxlanPort())
                .vniRange(config.vniRange().first(), config.vniRange().last())
                .singleHost(config.store() instanceof StoreLocation.File)
                .ipamAddressSpaces(Set.of(s.localAddressSpace(), s.globalAddressSpace()))
                .resyncInterval(config.resyncInterval())
                .bumLimits(config.bumLimits())
                .fastPath(config.fastPath())
                .build();
        return new VxlanNetworkService(handle, store, vc);
    }

    /**
     * The bridges are created in this process's namespace, where Docker's FORWARD DROP policy would drop
     * the frames bridged in them (br_netfilter): the accept rules (IPv4 and IPv6) and the VXLAN ingress
     * filter are checked at once, in the background (start-up never waits for a firewall command), and
     * again every resync, so a firewall reload or flush is repaired within one.
     */
    static HostFirewall firewall(DaemonConfig config) {
        HostFirewall f = HostFirewall.system(FirewallConfig.defaults()
                .withIngressFilter(config.vxlanIngressFilter())
                .withVxlanPort(config.vxlanPort())
                .withResyncInterval(config.resyncInterval()));
        f.start();
        return f;
    }
}
