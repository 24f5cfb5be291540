package io.javaoverlay.netlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2 for cross-checks and normalises its JSON to a short allow-list of keys, so tests
 * compare what matters and survive iproute2 adding fields. On iproute2 6.1 FDB {@code state} is a
 * lowercase string while neighbour {@code state} is an uppercase array; both normalise to a
 * lowercase comma-separated string here.
 */
public final class IpRoute2 {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpRoute2() {}

    /** The result of a command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command and returns its result (never throws on a non-zero exit). */
    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command and fails the test with its stderr unless it exits 0. */
    public static String check(String... command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new AssertionError("command failed (" + r.exitCode() + "): " + String.join(" ", command) + "\n" + r.stderr());
        }
        return r.stdout();
    }

    /** Runs a {@code -j} command and parses its output (empty output = empty array). */
    public static JsonNode json(String... command) {
        String out = check(command).trim();
        try {
            return JSON.readTree(out.isEmpty() ? "[]" : out);
        } catch (IOException e) {
            throw new AssertionError("bad JSON from " + Arrays.toString(command) + ": " + out, e);
        }
    }

    /** {@code ip -V} and {@code uname -r}, for the test log. */
    public static String versions() {
        return run("ip", "-V").stdout().trim() + "; " + run("bridge", "-V").stdout().trim() + "; kernel "
                + run("uname", "-r").stdout().trim();
    }

    /** {@code ip -n NS -j -d link show dev NAME}, normalised; empty map if absent. */
    public static Map<String, Object> link(String ns, String name) {
        Result r = run("ip", "-n", ns, "-j", "-d", "link", "show", "dev", name);
        if (!r.ok()) {
            return Map.of();
        }
        try {
            JsonNode arr = JSON.readTree(r.stdout());
            return arr.size() == 0 ? Map.of() : normaliseLink(arr.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Allow-list: ifname, mtu, master, up, address, alias, txqlen, gso_max_size, gro_max_size, num_tx_queues,
     * num_rx_queues, linkinfo.info_kind, info_data.{id,local (or local6),port,learning,proxy,l2miss,l3miss,ttl,
     * link,tos,df,udp_csum,udp_zero_csum6_tx,udp_zero_csum6_rx}. iproute2 6.1 prints {@code tos inherit} as
     * "0x1" and leaves {@code ttl inherit} out of JSON altogether (text output only).
     */
    public static Map<String, Object> normaliseLink(JsonNode l) {
        Map<String, Object> m = new TreeMap<>();
        m.put("ifname", l.path("ifname").asText());
        m.put("mtu", l.path("mtu").asInt());
        m.put("master", l.path("master").asText(""));
        m.put("address", l.path("address").asText(""));
        m.put("alias", l.path("ifalias").asText(""));
        boolean up = false;
        for (JsonNode f : l.path("flags")) {
            up |= f.asText().equals("UP");
        }
        m.put("up", up);
        m.put("txqlen", l.path("txqlen").asInt(0));
        m.put("gso_max_size", l.path("gso_max_size").asInt(0));
        m.put("gro_max_size", l.path("gro_max_size").asInt(0));
        m.put("num_tx_queues", l.path("num_tx_queues").asInt(0));
        m.put("num_rx_queues", l.path("num_rx_queues").asInt(0));
        JsonNode info = l.path("linkinfo");
        m.put("kind", info.path("info_kind").asText(""));
        JsonNode d = info.path("info_data");
        if (info.path("info_kind").asText("").equals("vxlan")) {
            m.put("id", d.path("id").asInt());
            m.put("local", d.path("local").asText(d.path("local6").asText("")));
            m.put("port", d.path("port").asInt());
            m.put("learning", d.path("learning").asBoolean(false));
            m.put("proxy", d.path("proxy").asBoolean(false));
            m.put("l2miss", d.path("l2miss").asBoolean(false));
            m.put("l3miss", d.path("l3miss").asBoolean(false));
            m.put("ttl", d.path("ttl").asInt(0));
            m.put("link", d.path("link").asText(""));
            m.put("tos", d.path("tos").asText(""));
            m.put("df", d.path("df").asText(""));
            m.put("udp_csum", d.path("udp_csum").asBoolean(false));
            m.put("udp_zero_csum6_tx", d.path("udp_zero_csum6_tx").asBoolean(false));
            m.put("udp_zero_csum6_rx", d.path("udp_zero_csum6_rx").asBoolean(false));
        }
        return m;
    }

    /**
     * {@code bridge -n NS -j -d link show [dev DEV]}, each port normalised to {ifname, master, state, learning,
     * flood, mcast_flood, bcast_flood, neigh_suppress}.
     */
    public static List<Map<String, Object>> bridgeLinks(String ns, String dev) {
        List<String> cmd = new ArrayList<>(List.of("bridge", "-n", ns, "-j", "-d", "link", "show"));
        if (dev != null) {
            cmd.addAll(List.of("dev", dev));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode p : json(cmd.toArray(String[]::new))) {
            Map<String, Object> m = new TreeMap<>();
            m.put("ifname", p.path("ifname").asText());
            m.put("master", p.path("master").asText(""));
            m.put("state", p.path("state").asText(""));
            for (String k : List.of("learning", "flood", "mcast_flood", "bcast_flood", "neigh_suppress")) {
                m.put(k, p.path(k).asBoolean(false));
            }
            out.add(m);
        }
        return out;
    }

    /**
     * {@code bridge -n NS -j fdb show br BR}, each normalised to {mac, ifname, master, dst, flags, state};
     * a learned entry has state "" (iproute2 prints none).
     */
    public static List<Map<String, Object>> fdbOfBridge(String ns, String bridge) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode e : json("bridge", "-n", ns, "-j", "fdb", "show", "br", bridge)) {
            Map<String, Object> m = new TreeMap<>();
            m.put("mac", e.path("mac").asText());
            m.put("ifname", e.path("ifname").asText());
            m.put("master", e.path("master").asText(""));
            m.put("dst", e.path("dst").asText(""));
            List<String> flags = new ArrayList<>();
            e.path("flags").forEach(f -> flags.add(f.asText()));
            flags.sort(null);
            m.put("flags", String.join(",", flags));
            m.put("state", state(e.path("state")));
            out.add(m);
        }
        return out;
    }

    /** {@code bridge -n NS -j fdb show dev DEV}, each normalised to {mac, dst, flags, state}. */
    public static List<Map<String, Object>> fdb(String ns, String dev) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode e : json("bridge", "-n", ns, "-j", "fdb", "show", "dev", dev)) {
            Map<String, Object> m = new TreeMap<>();
            m.put("mac", e.path("mac").asText());
            m.put("dst", e.path("dst").asText(""));
            List<String> flags = new ArrayList<>();
            e.path("flags").forEach(f -> flags.add(f.asText()));
            flags.sort(null);
            m.put("flags", String.join(",", flags));
            m.put("state", state(e.path("state")));
            out.add(m);
        }
        return out;
    }

    /** {@code ip -n NS -j neigh show [dev DEV]}, each normalised to {dst, lladdr, state}. */
    public static List<Map<String, Object>> neigh(String ns, String dev) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode e : json("ip", "-n", ns, "-j", "neigh", "show", "dev", dev)) {
            Map<String, Object> m = new TreeMap<>();
            m.put("dst", e.path("dst").asText());
            m.put("lladdr", e.path("lladdr").asText(""));
            m.put("state", state(e.path("state")));
            out.add(m);
        }
        return out;
    }

    /** A normalised FDB row, for assertions. */
    public static Map<String, Object> fdbRow(String mac, String dst, String flags, String state) {
        return new TreeMap<>(Map.of("mac", mac, "dst", dst, "flags", flags, "state", state));
    }

    /** A normalised neighbour row, for assertions. */
    public static Map<String, Object> neighRow(String dst, String lladdr, String state) {
        return new TreeMap<>(Map.of("dst", dst, "lladdr", lladdr, "state", state));
    }

    private static String state(JsonNode s) {
        List<String> parts = new ArrayList<>();
        if (s.isArray()) {
            s.forEach(x -> parts.add(x.asText().toLowerCase(Locale.ROOT)));
        } else if (!s.isMissingNode()) {
            parts.add(s.asText().toLowerCase(Locale.ROOT));
        }
        return String.join(",", parts);
    }
}
