package io.javaoverlay.vxlan.firewall;

import io.javaoverlay.testing.Requirements;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.testing.ItSupport;
import io.javaoverlay.vxlan.testing.NetnsRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static io.javaoverlay.vxlan.testing.ItSupport.exitCode;
import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HostFirewall} against the real iptables, ip6tables and nft, inside a fresh namespace (the
 * runner prefixes {@code ip netns exec NS}): whatever removes the rules (a FORWARD flush, {@code nft
 * flush ruleset}, a deleted table, a flushed set), one {@code ensure()} puts everything back.
 */
@Tag("privileged")
class HostFirewallIT {
    static final String[] RULE = {"FORWARD", "-i", "jo-br-+", "-o", "jo-br-+", "-j", "ACCEPT"};
    String ns;
    HostFirewall fw;

    static void requireFirewallTools() {
        ItSupport.requirePrivileged(false);
        for (String tool : new String[]{"iptables", "ip6tables", "nft"}) {
            Requirements.require(Requirements.onPath(tool), tool + " (Debian packages iptables, nftables)");
        }
    }

    @BeforeEach
    void setUp() {
        requireFirewallTools();
        ns = ItSupport.newNs("fw");
        fw = new HostFirewall(FirewallConfig.defaults(), new NetnsRunner(ns));
    }

    @AfterEach
    void tearDown() {
        if (fw != null) {
            fw.close();
        }
        if (ns != null) {
            ItSupport.deleteNs(ns);
        }
    }

    int check(String program) {
        String[] c = {"ip", "netns", "exec", ns, program, "-w", "5", "-C"};
        String[] all = Arrays.copyOf(c, c.length + RULE.length);
        System.arraycopy(RULE, 0, all, c.length, RULE.length);
        return exitCode(all);
    }

    long rulesInForward(String program) {
        return sh("ip", "netns", "exec", ns, program, "-S", "FORWARD").lines().filter(l -> l.contains("jo-br-+")).count();
    }

    String table() {
        return sh("ip", "netns", "exec", ns, "nft", "list", "table", "inet", "javaoverlay");
    }

    @Test
    void flushedForwardChainsAreRestoredByTheNextEnsure() {
        assertEquals(new HostFirewall.Status(Outcome.INSTALLED, Outcome.INSTALLED, Outcome.OFF), fw.ensure());
        assertEquals(0, check("iptables"));
        assertEquals(0, check("ip6tables"));

        sh("ip", "netns", "exec", ns, "iptables", "-F", "FORWARD");
        sh("ip", "netns", "exec", ns, "ip6tables", "-F", "FORWARD");
        assertNotEquals(0, check("iptables"));
        assertNotEquals(0, check("ip6tables"));
        assertEquals(new HostFirewall.Status(Outcome.RESTORED, Outcome.RESTORED, Outcome.OFF), fw.ensure());
        assertEquals(0, check("iptables"));
        assertEquals(0, check("ip6tables"));

        assertEquals(new HostFirewall.Status(Outcome.IN_PLACE, Outcome.IN_PLACE, Outcome.OFF), fw.ensure());
        assertEquals(1, rulesInForward("iptables"), "idempotent: one rule after three calls");
        assertEquals(1, rulesInForward("ip6tables"));
    }

    @Test
    void theLegacyBackendIsKeptTheSameWay() {
        fw = new HostFirewall(FirewallConfig.defaults(), new NetnsRunner(ns,
                Map.of("iptables", "iptables-legacy", "ip6tables", "ip6tables-legacy")));
        Requirements.require(Requirements.onPath("iptables-legacy"), "iptables-legacy (Debian package iptables)");
        fw.ensure();
        sh("ip", "netns", "exec", ns, "iptables-legacy", "-F", "FORWARD");
        assertEquals(Outcome.RESTORED, fw.ensure().forward4());
        assertEquals(1, rulesInForward("iptables-legacy"));
        assertEquals(1, rulesInForward("ip6tables-legacy"));
    }

    @Test
    void nftFlushRulesetRemovesEverythingAndEnsureRestoresEverything() throws Exception {
        assertEquals(Outcome.INSTALLED, fw.allowVteps(Set.of(IpAddress.parse("198.18.0.1"),
                IpAddress.parse("198.18.0.2"), IpAddress.parse("2001:db8:18::2"))));
        fw.ensure();
        String programmed = table();
        assertTrue(programmed.contains("elements = { 198.18.0.1, 198.18.0.2 }"), programmed);
        assertTrue(programmed.contains("type filter hook input priority filter - 10; policy accept;"), programmed);
        assertTrue(programmed.contains("udp dport 4789 ip saddr != @vteps4 counter name \"rogue4\" drop"), programmed);

        // What a reload of nftables.service does (its /etc/nftables.conf starts with "flush ruleset").
        sh("ip", "netns", "exec", ns, "nft", "flush", "ruleset");
        assertNotEquals(0, check("iptables"));
        assertEquals(new HostFirewall.Status(Outcome.RESTORED, Outcome.RESTORED, Outcome.RESTORED), fw.ensure());
        assertEquals(0, check("iptables"));
        assertEquals(0, check("ip6tables"));
        assertEquals(programmed.replaceAll("packets \\d+ bytes \\d+", ""), table().replaceAll("packets \\d+ bytes \\d+", ""));
        assertEquals(Outcome.IN_PLACE, fw.ensure().ingress());
    }

    @Test
    void aDeletedTableAFlushedSetAndADeletedRuleAreRestored() throws Exception {
        fw.allowVteps(Set.of(IpAddress.parse("198.18.0.1"), IpAddress.parse("198.18.0.2")));
        String programmed = table();

        sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "javaoverlay");
        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        assertEquals(programmed, table());

        sh("ip", "netns", "exec", ns, "nft", "flush", "set", "inet", "javaoverlay", "vteps4");
        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        assertEquals(programmed, table());

        sh("ip", "netns", "exec", ns, "nft", "flush", "chain", "inet", "javaoverlay", "input");
        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        assertEquals(programmed, table());

        // Another priority cannot be changed by "add chain": the table is rebuilt in one transaction.
        sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "javaoverlay");
        sh("ip", "netns", "exec", ns, "nft", "add table inet javaoverlay; add chain inet javaoverlay input "
                + "{ type filter hook input priority 0; policy accept; }");
        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        assertEquals(programmed, table());
    }

    @Test
    void turningTheFilterOffRemovesTheTable() throws Exception {
        fw.allowVteps(Set.of(IpAddress.parse("198.18.0.1")));
        fw = new HostFirewall(FirewallConfig.defaults().withIngressFilter(false), new NetnsRunner(ns));
        assertEquals(Outcome.OFF, fw.ensure().ingress());
        assertNotEquals(0, exitCode("ip", "netns", "exec", ns, "nft", "list", "table", "inet", "javaoverlay"));
        assertEquals(0, check("iptables"), "the FORWARD rules do not depend on the filter");
    }
}
