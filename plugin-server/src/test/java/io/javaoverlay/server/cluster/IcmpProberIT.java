package io.javaoverlay.server.cluster;

import io.javaoverlay.server.e2e.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link IcmpProber} (the JDK's {@code InetAddress.isReachable}) really puts on the wire: a
 * prober in namespace A probes namespace B over a veth pair (198.18.201.0/30), while B counts ICMP
 * echo requests and drops ICMP or TCP port 7 with nftables. As root it is ICMP echo only; without
 * CAP_NET_RAW the JDK falls back to TCP port 7, where a refusal counts as reachable.
 */
@Tag("privileged")
class IcmpProberIT {
    private final String id = UUID.randomUUID().toString().substring(0, 6);
    private final String nsA = "jo-it-" + id + "a";
    private final String nsB = "jo-it-" + id + "b";
    private static final String B = "198.18.201.2";

    @BeforeEach
    void namespaces() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (creates network namespaces)");
        for (String tool : new String[] {"ip", "nft", "setpriv"}) {
            Requirements.require(Requirements.onPath(tool), "'" + tool + "' on PATH");
        }
        run("ip", "netns", "add", nsA);
        run("ip", "netns", "add", nsB);
        run("ip", "link", "add", "jo-" + id + "a", "netns", nsA, "type", "veth", "peer", "name", "jo-" + id + "b",
                "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", "198.18.201.1/30", "dev", "jo-" + id + "a");
        run("ip", "-n", nsB, "addr", "add", B + "/30", "dev", "jo-" + id + "b");
        for (String[] l : new String[][] {{nsA, "jo-" + id + "a"}, {nsB, "jo-" + id + "b"}, {nsA, "lo"}, {nsB, "lo"}}) {
            run("ip", "-n", l[0], "link", "set", l[1], "up");
        }
        run("ip", "netns", "exec", nsB, "nft", "add table inet jotest; add chain inet jotest in"
                + " { type filter hook input priority 0; }");
    }

    @AfterEach
    void cleanup() throws Exception {
        exec(List.of("ip", "netns", "del", nsA));
        exec(List.of("ip", "netns", "del", nsB));
    }

    @Test
    void asRootItIsIcmpEchoAndWithoutCapNetRawItIsTcpPort7() throws Exception {
        long before = inEchos();
        assertProbe(true, true, "reachable=true raw=true");
        assertTrue(inEchos() > before, "B received an ICMP echo request");

        run("ip", "netns", "exec", nsB, "nft", "add rule inet jotest in icmp type echo-request drop");
        String dropped = assertProbe(true, false, "reachable=false raw=true");
        System.out.println("IcmpProberIT: root, ICMP dropped at the target: " + dropped);
        // Unprivileged, the JDK connects to TCP port 7: B's RST (port closed) counts as reachable.
        assertProbe(false, true, "reachable=true raw=false");

        run("ip", "netns", "exec", nsB, "nft", "add rule inet jotest in tcp dport 7 drop");
        assertProbe(false, false, "reachable=false raw=false");
        run("ip", "netns", "exec", nsB, "nft", "flush chain inet jotest in");
        run("ip", "netns", "exec", nsB, "nft", "add rule inet jotest in tcp dport 7 drop");
        assertProbe(true, true, "reachable=true raw=true");
    }

    private String assertProbe(boolean root, boolean expected, String what) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsA));
        if (!root) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:-UsePerfData",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), IcmpProbeMain.class.getName(), B, "1000"));
        String out = run(cmd.toArray(String[]::new));
        String line = out.lines().filter(l -> l.startsWith("reachable=")).findFirst().orElse(out);
        assertEquals(expected, line.startsWith("reachable=true"), what + " expected, got: " + out);
        assertTrue(line.contains(" raw=" + root), what + " expected, got: " + out);
        return line;
    }

    /** Icmp InEchos of namespace B, from its /proc/net/snmp. */
    private long inEchos() throws Exception {
        List<String> icmp = run("ip", "netns", "exec", nsB, "cat", "/proc/net/snmp").lines()
                .filter(l -> l.startsWith("Icmp:")).toList();
        List<String> names = Arrays.asList(icmp.get(0).split("\\s+"));
        return Long.parseLong(icmp.get(1).split("\\s+")[names.indexOf("InEchos")]);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        String[] r = exec(List.of(cmd));
        assertEquals("0", r[0], String.join(" ", cmd) + " failed: " + r[1]);
        return r[1];
    }

    private static String[] exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new String[] {"timeout", out};
        }
        return new String[] {Integer.toString(p.exitValue()), out};
    }
}
