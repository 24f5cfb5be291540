package io.javaoverlay.vxlan.firewall;

import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HostFirewall} against {@link FakeFirewallHost}: the exact commands, idempotence, repair, failures. */
class HostFirewallTest {
    static final String RULE = "FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT";
    static final String LIST = "nft -j list table inet javaoverlay";
    final FakeFirewallHost host = new FakeFirewallHost();
    final LogCapture logs = new LogCapture();
    HostFirewall fw = new HostFirewall(FirewallConfig.defaults(), host);

    @AfterEach
    void tearDown() {
        logs.close();
        fw.close();
    }

    static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    static Set<IpAddress> vteps(String... ips) throws Exception {
        Set<IpAddress> s = new java.util.HashSet<>();
        for (String i : ips) {
            s.add(ip(i));
        }
        return s;
    }

    long count(String command) {
        return host.calls.stream().filter(command::equals).count();
    }

    @Test
    void firstEnsureChecksAndInsertsBothForwardRulesWithABoundedLockWait() {
        HostFirewall.Status s = fw.ensure();
        assertEquals(List.of("iptables -w 5 -C " + RULE, "iptables -w 5 -I " + RULE,
                "ip6tables -w 5 -C " + RULE, "ip6tables -w 5 -I " + RULE, LIST), host.calls);
        assertEquals(new HostFirewall.Status(Outcome.INSTALLED, Outcome.INSTALLED, Outcome.OFF), s);
        assertTrue(host.timeouts.stream().allMatch(Duration.ofSeconds(10)::equals), "every command bounded: " + host.timeouts);
        assertTrue(logs.infos().stream().anyMatch(m -> m.startsWith("inserted iptables FORWARD") && m.contains("DROP")), logs.infos().toString());
    }

    @Test
    void ensureIsIdempotent() {
        fw.ensure();
        host.calls.clear();
        assertEquals(new HostFirewall.Status(Outcome.IN_PLACE, Outcome.IN_PLACE, Outcome.OFF), fw.ensure());
        assertEquals(List.of("iptables -w 5 -C " + RULE, "ip6tables -w 5 -C " + RULE, LIST), host.calls);
    }

    @Test
    void flushedForwardRulesAreRestoredAndTheLogSaysWhy() {
        fw.ensure();
        host.rule4 = false;
        host.rule6 = false;
        host.calls.clear();
        assertEquals(new HostFirewall.Status(Outcome.RESTORED, Outcome.RESTORED, Outcome.OFF), fw.ensure());
        assertEquals(1, count("iptables -w 5 -I " + RULE));
        assertEquals(1, count("ip6tables -w 5 -I " + RULE));
        assertTrue(host.rule4 && host.rule6);
        assertTrue(logs.warnings().stream().anyMatch(m -> m.startsWith("restored iptables FORWARD")
                && m.contains("iptables -F FORWARD") && m.contains("drops every frame bridged")), logs.warnings().toString());
    }

    @Test
    void missingIp6tablesIsOneWarningNotALoop() {
        host.ip6tablesInstalled = false;
        for (int i = 0; i < 3; i++) {
            HostFirewall.Status s = fw.ensure();
            assertEquals(Outcome.UNAVAILABLE, s.forward6());
            assertTrue(s.forward4() != Outcome.FAILED);
        }
        List<String> w = logs.warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("ip6tables is not installed"), w.get(0));
    }

    @Test
    void ipv6DisabledInTheKernelIsOneWarningAndNoInsert() {
        host.ip6tablesBroken = new CommandRunner.Result(3, "",
                "ip6tables v1.8.9 (legacy): can't initialize ip6tables table `filter': Address family not supported by protocol\n");
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.FAILED, fw.ensure().forward6());
        }
        assertEquals(0, count("ip6tables -w 5 -I " + RULE));
        List<String> w = logs.warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("Address family not supported") && w.get(0).contains("IPv6 disabled"), w.get(0));
    }

    @Test
    void aTimedOutCommandFailsItsPartOnlyAndIsLoggedOnce() throws Exception {
        host.iptablesHangs = true;
        host.rule6 = true;
        fw.allowVteps(vteps("198.18.0.1"));
        for (int i = 0; i < 2; i++) {
            HostFirewall.Status s = fw.ensure();
            assertEquals(Outcome.FAILED, s.forward4());
            assertEquals(Outcome.IN_PLACE, s.forward6(), "ip6tables still checked");
            assertEquals(Outcome.IN_PLACE, s.ingress(), "nft still checked");
        }
        assertEquals(1, logs.warnings().stream().filter(m -> m.contains("did not finish within")).count(), logs.warnings().toString());
    }

    @Test
    void noFilterUntilTheFirstNonEmptySet() throws Exception {
        assertEquals(Outcome.OFF, fw.allowVteps(Set.of()));
        assertEquals(Outcome.OFF, fw.ensure().ingress());
        assertEquals(0, count("nft -f -"));
        assertTrue(logs.infos().stream().anyMatch(m -> m.contains("waits for the list of registered hosts")), logs.infos().toString());
    }

    @Test
    void theFirstSetProgramsTheWholeTableInOneTransaction() throws Exception {
        assertEquals(Outcome.INSTALLED, fw.allowVteps(vteps("198.18.0.2", "198.18.0.1", "2001:db8:18::2")));
        assertEquals(List.of(LIST, "nft -f -"), host.calls);
        assertEquals(String.join("\n",
                "add table inet javaoverlay",
                "add set inet javaoverlay vteps4 { type ipv4_addr; }",
                "add set inet javaoverlay vteps6 { type ipv6_addr; }",
                "add counter inet javaoverlay rogue4",
                "add counter inet javaoverlay rogue6",
                "add chain inet javaoverlay input { type filter hook input priority -10; policy accept; }",
                "flush chain inet javaoverlay input",
                "add rule inet javaoverlay input udp dport 4789 ip saddr != @vteps4 counter name rogue4 drop comment \"javaoverlay: VXLAN only from registered hosts\"",
                "add rule inet javaoverlay input udp dport 4789 ip6 saddr != @vteps6 counter name rogue6 drop comment \"javaoverlay: VXLAN only from registered hosts\"",
                "flush set inet javaoverlay vteps4",
                "add element inet javaoverlay vteps4 { 198.18.0.1, 198.18.0.2 }",
                "flush set inet javaoverlay vteps6",
                "add element inet javaoverlay vteps6 { 2001:db8:18::2 }", ""), host.scripts.get(0));
        host.calls.clear();
        assertEquals(Outcome.IN_PLACE, fw.ensure().ingress(), "the same set again changes nothing");
        assertEquals(List.of(LIST), host.calls.stream().filter(c -> c.startsWith("nft")).collect(Collectors.toList()));
    }

    @Test
    void aNewSetReplacesTheOldOneInOneTransactionWithoutAnEmptyWindow() throws Exception {
        fw.allowVteps(vteps("198.18.0.1", "198.18.0.2"));
        logs.clear();
        assertEquals(Outcome.INSTALLED, fw.allowVteps(vteps("198.18.0.1", "198.18.0.3")));
        assertEquals(2, host.scripts.size());
        String script = host.scripts.get(1);
        assertTrue(script.contains("flush set inet javaoverlay vteps4\nadd element inet javaoverlay vteps4 { 198.18.0.1, 198.18.0.3 }\n"), script);
        assertEquals(Set.of("198.18.0.1", "198.18.0.3"), host.vteps4);
        assertTrue(logs.infos().stream().anyMatch(m -> m.contains("+198.18.0.3, -198.18.0.2")), logs.infos().toString());
        assertTrue(logs.warnings().isEmpty(), "a caller's update is not outside damage: " + logs.warnings());
    }

    @Test
    void aFlushedRulesetIsRestoredWithTheSetContents() throws Exception {
        fw.allowVteps(vteps("198.18.0.1", "198.18.0.2"));
        fw.ensure();
        host.flushRuleset();
        HostFirewall.Status s = fw.ensure();
        assertEquals(new HostFirewall.Status(Outcome.RESTORED, Outcome.RESTORED, Outcome.RESTORED), s);
        assertTrue(host.table && host.chain && host.rules);
        assertEquals(Set.of("198.18.0.1", "198.18.0.2"), host.vteps4);
        assertTrue(logs.warnings().stream().anyMatch(m -> m.startsWith("restored the VXLAN ingress filter: table inet "
                + "javaoverlay was missing")), logs.warnings().toString());
    }

    @Test
    void aFlushedSetAndADeletedRuleAreRestored() throws Exception {
        fw.allowVteps(vteps("198.18.0.1", "198.18.0.2"));
        host.vteps4.clear();
        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        assertEquals(Set.of("198.18.0.1", "198.18.0.2"), host.vteps4);
        host.rules = false;
        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        assertTrue(host.rules);
        assertTrue(logs.warnings().stream().anyMatch(m -> m.contains("set vteps4 +198.18.0.1, +198.18.0.2")), logs.warnings().toString());
        assertTrue(logs.warnings().stream().anyMatch(m -> m.contains("its rules are missing")), logs.warnings().toString());
    }

    @Test
    void anEmptySetAfterANonEmptyOneKeepsThePreviousSet() throws Exception {
        fw.allowVteps(vteps("198.18.0.1", "198.18.0.2"));
        assertEquals(Outcome.IN_PLACE, fw.allowVteps(Set.of()));
        assertEquals(1, host.scripts.size(), "nothing committed");
        assertEquals(Set.of("198.18.0.1", "198.18.0.2"), host.vteps4);
        assertTrue(logs.warnings().stream().anyMatch(m -> m.startsWith("ignoring an empty list of registered hosts")), logs.warnings().toString());
    }

    @Test
    void aTableTheIncrementalScriptCannotFixIsRebuiltInOneTransaction() throws Exception {
        host.refuseIncremental = true;
        assertEquals(Outcome.INSTALLED, fw.allowVteps(vteps("198.18.0.1")));
        assertEquals(2, host.scripts.size());
        assertTrue(host.scripts.get(1).startsWith("add table inet javaoverlay\ndelete table inet javaoverlay\nadd table inet javaoverlay\n"));
        assertEquals(Set.of("198.18.0.1"), host.vteps4);
    }

    @Test
    void aTableFromThePreviousRunIsKeptUntilTheSetIsKnown() throws Exception {
        host.table = host.chain = host.rules = true;
        host.rulesPort = 4789;
        host.vteps4.add("198.18.0.9");
        assertEquals(Outcome.IN_PLACE, fw.ensure().ingress());
        assertEquals(0, count("nft -f -"));
        assertEquals(Set.of("198.18.0.9"), host.vteps4);
    }

    @Test
    void turnedOffDeletesTheTableAndNeverRecreatesIt() throws Exception {
        fw = new HostFirewall(FirewallConfig.defaults().withIngressFilter(false), host);
        host.table = true;
        assertEquals(Outcome.OFF, fw.ensure().ingress());
        assertEquals(1, count("nft delete table inet javaoverlay"));
        assertEquals(Outcome.OFF, fw.allowVteps(vteps("198.18.0.1")));
        assertEquals(Outcome.OFF, fw.ensure().ingress());
        assertEquals(1, count("nft delete table inet javaoverlay"), "only deleted while present");
        assertEquals(0, count("nft -f -"));
    }

    @Test
    void missingNftIsOneWarningNotALoop() throws Exception {
        host.nftInstalled = false;
        assertEquals(Outcome.UNAVAILABLE, fw.allowVteps(vteps("198.18.0.1")));
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.UNAVAILABLE, fw.ensure().ingress());
        }
        List<String> w = logs.warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("nft is not installed") && w.get(0).contains("nftables"), w.get(0));
    }

    @Test
    void theConfiguredPortIsGuarded() throws Exception {
        fw = new HostFirewall(FirewallConfig.defaults().withVxlanPort(8472), host);
        fw.allowVteps(vteps("198.18.0.1"));
        assertTrue(host.scripts.get(0).contains("udp dport 8472 ip saddr != @vteps4"));
        assertEquals(Outcome.IN_PLACE, fw.ensure().ingress());
    }

    @Test
    void addressesArePrintedAsCanonicalLiterals() {
        fw.allowVteps(Set.of(ip("fe80:0:0::1"), ip("198.18.0.1")));
        assertTrue(host.scripts.get(0).contains("add element inet javaoverlay vteps6 { fe80::1 }\n"), host.scripts.get(0));
        assertTrue(host.scripts.get(0).contains("add element inet javaoverlay vteps4 { 198.18.0.1 }\n"), host.scripts.get(0));
    }

    @Test
    void startRunsEnsureInTheBackgroundAndReturnsAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        fw = new HostFirewall(FirewallConfig.defaults(), (c, in, t) -> {
            ran.countDown();
            release.await();
            return host.run(c, in, t);
        });
        fw.start();   // would hang here if start() ran ensure() itself
        assertTrue(ran.await(30, java.util.concurrent.TimeUnit.SECONDS), "ensure() started in the background");
        release.countDown();
    }
}
