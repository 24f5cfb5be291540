package io.javaoverlay.vxlan.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.testing.Requirements;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared plumbing of the privileged ITs: requirement checks (skip on a laptop, fail under
 * {@code CI=true}), throw-away {@code jo-it-*} namespaces, iproute2 cross-check helpers and the
 * handle. The handle is always our JNR netlink ({@code Netlink.openIn}): a privileged IT exercises
 * the code that ships, or fails; iproute2 only cross-checks what it did.
 */
public final class ItSupport {
    private static final System.Logger LOG = System.getLogger(ItSupport.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean versionsLogged;

    private ItSupport() {}

    /** Root, iproute2 and (optionally) ping; logs {@code ip -V} and {@code uname -r} once. */
    public static void requirePrivileged(boolean needPing) {
        Requirements.requireRoot("network namespaces (CAP_NET_ADMIN, CAP_SYS_ADMIN)");
        Requirements.require(Requirements.onPath("ip") && Requirements.onPath("bridge"), "iproute2 (ip, bridge)");
        if (needPing) {
            Requirements.require(Requirements.onPath("ping"), "ping (Debian package iputils-ping)");
        }
        synchronized (ItSupport.class) {
            if (!versionsLogged) {
                versionsLogged = true;
                LOG.log(System.Logger.Level.INFO, "iproute2: " + sh("ip", "-V").trim() + "; kernel: " + sh("uname", "-r").trim());
            }
        }
    }

    /** Creates a named namespace {@code jo-it-<tag>-<random>} with loopback up. */
    public static String newNs(String tag) {
        String name = "jo-it-" + tag + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        sh("ip", "netns", "add", name);
        sh("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** The namespaces one fixture creates ({@link #newNs}), deleted together by {@link #close()}. */
    public static final class Namespaces implements AutoCloseable {
        private final List<String> names = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** A new namespace {@code jo-it-<tag>-<random>}, owned by this set. */
        public String create(String tag) {
            String n = newNs(tag);
            names.add(n);
            return n;
        }

        /** Deletes every namespace of this set (and with them every device in them). */
        @Override
        public void close() {
            names.forEach(ItSupport::deleteNs);
            names.clear();
        }
    }

    /** Deletes a namespace (and with it every device in it); absent is fine. */
    public static void deleteNs(String name) {
        run(List.of("ip", "netns", "del", name));
    }

    /**
     * Our netlink handle bound to namespace {@code ns}. Netlink must be usable here (a missing
     * requirement skips on a laptop and fails under CI); there is no fallback.
     */
    public static NetlinkHandle openHandle(String ns) throws NetlinkException {
        Requirements.require(Netlink.isAvailable(), "our netlink (JNR-FFI): "
                + Netlink.unavailabilityCause().map(Throwable::toString).orElse("unavailable"));
        return Netlink.openIn(Netlink.openNamedNs(ns));
    }

    /** Runs a command; throws with its stderr on failure. */
    public static String sh(String... cmd) {
        Result r = run(List.of(cmd));
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.err);
        }
        return r.out;
    }

    /** Exit code of a command (output discarded). */
    public static int exitCode(String... cmd) {
        return run(List.of(cmd)).code;
    }

    /** {@code ip -n NS -j ARGS} parsed. */
    public static JsonNode ipJson(String ns, String... args) {
        return parse(tool("ip", ns, args));
    }

    /** {@code bridge -n NS -j ARGS} parsed. */
    public static JsonNode bridgeJson(String ns, String... args) {
        return parse(tool("bridge", ns, args));
    }

    private static String tool(String tool, String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-n", ns, "-j"));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    private static JsonNode parse(String out) {
        try {
            return out.isBlank() ? JSON.createArrayNode() : JSON.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("bad JSON from iproute2: " + out, e);
        }
    }

    /**
     * One device from {@code ip -d -j link show NAME}, normalised to the allow-listed keys:
     * {@code kind, id, local, port, learning, proxy, master, mtu, alias, up}. Empty string when absent.
     */
    public static String linkSummary(String ns, String name) {
        JsonNode arr = ipJson(ns, "-d", "link", "show", name);
        JsonNode n = arr.get(0);
        JsonNode d = n.path("linkinfo").path("info_data");
        StringBuilder sb = new StringBuilder("kind=").append(n.path("linkinfo").path("info_kind").asText());
        if (d.has("id")) {
            sb.append(" id=").append(d.path("id").asInt()).append(" local=").append(d.path("local").asText())
                    .append(" port=").append(d.path("port").asInt()).append(" learning=")
                    .append(d.path("learning").asBoolean()).append(" proxy=").append(d.path("proxy").asBoolean());
        }
        sb.append(" master=").append(n.path("master").asText("")).append(" mtu=").append(n.path("mtu").asInt())
                .append(" alias=").append(n.path("ifalias").asText(""));
        boolean up = false;
        for (JsonNode f : n.path("flags")) {
            up |= f.asText().equals("UP");
        }
        return sb.append(" up=").append(up).toString();
    }

    /** {@code bridge fdb show dev DEV} self entries as "mac>dst state" strings (iproute2 6.1: lowercase state). */
    public static List<String> fdbSummary(String ns, String dev) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : bridgeJson(ns, "fdb", "show", "dev", dev)) {
            boolean self = false;
            for (JsonNode f : e.path("flags")) {
                self |= f.asText().equals("self");
            }
            if (self && e.has("dst")) {
                out.add(e.path("mac").asText() + ">" + e.path("dst").asText() + " " + e.path("state").asText());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The bridge's entries on port {@code dev} ({@code bridge fdb show dev DEV}, the {@code master} ones)
     * except the bridge's own permanent one, as "mac static" or "mac learned" strings.
     */
    public static List<String> bridgeEntries(String ns, String dev) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : bridgeJson(ns, "fdb", "show", "dev", dev)) {
            String state = e.path("state").asText("");
            if (e.has("master") && !state.equals("permanent")) {
                out.add(e.path("mac").asText() + " " + (state.isEmpty() ? "learned" : state));
            }
        }
        out.sort(null);
        return out;
    }

    /** IFLA_BRPORT_LEARNING of bridge port {@code dev} ({@code bridge -d link show dev DEV}). */
    public static boolean portLearning(String ns, String dev) {
        return bridgeJson(ns, "-d", "link", "show", "dev", dev).get(0).path("learning").asBoolean();
    }

    /** {@code ip neigh show dev DEV} as "ip>lladdr STATE" strings (iproute2 6.1: uppercase state array). */
    public static List<String> neighSummary(String ns, String dev) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : ipJson(ns, "neigh", "show", "dev", dev)) {
            List<String> states = new ArrayList<>();
            e.path("state").forEach(s -> states.add(s.asText()));
            out.add(e.path("dst").asText() + ">" + e.path("lladdr").asText() + " " + String.join(",", states));
        }
        out.sort(null);
        return out;
    }

    public static boolean linkExists(String ns, String name) {
        return exitCode("ip", "-n", ns, "link", "show", name) == 0;
    }

    /** Polls {@code cond} for up to 15 s (convergence of asynchronous triggers, not a timing check). */
    public static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out, err);
        } catch (IOException e) {
            return new Result(127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        }
    }
}
