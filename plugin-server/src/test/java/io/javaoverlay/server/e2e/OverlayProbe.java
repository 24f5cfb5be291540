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
        Optional<String> failure = within(timeout, what, problem);
        if (failure.isPresent()) {
            fail(failure.get());
        }
    }

    /**
     * Like {@link #await} but returns the failure instead of throwing it: empty when {@code problem}
     * became empty within {@code timeout}, else "WHAT did not happen within T: LAST PROBLEM". For
     * tests that collect every missing behaviour before failing.
     */
    static Optional<String> within(Duration timeout, String what, Supplier<Optional<String>> problem) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> last;
        do {
            last = problem.get();
            if (last.isEmpty()) {
                return Optional.empty();
            }
            PluginProcess.sleep(250);
        } while (System.nanoTime() < deadline);
        return Optional.of(what + " did not happen within " + timeout + ": " + last.get());
    }

    /** True when one ping from the container gets an answer within {@code timeout} (retrying). */
    static boolean pingsWithin(Testbed tb, String host, String container, String target, Duration timeout) {
        return within(timeout, "ping", () -> tb.docker(host, "exec", container, "ping", "-c", "1", "-W", "1", target).ok()
                ? Optional.empty() : Optional.of("no answer")).isEmpty();
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

    /**
     * Packets the fast path redirected from a network's container ports to its vxlan device in a host:
     * the statistics of the mirred action of the catch-all filter in the ports' shared block
     * ({@code tc -s filter show block N}; 0 when there is none).
     */
    static long fastPathPackets(Testbed tb, String host, String clusterNetworkId) {
        String vx = vxlanOf(tb, host, clusterNetworkId).orElseThrow(() -> new AssertionError("no vxlan device of network "
                + clusterNetworkId + " on " + host)).path("ifname").asText();
        int block = 0x6a000000 + Integer.parseInt(vx.substring("jo-vx-".length()));
        String shown = tb.exec(host, "tc", "-s", "filter", "show", "block", Integer.toUnsignedString(block)).stdout();
        long packets = 0;
        boolean inCatchAll = false;
        for (String line : shown.split("\n")) {
            if (line.contains("Egress Redirect to device " + vx)) {
                inCatchAll = true;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Sent \\d+ bytes (\\d+) pkt").matcher(line);
            if (inCatchAll && m.find()) {
                packets += Long.parseLong(m.group(1));
                inCatchAll = false;
            }
        }
        return packets;
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

    // ------------------------------------------------------------------ peers, FDB and neighbours

    /**
     * One container as the other hosts' kernels should see it.
     *
     * @param host      the host it runs on
     * @param container its name
     * @param mac       its MAC on the network (lower case)
     * @param ip        its IPv4 address on the network
     * @param vtep      its host's VTEP (underlay address)
     */
    record Peer(String host, String container, String mac, String ip, String vtep) {
        @Override
        public String toString() {
            return container + "@" + host + " (" + ip + ", " + mac + ")";
        }
    }

    /** The container's {@link Peer} on {@code network} ({@code docker inspect}). */
    static Peer peer(Testbed tb, String host, String container, String network) {
        return new Peer(host, container, mac(tb, host, container, network).toLowerCase(java.util.Locale.ROOT),
                address(tb, host, container, network), tb.underlayIp(host));
    }

    /**
     * A host's whole forwarding database ({@code bridge -j fdb show}), neighbour table
     * ({@code ip -j neigh show}) and links ({@code ip -j link show}), read in one exec so that
     * they come from the same moment.
     */
    record Tables(String host, JsonNode fdb, JsonNode neigh, JsonNode links) {

        /** True when the host has the peer's VXLAN entry (MAC to its VTEP) and its neighbour entry (IP to MAC). */
        boolean programs(Peer p) {
            boolean fdbOk = false;
            for (JsonNode e : fdb) {
                if (e.path("mac").asText().equalsIgnoreCase(p.mac()) && e.path("dst").asText().equals(p.vtep())) {
                    fdbOk = true;
                }
            }
            boolean neighOk = false;
            for (JsonNode e : neigh) {
                if (e.path("dst").asText().equals(p.ip()) && e.path("lladdr").asText().equalsIgnoreCase(p.mac())) {
                    neighOk = true;
                }
            }
            return fdbOk && neighOk;
        }

        /**
         * Every entry that still refers to a MAC or an IP: FDB entries of any kind (VXLAN {@code self},
         * bridge {@code master} static or learned) with the MAC, and neighbour entries for the IP or
         * with the MAC as link-layer address. Empty when the host has forgotten the container.
         */
        List<String> entriesFor(String mac, String ip) {
            List<String> found = new ArrayList<>();
            for (JsonNode e : fdb) {
                if (e.path("mac").asText().equalsIgnoreCase(mac)) {
                    found.add(host + " fdb " + e);
                }
            }
            for (JsonNode e : neigh) {
                if (e.path("dst").asText().equals(ip) || e.path("lladdr").asText().equalsIgnoreCase(mac)) {
                    found.add(host + " neigh " + e);
                }
            }
            return found;
        }

        /**
         * Entries of the overlay that belong to no live remote container: FDB entries on a
         * {@code jo-vx-*} device for a unicast MAC that is neither the host's own device's nor in
         * {@code liveMacs}, and neighbour entries on {@code jo-*} devices for an address starting
         * with {@code subnetBase} (e.g. "198.18.130.") that is not in {@code liveIps}. Catches what
         * endpoints whose MAC and address the test never learned (runs that failed half-way) left.
         */
        List<String> strangers(String subnetBase, java.util.Set<String> liveMacs, java.util.Set<String> liveIps) {
            java.util.Set<String> own = new java.util.HashSet<>();
            for (JsonNode l : links) {
                own.add(l.path("address").asText().toLowerCase(java.util.Locale.ROOT));
            }
            List<String> found = new ArrayList<>();
            for (JsonNode e : fdb) {
                String mac = e.path("mac").asText().toLowerCase(java.util.Locale.ROOT);
                boolean unicast = mac.length() == 17 && (Integer.parseInt(mac.substring(0, 2), 16) & 1) == 0
                        && !mac.equals("00:00:00:00:00:00");
                if (e.path("ifname").asText().startsWith("jo-vx") && unicast && !own.contains(mac) && !liveMacs.contains(mac)) {
                    found.add(host + " fdb " + e);
                }
            }
            for (JsonNode e : neigh) {
                String ip = e.path("dst").asText();
                if (e.path("dev").asText().startsWith("jo-") && ip.startsWith(subnetBase) && !liveIps.contains(ip)
                        && e.has("lladdr")) {
                    found.add(host + " neigh " + e);
                }
            }
            return found;
        }

        /** FDB entries with destination {@code vtep} for a real MAC (not the all-zero flood entry). */
        List<String> unicastEntriesTo(String vtep) {
            List<String> found = new ArrayList<>();
            for (JsonNode e : fdb) {
                if (e.path("dst").asText().equals(vtep) && !e.path("mac").asText().equals("00:00:00:00:00:00")) {
                    found.add(host + " fdb " + e);
                }
            }
            return found;
        }
    }

    private static final String TABLES_SPLIT = "@@javaoverlay-e2e@@";

    /** A host's {@link Tables}. */
    static Tables tables(Testbed tb, String host) {
        String out = tb.exec(host, "sh", "-c", "bridge -j fdb show && echo " + TABLES_SPLIT + " && ip -j neigh show && echo "
                + TABLES_SPLIT + " && ip -j link show").requireOk().stdout();
        String[] parts = out.split(TABLES_SPLIT, -1);
        JsonNode[] nodes = new JsonNode[3];
        for (int i = 0; i < 3; i++) {
            String part = parts[i].strip();
            nodes[i] = json(part.isEmpty() ? "[]" : part);
        }
        return new Tables(host, nodes[0], nodes[1], nodes[2]);
    }

    /** Which of {@code peers} {@code host} does not program (other hosts' peers only). */
    static List<Peer> missingPeers(Tables t, List<Peer> peers) {
        List<Peer> missing = new ArrayList<>();
        for (Peer p : peers) {
            if (!p.host().equals(t.host()) && !t.programs(p)) {
                missing.add(p);
            }
        }
        return missing;
    }

    /**
     * What javaoverlay programs in a host's kernel, normalised to sorted lines so that two
     * snapshots compare with {@code equals}: its devices ({@code jo-*}: name, alias, kind, VNI, MTU,
     * master, MAC), the permanent and static FDB entries on them, and their permanent neighbour
     * entries. Entries the kernel learns by itself (which come and go with traffic) are left out.
     */
    static String kernelState(Testbed tb, String host) {
        List<String> lines = new ArrayList<>();
        for (JsonNode l : links(tb, host)) {
            String n = l.path("ifname").asText();
            if (n.startsWith("jo-")) {
                JsonNode info = l.path("linkinfo");
                lines.add("link " + n + " alias=" + l.path("ifalias").asText() + " kind=" + info.path("info_kind").asText()
                        + " vni=" + info.path("info_data").path("id").asText() + " mtu=" + l.path("mtu").asText()
                        + " master=" + l.path("master").asText() + " mac=" + l.path("address").asText());
            }
        }
        Tables t = tables(tb, host);
        for (JsonNode e : t.fdb()) {
            String dev = e.path("ifname").asText();
            String state = e.path("state").asText();
            if ((dev.startsWith("jo-") || e.path("master").asText().startsWith("jo-"))
                    && (state.equals("permanent") || state.equals("static"))) {
                lines.add("fdb " + e);
            }
        }
        for (JsonNode e : t.neigh()) {
            if (e.path("dev").asText().startsWith("jo-") && e.path("state").toString().contains("PERMANENT")) {
                lines.add("neigh " + e);
            }
        }
        lines.sort(null);
        return String.join("\n", lines);
    }

    // ------------------------------------------------------------------------------------- store

    /**
     * Every key under a prefix with its value (base64, as Consul returns it; "" for a null value),
     * from {@code GET /v1/kv/PREFIX?recurse}, read from h1.
     */
    static java.util.SortedMap<String, String> consulKv(Testbed tb, String prefix) {
        Testbed.Result r = tb.exec("h1", "curl", "-sS", "-m", "10", "-w", "\n%{http_code}",
                "http://" + tb.consulAddress() + "/v1/kv/" + prefix + "?recurse");
        String out = r.requireOk().stdout().strip();
        int nl = out.lastIndexOf('\n');
        String code = out.substring(nl + 1);
        java.util.SortedMap<String, String> kv = new java.util.TreeMap<>();
        if (code.equals("404")) {
            return kv;
        }
        if (!code.equals("200")) {
            throw new IllegalStateException("Consul KV listing of " + prefix + " answered " + code + ": " + out);
        }
        for (JsonNode e : json(out.substring(0, nl))) {
            kv.put(e.path("Key").asText(), e.path("Value").isNull() ? "" : e.path("Value").asText());
        }
        return kv;
    }

    /**
     * The address claims of the pool of {@code subnet} (keys
     * {@code javaoverlay/v1/ipam/addrs/<pool key>_<generation>/<ip>}, the gateway's included).
     */
    static List<String> addressClaims(Testbed tb, String subnet) {
        return consulKeys(tb, "javaoverlay/v1/ipam/addrs/" + subnet.replace('/', '_') + "_");
    }

    /** True when {@code ip} has a claim in the pool of {@code subnet}. */
    static boolean claimed(Testbed tb, String subnet, String ip) {
        return addressClaims(tb, subnet).stream().anyMatch(k -> k.endsWith("/" + ip));
    }

    /** Containers running on {@code network} on {@code host} ({@code docker ps --filter network=}). */
    static int runningOn(Testbed tb, String host, String network) {
        String out = tb.dockerOk(host, "ps", "-q", "--filter", "network=" + network);
        return out.isEmpty() ? 0 : (int) out.lines().count();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }
}
