package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.server.DaemonConfig;
import io.javaoverlay.server.StoreLocation;
import io.javaoverlay.server.docker.DockerClient;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.cluster.LegacyNetworkDriver;
import io.javaoverlay.vxlan.cluster.HostRecord;
import io.javaoverlay.vxlan.cluster.HostRegistry;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether this daemon replicates network definitions through the store, and builds the
 * pieces. Replication is on for {@code Scope: local} with a shared store (Consul): that is the
 * Docker 24+ case where Docker itself keeps each network on one host. With {@code --scope global}
 * (Docker 20.10 with a cluster store) Docker replicates the networks itself; with the embedded
 * single-host store there is nothing to replicate to.
 *
 * <p>The Docker socket is {@code --docker-host} ({@code unix:///PATH}; default {@code /run/docker.sock},
 * then {@code /var/run/docker.sock}). Environment:
 * {@code JAVAOVERLAY_REPLICATE=false} turns replication off, {@code JAVAOVERLAY_REPLICATE_POLL_MS}
 * sets the Docker poll interval (default 2000).
 */
public final class ClusterWiring {
    private static final System.Logger LOG = System.getLogger(ClusterWiring.class.getName());
    /** Bound on one Docker API call; dockerd answers network calls in milliseconds unless it is stuck. */
    static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(10);

    private ClusterWiring() {}

    /** {@code service} itself, or wrapped with a replicator when replication applies. */
    public static LegacyNetworkDriver wrap(LegacyNetworkDriver service, KvStore store, DaemonConfig config, String hostId,
                                      IpAddress vtep, Map<String, String> env) {
        if (!enabled(config, env)) {
            return service;
        }
        // --docker-host (JAVAOVERLAY_DOCKER_HOST, DOCKER_HOST honoured) is resolved by the command line.
        Optional<String> host = config.dockerHost();
        Path socket = DockerClient.socketFor(host);
        Duration poll = Duration.ofMillis(Long.parseLong(env.getOrDefault("JAVAOVERLAY_REPLICATE_POLL_MS", "2000")));
        NetworkReplicator replicator = new NetworkReplicator(new DockerClient(socket, DOCKER_TIMEOUT), store,
                new AliasDirectory(store, hostId), hostId, Clock.systemUTC(), config.driverName());
        LOG.log(Level.INFO, "replicating " + config.driverName() + " networks to every host through " + store.describe()
                + " (Docker API " + socket + ", poll " + poll.toMillis() + " ms)");
        HostRegistry hosts = new HostRegistry(store, new HostRecord(hostId, vtep.toString(), hostname(env),
                System.currentTimeMillis()), HostRegistry.DEFAULT_TTL);
        return new ClusterNetworkService(service, replicator, new ReplicatorLoop(replicator, store, poll), hosts);
    }

    /** The UTS host name, read without a DNS lookup (IpAddress.getLocalHost() can hang for seconds). */
    private static String hostname(Map<String, String> env) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return env.getOrDefault("HOSTNAME", "");
        }
    }

    /** Scope local, a shared store, and not switched off. */
    public static boolean enabled(DaemonConfig config, Map<String, String> env) {
        return config.scope().equals("local") && !(config.store() instanceof StoreLocation.File)
                && !"false".equalsIgnoreCase(env.getOrDefault("JAVAOVERLAY_REPLICATE", "true"));
    }
}
