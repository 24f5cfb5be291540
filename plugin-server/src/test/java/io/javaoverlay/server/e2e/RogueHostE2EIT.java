package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.address;
import static io.javaoverlay.server.e2e.OverlayProbe.json;
import static io.javaoverlay.server.e2e.OverlayProbe.links;
import static io.javaoverlay.server.e2e.OverlayProbe.peer;
import static io.javaoverlay.server.e2e.OverlayProbe.pingsWithin;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static io.javaoverlay.server.e2e.OverlayProbe.vxlanOf;
import static io.javaoverlay.server.e2e.OverlayProbe.within;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;

import io.javaoverlay.server.e2e.OverlayProbe.Peer;
import io.javaoverlay.testing.Requirements;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 15, "Rogue host", end to end: two Docker 26 hosts with Consul and the real daemon with its
 * defaults (the VXLAN ingress filter on), and a rogue machine on the underlay ({@link RogueHost}) that
 * is not a cluster member.
 * <ul>
 *   <li>c1 on h1 runs a UDP listener ({@code socat -u UDP-RECV:5000 -}, its output read with
 *       {@code docker logs}); c2 runs on h2.</li>
 *   <li>h1's {@code nft list table inet javaoverlay} allows h2's VTEP and not the rogue's.</li>
 *   <li>The rogue sends crafted VXLAN frames to h1's VTEP with the network's real VNI (from h1's
 *       {@code ip -d link}), c1's real MAC and IP and a UDP payload for the listener
 *       ({@code vxlan_frames.py}, the frame builder of {@code VxlanIngressFilterIT}): the listener never
 *       gets them, and the filter's {@code rogue4} counter counts them. The very same frame sent from
 *       h2's namespace (h2's VTEP address) is received: the frame is valid, so the test can fail. It is
 *       sent after the rogue's, twice, and waited for: once it is in, the rogue's would be too.</li>
 *   <li>Ordinary traffic c2 to c1 still flows: ping and a TCP echo.</li>
 *   <li>A host that joins later (h3, {@code testbed add} and its daemon) is in h1's allowed set within
 *       {@value #JOIN_S} s (the time is printed), and its container reaches c1 (ping, TCP, a UDP datagram
 *       to the listener); the rogue is still refused after the set changed.</li>
 * </ul>
 * Every missing behaviour is collected and the test fails once listing all of them.
 * {@link RogueHostUnderlay6E2EIT} runs the same on an IPv6-only underlay (the filter's IPv6 rule).
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RogueHostE2EIT {

    private static final System.Logger LOG = System.getLogger(RogueHostE2EIT.class.getName());
    private static final String NET = "roguenet";
    private static final String SUBNET = "198.18.150.0/24";
    private static final int UDP_PORT = 5000;
    private static final int TCP_PORT = 6000;
    private static final String VXLAN_PORT = "4789";
    /** The crafted frames' inner source: a MAC and an address no container has. */
    private static final String FORGED_MAC = "02:42:de:ad:be:ef";
    private static final String FORGED_IP = "198.18.150.250";
    /** The filter is installed in the background at start-up; a joining host is added on the store's news. */
    private static final Duration FILTER_UP = Duration.ofSeconds(15);
    static final int JOIN_S = 10;
    private static final Duration ARRIVE = Duration.ofSeconds(10);
    private static final int ROGUE_FRAMES = 5;

    private OverlayCluster c;
    private Testbed tb;
    private RogueHost rogue;
    private final List<String> failures = new ArrayList<>();
    private String script;
    private int vni;
    private Peer c1;

    /** The hosts' underlay family. */
    Testbed.Underlay underlay() {
        return Testbed.Underlay.IPV4;
    }

    @BeforeAll
    void up() {
        Testbed.require();
        Requirements.require(Requirements.onPath("python3"), "python3 (Debian package python3) to craft VXLAN frames");
        Requirements.require(Requirements.onPath("nft"), "nft (Debian package nftables) to read the ingress filter");
        script = PluginProcess.repoRoot().resolve("vxlan/src/test/resources/firewall/vxlan_frames.py").toString();
        c = OverlayCluster.up(2, Testbed.DockerVersion.V26, underlay(),
                underlay() == Testbed.Underlay.IPV6 ? "rogue6" : "rogue");
        tb = c.tb();
        rogue = tb.rogue();
    }

    @AfterAll
    void down() {
        try {
            if (rogue != null) {
                rogue.close();
            }
            if (c != null) {
                // While the daemons still answer: dockerd removing a container whose plugin is gone
                // retries the plugin for a long time (about 30 s per container at teardown).
                c.cleanup(NET, "c1", "c2", "c3");
            }
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aRogueCannotInjectFramesARegisteredHostCanAndALateHostIsAdmitted() {
        long t0 = System.nanoTime();
        String netId = c.createNetwork("h1", NET, SUBNET);
        run(tb, "h1", "c1", NET, List.of(), "socat", "-u", "UDP-RECV:" + UDP_PORT, "-");
        run(tb, "h2", "c2", NET, List.of(), "sleep", "3600");
        tb.dockerOk("h1", "exec", "-d", "c1", "socat", "TCP-LISTEN:" + TCP_PORT + ",reuseaddr,fork", "EXEC:cat");
        c1 = peer(tb, "h1", "c1", NET);
        vni = vniOn("h1", netId);
        LOG.log(Level.INFO, "c1 " + c1 + " on VNI " + vni + "; the rogue is " + rogue.ip());
        // The overlay works before anything else is judged (c2's first ping also fills the neighbour caches).
        check(pingsWithin(tb, "h2", "c2", c1.ip(), Duration.ofSeconds(30)), "c2 on h2 cannot ping c1 on h1 at all");

        // h1's filter allows h2 and not the rogue.
        within(FILTER_UP, "h1's ingress filter allowing h2 (" + tb.underlayIp("h2") + ") and not the rogue ("
                + rogue.ip() + ")", () -> setProblem("h1", List.of("h2"))).ifPresent(failures::add);

        // Crafted frames: the rogue's never arrive, the same frame from h2's VTEP does.
        long dropsBefore = rogueDrops("h1");
        sendFrame("rogue", "rogue-1", ROGUE_FRAMES);
        memberFramesArrive("h2", "member-h2");
        long dropsAfter = rogueDrops("h1");
        noRoguePayload("rogue-1", "crafted VXLAN frames from the rogue (" + rogue.ip() + ", VNI " + vni + ", c1's MAC "
                + c1.mac() + " and IP " + c1.ip() + ")");
        check(dropsBefore >= 0 && dropsAfter - dropsBefore >= ROGUE_FRAMES, "h1's counter " + rogueCounter()
                + " did not count the rogue's " + ROGUE_FRAMES + " frames: "
                + (dropsBefore < 0 ? "unreadable" : dropsBefore) + " before, "
                + (dropsAfter < 0 ? "unreadable" : dropsAfter) + " after (" + nftListing("h1") + ")");

        // A registered host's ordinary traffic still flows.
        check(pingsWithin(tb, "h2", "c2", c1.ip(), Duration.ofSeconds(10)), "c2 -> c1 ping fails with the filter on");
        check(pingsWithin(tb, "h1", "c1", address(tb, "h2", "c2", NET), Duration.ofSeconds(10)),
                "c1 -> c2 ping fails with the filter on");
        tcpEcho("h2", "c2").ifPresent(failures::add);

        // A late host is admitted within a few seconds and reaches c1; the rogue stays out.
        tb.add("h3");
        c.start("h3");
        long joined = System.nanoTime();
        Optional<String> late = within(Duration.ofSeconds(JOIN_S), "h3's VTEP in h1's ingress filter",
                () -> setProblem("h1", List.of("h2", "h3")));
        LOG.log(Level.INFO, "h3 " + (late.isPresent() ? "NOT in h1's set after " : "in h1's set ")
                + (System.nanoTime() - joined) / 1_000_000 + " ms after its daemon was ready");
        late.ifPresent(failures::add);
        c.awaitNetwork(NET, List.of("h3"));
        run(tb, "h3", "c3", NET, List.of(), "sleep", "3600");
        check(pingsWithin(tb, "h3", "c3", c1.ip(), Duration.ofSeconds(30)), "c3 on the late host h3 cannot ping c1");
        tcpEcho("h3", "c3").ifPresent(failures::add);
        within(ARRIVE, "a UDP datagram from c3 at c1's listener", () -> {
            tb.docker("h3", "exec", "c3", "sh", "-c", "echo late-c3 | socat -u - UDP:" + c1.ip() + ":" + UDP_PORT);
            return received().contains("late-c3") ? Optional.empty() : Optional.of("not received");
        }).ifPresent(failures::add);
        sendFrame("rogue", "rogue-2", ROGUE_FRAMES);
        memberFramesArrive("h3", "member-h3");
        noRoguePayload("rogue-2", "crafted frames from the rogue after h3 joined");

        LOG.log(Level.INFO, getClass().getSimpleName() + " took " + (System.nanoTime() - t0) / 1_000_000_000
                + " s after set-up");
        if (!failures.isEmpty()) {
            fail(failures.size() + " missing behaviour(s):\n- " + String.join("\n- ", failures)
                    + "\nh1's nft table:\n" + nftListing("h1"));
        }
    }

    private void check(boolean ok, String failure) {
        if (!ok) {
            failures.add(failure);
        }
    }

    /** The network's VNI, from the ID of its VXLAN device on {@code host} ({@code ip -d link}). */
    private int vniOn(String host, String netId) {
        Optional<JsonNode> vx = vxlanOf(tb, host, netId);
        if (vx.isEmpty()) {
            for (JsonNode l : links(tb, host)) {
                if (l.path("ifname").asText().startsWith("jo-")
                        && l.path("linkinfo").path("info_kind").asText().equals("vxlan")) {
                    vx = Optional.of(l);
                }
            }
        }
        return vx.orElseThrow(() -> new IllegalStateException("no javaoverlay VXLAN device on " + host))
                .path("linkinfo").path("info_data").path("id").asInt();
    }

    /**
     * Sends {@code count} crafted VXLAN frames to h1's VTEP from {@code from} ("rogue" or a host's
     * namespace): the network's VNI, Ethernet to c1's MAC, IPv4 and UDP to c1's listener, {@code payload}
     * and a newline (so that payloads are lines in the listener's output).
     */
    private void sendFrame(String from, String payload, int count) {
        String[] cmd = {"python3", script, "send", tb.underlayIp("h1"), VXLAN_PORT, Integer.toString(vni), c1.mac(),
                FORGED_MAC, FORGED_IP, c1.ip(), Integer.toString(UDP_PORT), payload + "\n", Integer.toString(count)};
        Testbed.Result r = from.equals("rogue") ? rogue.exec(cmd) : tb.exec(from, cmd);
        r.requireOk();
    }

    /** Two frames from a member host, each waited for; the second is sent only once the first is in. */
    private void memberFramesArrive(String host, String payload) {
        for (String p : List.of(payload + "-a", payload + "-b")) {
            sendFrame(host, p, 1);
            Optional<String> missing = within(ARRIVE, "the crafted frame '" + p + "' sent from " + host + "'s VTEP",
                    () -> received().contains(p) ? Optional.empty() : Optional.of("c1's listener has not received it"));
            if (missing.isPresent()) {
                failures.add(missing.get() + " (a registered host's frame must pass; c1's log: "
                        + received().strip() + ")");
                return;
            }
        }
    }

    private void noRoguePayload(String payload, String what) {
        List<String> got = received().lines().filter(l -> l.equals(payload)).toList();
        check(got.isEmpty(), what + " reached c1's listener: received " + got);
    }

    /** What c1's listener has printed so far. */
    private String received() {
        return tb.docker("h1", "logs", "c1").stdout();
    }

    /** A TCP echo from {@code container} on {@code host} through c1's echo server; empty when it works. */
    private Optional<String> tcpEcho(String host, String container) {
        String text = "tcp-from-" + container;
        return within(ARRIVE, "a TCP exchange " + container + " -> c1", () -> {
            Testbed.Result r = tb.docker(host, "exec", container, "sh", "-c",
                    "echo " + text + " | socat -t 3 - TCP:" + c1.ip() + ":" + TCP_PORT + ",connect-timeout=3");
            return r.ok() && r.stdout().strip().equals(text) ? Optional.empty() : Optional.of(r.describe());
        });
    }

    /**
     * Empty when {@code host}'s {@code table inet javaoverlay} allows the VTEPs of {@code members} and
     * not the rogue's, else what is wrong.
     */
    private Optional<String> setProblem(String host, List<String> members) {
        Optional<Set<String>> allowed = allowedVteps(host);
        if (allowed.isEmpty()) {
            return Optional.of("no table inet javaoverlay on " + host + ": " + nftListing(host));
        }
        List<String> problems = new ArrayList<>();
        for (String m : members) {
            if (!allowed.get().contains(tb.underlayIp(m))) {
                problems.add(m + "'s VTEP " + tb.underlayIp(m) + " missing");
            }
        }
        if (allowed.get().contains(rogue.ip())) {
            problems.add("the rogue " + rogue.ip() + " is allowed");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(problems + " in " + allowed.get());
    }

    /** Every element of every set in {@code host}'s {@code table inet javaoverlay}; empty when there is no table. */
    private Optional<Set<String>> allowedVteps(String host) {
        Testbed.Result r = tb.exec(host, "nft", "-j", "list", "table", "inet", "javaoverlay");
        if (!r.ok()) {
            return Optional.empty();
        }
        Set<String> elements = new TreeSet<>();
        for (JsonNode item : json(r.stdout()).path("nftables")) {
            for (JsonNode e : item.path("set").path("elem")) {
                elements.add(e.isTextual() ? e.asText() : e.toString());
            }
        }
        return Optional.of(elements);
    }

    /** Packets counted by {@code host}'s filter counter ({@link #rogueCounter()}); -1 if unreadable. */
    private long rogueDrops(String host) {
        Testbed.Result r = tb.exec(host, "nft", "-j", "list", "counter", "inet", "javaoverlay", rogueCounter());
        if (!r.ok()) {
            return -1;
        }
        for (JsonNode item : json(r.stdout()).path("nftables")) {
            if (item.has("counter")) {
                return item.path("counter").path("packets").asLong();
            }
        }
        return -1;
    }

    /** The filter's counter of dropped datagrams for the underlay's family (docs/firewall.md). */
    private String rogueCounter() {
        return tb.underlay() == Testbed.Underlay.IPV6 ? "rogue6" : "rogue4";
    }

    /** {@code nft list table inet javaoverlay} on {@code host}, or why it failed, for messages. */
    private String nftListing(String host) {
        Testbed.Result r = tb.exec(host, "nft", "list", "table", "inet", "javaoverlay");
        return r.ok() ? r.stdout().strip() : "`nft list table inet javaoverlay` exited with " + r.exitCode() + ": "
                + r.stderr().strip().lines().findFirst().orElse("");
    }
}
