package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the end-to-end tests look at, read the way an operator would: docker CLI, iproute2 inside a
 * testbed host ({@code ip -j}, {@code bridge -j}), and Consul's HTTP KV API from inside a host. Also
 * the one readiness-wait helper (bounded; these waits are for asynchronous convergence, not timing
 * assertions).
 */
final class OverlayProbe {

    static final String IMAGE = "jo-test:latest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OverlayProbe() {
    }

    /**
     * Polls {@code problem} until it returns empty (converged) or {@code timeout} passes; then fails
     * with the last problem it described.
     */
    static void await(Duration timeout, String what, Supplier<Optional<String>> problem) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> last;
        do {
            last = problem.get();
            if (last.isEmpty()) {
                return;
            }
            PluginProcess.sleep(250);
        } while (System.nanoTime() < deadline);
        fail(what + " did not happen within " + timeout + ": " + last.get());
    }

    /** Pings from a container (busybox ping) until one reply arrives or 30 s pass. */
    static Testbed.Result pingUntilAnswered(Testbed tb, String host, String container, String target) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Testbed.Result last;
        do {
            last = tb.docker(host, "exec", container, "ping", "-c", "1", "-W", "2", target);
            if (last.ok()) {
                return last;
            }
        } while (System.nanoTime() < deadline);
        return fail(container + " on " + host + " cannot ping " + target + ": " + last.describe());
    }

    /**
     * One ping with don't-fragment and {@code size} payload bytes, sent from the container's network
     * namespace with the host's iputils ping (busybox ping has no {@code -M}):
     * {@code nsenter -t PID -n ping -M do -s SIZE -c 1 -W 2 TARGET}.
     */
    static Testbed.Result dontFragmentPing(Testbed tb, String host, String container, String target, int size) {
        String pid = tb.dockerOk(host, "inspect", "-f", "{{.State.Pid}}", container);
        return tb.exec(host, "nsenter", "-t", pid, "-n", "ping", "-M", "do", "-s", Integer.toString(size),
                "-c", "1", "-W", "2", target);
    }

    /** A container's address on a network ({@code docker inspect}). */
    static String address(Testbed tb, String host, String container, String network) {
        return tb.dockerOk(host, "inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}",
                container);
    }

    /** A container's MAC address on a network. */
    static String mac(Testbed tb, String host, String container, String network) {
        return tb.dockerOk(host, "inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").MacAddress}}",
                container);
    }

    /** {@code docker run -d --name NAME --net NET [extra...] jo-test CMD...}; returns the container id. */
    static String run(Testbed tb, String host, String name, String network, List<String> extra, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--net", network));
        args.addAll(extra);
        args.add(IMAGE);
        args.addAll(List.of(command));
        return tb.dockerOk(host, args.toArray(String[]::new));
    }

    /** {@code ip -j -d link show} in a host. */
    static JsonNode links(Testbed tb, String host) {
        return json(tb.exec(host, "ip", "-j", "-d", "link", "show").requireOk().stdout());
    }

    /** Names of the devices javaoverlay owns in a host ({@code jo-*}). */
    static List<String> ownedDevices(Testbed tb, String host) {
        List<String> names = new ArrayList<>();
        for (JsonNode l : links(tb, host)) {
            String n = l.path("ifname").asText();
            if (n.startsWith("jo-")) {
                names.add(n);
            }
        }
        return names;
    }

    /** The VXLAN device of a network in a host, found by its ownership alias {@code javaoverlay:<networkId>}. */
    static Optional<JsonNode> vxlanOf(Testbed tb, String host, String networkId) {
        for (JsonNode l : links(tb, host)) {
            if (l.path("ifalias").asText().equals("javaoverlay:" + networkId)
                    && l.path("linkinfo").path("info_kind").asText().equals("vxlan")) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** {@code bridge -j fdb show dev DEV} in a host. */
    static JsonNode fdb(Testbed tb, String host, String dev) {
        return json(tb.exec(host, "bridge", "-j", "fdb", "show", "dev", dev).requireOk().stdout());
    }

    /** {@code ip -j neigh show dev DEV} in a host. */
    static JsonNode neigh(Testbed tb, String host, String dev) {
        return json(tb.exec(host, "ip", "-j", "neigh", "show", "dev", dev).requireOk().stdout());
    }

    /** True when the device's FDB has a unicast entry for {@code mac} pointing at VTEP {@code dst}. */
    static boolean hasPeerFdb(JsonNode fdb, String mac, String dst) {
        for (JsonNode e : fdb) {
            if (e.path("mac").asText().equalsIgnoreCase(mac) && e.path("dst").asText().equals(dst)) {
                return true;
            }
        }
        return false;
    }

    /** True when the neighbour table has an entry for {@code ip}. */
    static boolean hasNeigh(JsonNode neigh, String ip) {
        for (JsonNode e : neigh) {
            if (e.path("dst").asText().equals(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Every key under a prefix in the testbed's Consul ({@code GET /v1/kv/PREFIX?keys}), read from h1. */
    static List<String> consulKeys(Testbed tb, String prefix) {
        Testbed.Result r = tb.exec("h1", "curl", "-sS", "-w", "\n%{http_code}",
                "http://" + tb.consulAddress() + "/v1/kv/" + prefix + "?keys");
        String out = r.requireOk().stdout().strip();
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1);
        if (code.equals("404")) {
            return List.of(); // Consul answers 404 for a prefix with no keys
        }
        if (!code.equals("200")) {
            throw new IllegalStateException("Consul KV listing of " + prefix + " answered " + code + ": " + out);
        }
        List<String> keys = new ArrayList<>();
        json(out.substring(0, nl)).forEach(k -> keys.add(k.asText()));
        return keys;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }
}
