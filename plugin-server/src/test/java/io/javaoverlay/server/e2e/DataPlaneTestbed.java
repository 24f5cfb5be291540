package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.javaoverlay.testing.Requirements;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The shared fixture of the data-plane end-to-end suites (issue 16): N testbed hosts with Consul and
 * the real javaoverlay daemon on each (defaults, {@code --advertise-addr} = the host's underlay
 * address in the testbed's family), plus what the tests ask of them: networks created once on h1
 * and awaited everywhere, a container per host, its addresses, the vxlan device of a network.
 * One testbed per test class ({@link TestInstance.Lifecycle#PER_CLASS}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DataPlaneTestbed {

    private static final System.Logger LOG = System.getLogger(DataPlaneTestbed.class.getName());
    /** The replicator polls Docker every 2 s and reacts to Consul at once. */
    static final Duration REPLICATE = Duration.ofSeconds(15);
    static final Duration CONVERGE = Duration.ofSeconds(30);
    /** Underlay MTU of every testbed host (docs/testbed.md). */
    static final int UNDERLAY_MTU = 1400;

    Testbed tb;
    final Map<String, PluginProcess> plugins = new TreeMap<>();

    /** The Docker the hosts run. */
    abstract Testbed.DockerVersion dockerVersion();

    /** The hosts' underlay family (IPv4 unless a subclass says otherwise). */
    Testbed.Underlay underlay() {
        return Testbed.Underlay.IPV4;
    }

    /** How many hosts (3 unless a subclass says otherwise). */
    int hostCount() {
        return 3;
    }

    /** VXLAN overhead on this underlay: outer IPv4 20 or IPv6 40, UDP 8, VXLAN 8, inner Ethernet 14. */
    int overhead() {
        return underlay() == Testbed.Underlay.IPV6 ? 70 : 50;
    }

    @BeforeAll
    void up() {
        Testbed.require();
        Requirements.require(Requirements.onPath("tcpdump"), "tcpdump on PATH (captures in the underlay namespace)");
        tb = Testbed.up(hostCount(), dockerVersion(), true, underlay());
        for (String h : tb.hostNames()) {
            plugins.put(h, PluginProcess.start(tb, h, getClass().getSimpleName(), "--store",
                    "consul://" + tb.consulAddress(), "--advertise-addr", tb.underlayIp(h), "--host-id", h));
        }
    }

    @AfterAll
    void down() {
        for (PluginProcess p : plugins.values()) {
            LOG.log(Level.INFO, "plugin log: " + p.log());
            p.close();
        }
        if (tb != null) {
            tb.close();
        }
    }

    /** Every host but h1 (the senders' host). */
    List<String> others() {
        return tb.hostNames().subList(1, tb.hostNames().size());
    }

    /**
     * {@code docker network create -d javaoverlay --ipam-driver javaoverlay ARGS... NAME} on h1, then
     * waits until every host has it. Returns the network ID on h1 (the cluster ID).
     */
    String createEverywhere(String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of("network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay"));
        cmd.addAll(List.of(args));
        cmd.add(name);
        String id = tb.dockerOk("h1", cmd.toArray(String[]::new));
        try {
            await(REPLICATE, "network " + name + " on every host (replicated from h1)", () -> missing(name, true));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; plugin warnings and errors about it:" + pluginErrors(name), e);
        }
        return id;
    }

    /** The first host that does not match {@code wanted} (network present or absent), if any. */
    Optional<String> missing(String name, boolean wanted) {
        for (String h : tb.hostNames()) {
            if (tb.docker(h, "network", "inspect", name).ok() != wanted) {
                return Optional.of("network " + name + (wanted ? " missing on " : " still on ") + h);
            }
        }
        return Optional.empty();
    }

    /** The plugins' WARN/ERROR lines that mention {@code text} (for failure messages). */
    String pluginErrors(String text) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, PluginProcess> e : plugins.entrySet()) {
            try {
                for (String l : java.nio.file.Files.readAllLines(e.getValue().log())) {
                    if (l.contains(text) && (l.contains(" ERROR ") || l.contains(" WARN "))) {
                        sb.append('\n').append(e.getKey()).append(": ").append(l);
                    }
                }
            } catch (java.io.IOException ignored) {
                // no log yet
            }
        }
        return sb.length() == 0 ? "(none)" : sb.toString();
    }

    /** Removes {@code containers} (host → name) and then the network on h1, waiting until it is gone everywhere. */
    void removeEverywhere(String network, Map<String, String> containers) {
        containers.forEach((h, c) -> tb.docker(h, "rm", "-f", c));
        tb.docker("h1", "network", "rm", network);
        await(CONVERGE, "network " + network + " gone everywhere", () -> missing(network, false));
    }

    /** Runs {@code NAME} ({@code sleep}) on {@code host} in {@code network}. */
    void run(String host, String name, String network) {
        OverlayProbe.run(tb, host, name, network, List.of(), "sleep", "3600");
    }

    /** A container's IPv4 address on a network ("" when it has none). */
    String v4(String host, String container, String network) {
        return OverlayProbe.address(tb, host, container, network);
    }

    /** A container's global IPv6 address on a network ("" when it has none). */
    String v6(String host, String container, String network) {
        return tb.dockerOk(host, "inspect", "-f",
                "{{(index .NetworkSettings.Networks \"" + network + "\").GlobalIPv6Address}}", container);
    }

    /** The container's eth0 MTU, read inside the container. */
    int containerMtu(String host, String container) {
        return Integer.parseInt(tb.dockerOk(host, "exec", container, "cat", "/sys/class/net/eth0/mtu"));
    }

    /** The name of the vxlan device of network {@code clusterId} on {@code host}. */
    String vxlanDevice(String host, String clusterId) {
        Optional<JsonNode> vx = OverlayProbe.vxlanOf(tb, host, clusterId);
        if (vx.isEmpty()) {
            fail("no vxlan device of network " + clusterId + " on " + host + ": " + OverlayProbe.ownedDevices(tb, host));
        }
        return vx.get().path("ifname").asText();
    }

    /** Pings (busybox, {@code -6} for IPv6) until one reply arrives or 30 s pass. */
    void pingUntilAnswered(String host, String container, String target) {
        boolean v6 = target.contains(":");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Testbed.Result last;
        do {
            last = v6 ? tb.docker(host, "exec", container, "ping", "-6", "-c", "1", "-W", "2", target)
                    : tb.docker(host, "exec", container, "ping", "-c", "1", "-W", "2", target);
            if (last.ok()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        fail(container + " on " + host + " cannot ping " + target + ": " + last.describe());
    }

    /**
     * One don't-fragment ping of {@code size} payload bytes from the container's network namespace with
     * the host's iputils ping (busybox has no {@code -M}): {@code ping [-6] -M do -s SIZE -c 1 -W 2 TARGET}.
     */
    Testbed.Result dontFragmentPing(String host, String container, String target, int size) {
        String pid = tb.dockerOk(host, "inspect", "-f", "{{.State.Pid}}", container);
        return tb.exec(host, "nsenter", "-t", pid, "-n", "ping", target.contains(":") ? "-6" : "-4", "-M", "do",
                "-s", Integer.toString(size), "-c", "1", "-W", "2", target);
    }

    /** Runs a host command (e.g. {@code ip neigh flush dev eth0}) in a container's network namespace. */
    Testbed.Result inContainerNetns(String host, String container, String... command) {
        String pid = tb.dockerOk(host, "inspect", "-f", "{{.State.Pid}}", container);
        List<String> all = new ArrayList<>(List.of("nsenter", "-t", pid, "-n"));
        all.addAll(List.of(command));
        return tb.exec(host, all.toArray(String[]::new));
    }

    /** Address keys of the cluster IPAM whose last segment is {@code ip} (as ipam writes it: ':' → '-'). */
    List<String> addressKeys(String ip) {
        String suffix = "/" + ip.replace(':', '-');
        return OverlayProbe.consulKeys(tb, "javaoverlay/v1/ipam/addrs/").stream().filter(k -> k.endsWith(suffix)).toList();
    }
}
