package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.await;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A testbed of Docker 24+ hosts sharing the testbed's Consul, each running the javaoverlay daemon
 * in its default {@code Scope: local} with {@code --host-id hN}, {@code --advertise-addr} its
 * underlay address and the same extra flags (the issue-10 tests shorten the resync interval and the
 * grace periods). Plugins can be stopped, killed and restarted one by one; each life of a host's
 * daemon logs to its own file ({@code <name>-<life>-hN.log} under target/e2e-logs).
 */
final class OverlayCluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OverlayCluster.class.getName());
    /** A network created on one host is on every other within a few seconds (replicator poll 2 s). */
    static final Duration REPLICATE = Duration.ofSeconds(15);

    private final Testbed tb;
    private final String name;
    private final List<String> flags;
    private final Map<String, PluginProcess> plugins = new TreeMap<>();
    private final Map<String, Integer> lives = new TreeMap<>();

    private OverlayCluster(Testbed tb, String name, List<String> flags) {
        this.tb = tb;
        this.name = name;
        this.flags = List.copyOf(flags);
    }

    /**
     * Brings up {@code hosts} hosts of {@code docker} with Consul and starts the daemon on each.
     *
     * @param name  log-file prefix
     * @param flags extra daemon flags for every host
     */
    static OverlayCluster up(int hosts, Testbed.DockerVersion docker, String name, String... flags) {
        return up(hosts, docker, Testbed.Underlay.IPV4, name, flags);
    }

    /** Like {@link #up(int, Testbed.DockerVersion, String, String...)} on an underlay of the given family. */
    static OverlayCluster up(int hosts, Testbed.DockerVersion docker, Testbed.Underlay underlay, String name,
            String... flags) {
        Testbed.require();
        Testbed tb = Testbed.up(hosts, docker, true, underlay);
        OverlayCluster c = new OverlayCluster(tb, name, Arrays.asList(flags));
        try {
            for (String h : tb.hostNames()) {
                c.start(h);
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The testbed. */
    Testbed tb() {
        return tb;
    }

    /** {@code consul://ADDRESS}: the store every daemon uses unless started with another. */
    String store() {
        return "consul://" + tb.consulAddress();
    }

    /** Starts (or restarts, after {@link #stop}/{@link #kill}) the daemon on {@code host} with the common flags. */
    PluginProcess start(String host) {
        return start(host, store());
    }

    /** Like {@link #start(String)} with another {@code --store}, e.g. a different Consul prefix. */
    PluginProcess start(String host, String store) {
        PluginProcess old = plugins.get(host);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException("the daemon on " + host + " still runs");
        }
        int life = lives.merge(host, 1, Integer::sum);
        List<String> args = new ArrayList<>(List.of("--store", store, "--advertise-addr", tb.underlayIp(host),
                "--host-id", host));
        args.addAll(flags);
        PluginProcess p = PluginProcess.start(tb, host, name + "-" + life, args.toArray(String[]::new));
        plugins.put(host, p);
        return p;
    }

    /** The current daemon of {@code host}. */
    PluginProcess plugin(String host) {
        PluginProcess p = plugins.get(host);
        if (p == null) {
            throw new IllegalStateException("no daemon was started on " + host);
        }
        return p;
    }

    /** Stops the daemon on {@code host} cleanly (SIGTERM). */
    void stop(String host) {
        plugin(host).close();
    }

    /** kill -9 of the daemon on {@code host}. */
    void kill(String host) {
        plugin(host).kill();
    }

    /** Hosts whose daemon was started and has not vanished. */
    List<String> hosts() {
        return new ArrayList<>(plugins.keySet());
    }

    /** Forgets a host (after {@code vanish}): its daemon is dead and its namespaces unusable. */
    void forget(String host) {
        plugins.remove(host);
    }

    /**
     * {@code docker network create -d javaoverlay --ipam-driver javaoverlay --subnet SUBNET [opts] NAME}
     * on {@code host}, then waits until every other host of the cluster has the network too.
     *
     * @return the network's ID on {@code host}
     */
    String createNetwork(String host, String net, String subnet, String... opts) {
        List<String> args = new ArrayList<>(List.of("network", "create", "-d", "javaoverlay", "--ipam-driver",
                "javaoverlay", "--subnet", subnet));
        args.addAll(Arrays.asList(opts));
        args.add(net);
        String id = tb.dockerOk(host, args.toArray(String[]::new));
        awaitNetwork(net, hosts());
        return id;
    }

    /** Waits until {@code net} exists on each of {@code hosts}. */
    void awaitNetwork(String net, List<String> on) {
        await(REPLICATE, "network " + net + " on " + on, () -> {
            for (String h : on) {
                if (!tb.docker(h, "network", "inspect", net).ok()) {
                    return Optional.of("missing on " + h);
                }
            }
            return Optional.empty();
        });
    }

    /**
     * Best-effort cleanup after a test: removes {@code containers} on every host and the network
     * (from the first host that still has it). Failures are logged, not thrown: the next test uses
     * another network.
     */
    void cleanup(String net, String... containers) {
        for (String h : hosts()) {
            if (containers.length > 0) {
                List<String> args = new ArrayList<>(List.of("rm", "-f"));
                args.addAll(Arrays.asList(containers));
                tb.docker(h, args.toArray(String[]::new));
            }
        }
        for (String h : hosts()) {
            if (tb.docker(h, "network", "inspect", net).ok()) {
                Testbed.Result r = tb.docker(h, "network", "rm", net);
                if (!r.ok()) {
                    LOG.log(Level.WARNING, "cleanup: " + r.describe());
                }
                break;
            }
        }
    }

    /** Stops every daemon, then tears the testbed down. */
    @Override
    public void close() {
        for (PluginProcess p : plugins.values()) {
            LOG.log(Level.INFO, "plugin log: " + p.log());
            p.close();
        }
        tb.close();
    }
}
