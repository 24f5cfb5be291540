package io.javaoverlay.vxlan.firewall;

import io.javaoverlay.testing.Requirements;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.testing.NetnsRunner;
import io.javaoverlay.vxlan.testing.VtepLab.Listener;
import io.javaoverlay.vxlan.testing.VtepLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static io.javaoverlay.vxlan.testing.VtepLab.VNI4;
import static io.javaoverlay.vxlan.testing.VtepLab.VNI6;
import static io.javaoverlay.vxlan.testing.VtepLab.vtep4;
import static io.javaoverlay.vxlan.testing.VtepLab.vtep6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rogue host, at the kernel level ({@link VtepLab}): a namespace on the underlay that is not a
 * registered VTEP sends VXLAN frames with the right VNI and container A's MAC and IP. Container A's
 * listener must never receive them while the filter runs on host A, although the very same frame sent
 * from registered host B's VTEP is received (the frame is valid, so the test can fail), and although
 * host A's iptables (nft and legacy) INPUT explicitly accepts UDP 4789, as a ufw or firewalld "allow"
 * would. After {@link HostFirewall#allowVteps} adds the rogue, its frames arrive: the set update works.
 */
@Tag("privileged")
class VxlanIngressFilterIT {
    static final int PORT = 7777;
    VtepLab lab;
    HostFirewall fw;
    Listener listener;

    @BeforeEach
    void setUp() throws Exception {
        HostFirewallIT.requireFirewallTools();
        Requirements.require(Requirements.onPath("python3"), "python3 (Debian package python3) to craft VXLAN frames");
        lab = new VtepLab();
        fw = new HostFirewall(FirewallConfig.defaults(), new NetnsRunner(lab.hostA));
        listener = lab.listen(lab.containerA, VtepLab.IP_A, PORT);
    }

    @AfterEach
    void tearDown() {
        if (fw != null) {
            fw.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static Set<IpAddress> addresses(String... ips) throws Exception {
        Set<IpAddress> s = new HashSet<>();
        for (String ip : ips) {
            s.add(IpAddress.parse(ip));
        }
        return s;
    }

    long dropped(String counter) {
        String out = sh("ip", "netns", "exec", lab.hostA, "nft", "list", "counter", "inet", "javaoverlay", counter);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    List<String> rogueReceived(String prefix) {
        return listener.received().stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    @Test
    void aRogueIpv4VtepCannotDeliverAFrameARegisteredOneCan() throws Exception {
        // Without the filter the hole exists: the rogue's crafted frame reaches the container.
        lab.sendToA(lab.rogue, vtep4(1), VNI4, PORT, "rogue-open", 1);
        listener.await("rogue-open");

        // A host firewall that accepts VXLAN explicitly, in both iptables backends, cannot open the filter.
        sh("ip", "netns", "exec", lab.hostA, "iptables", "-I", "INPUT", "-p", "udp", "--dport", "4789", "-j", "ACCEPT");
        sh("ip", "netns", "exec", lab.hostA, "iptables-legacy", "-I", "INPUT", "-p", "udp", "--dport", "4789", "-j", "ACCEPT");
        assertEquals(Outcome.INSTALLED, fw.allowVteps(addresses(vtep4(1), vtep4(2), vtep6(1), vtep6(2))));

        lab.sendToA(lab.rogue, vtep4(1), VNI4, PORT, "rogue-blocked", 5);
        lab.sendToA(lab.hostB, vtep4(1), VNI4, PORT, "registered-1", 1);
        listener.await("registered-1");
        // Sent after the rogue's frames on the same path: once it is in, theirs would be too.
        lab.sendToA(lab.hostB, vtep4(1), VNI4, PORT, "registered-2", 1);
        listener.await("registered-2");
        assertEquals(List.of(), rogueReceived("rogue-blocked"), "the rogue's frames never reach the container");
        assertEquals(5, dropped("rogue4"), "dropped and counted by the filter");

        // The set update: the rogue becomes a registered host.
        assertEquals(Outcome.INSTALLED, fw.allowVteps(addresses(vtep4(1), vtep4(2), vtep4(3), vtep6(1), vtep6(2))));
        lab.sendToA(lab.rogue, vtep4(1), VNI4, PORT, "rogue-allowed", 1);
        listener.await("rogue-allowed");
        assertEquals(5, dropped("rogue4"));
    }

    @Test
    void aRogueIpv6VtepCannotDeliverAFrameARegisteredOneCan() throws Exception {
        lab.sendToA(lab.rogue, vtep6(1), VNI6, PORT, "rogue6-open", 1);
        listener.await("rogue6-open");

        assertEquals(Outcome.INSTALLED, fw.allowVteps(addresses(vtep4(1), vtep4(2), vtep6(1), vtep6(2))));
        lab.sendToA(lab.rogue, vtep6(1), VNI6, PORT, "rogue6-blocked", 5);
        lab.sendToA(lab.hostB, vtep6(1), VNI6, PORT, "registered6-1", 1);
        listener.await("registered6-1");
        lab.sendToA(lab.hostB, vtep6(1), VNI6, PORT, "registered6-2", 1);
        listener.await("registered6-2");
        assertEquals(List.of(), rogueReceived("rogue6-blocked"));
        assertEquals(5, dropped("rogue6"));
        assertEquals(0, dropped("rogue4"), "the IPv4 rule saw nothing");

        assertEquals(Outcome.INSTALLED, fw.allowVteps(addresses(vtep4(1), vtep4(2), vtep6(1), vtep6(2), vtep6(3))));
        lab.sendToA(lab.rogue, vtep6(1), VNI6, PORT, "rogue6-allowed", 1);
        listener.await("rogue6-allowed");
    }

    @Test
    void theFilterIsBackAfterAFlushWithinOneEnsure() throws Exception {
        fw.allowVteps(addresses(vtep4(1), vtep4(2)));
        sh("ip", "netns", "exec", lab.hostA, "nft", "flush", "ruleset");
        lab.sendToA(lab.rogue, vtep4(1), VNI4, PORT, "rogue-in-the-gap", 1);
        listener.await("rogue-in-the-gap");   // fails open until the next resync, as documented

        assertEquals(Outcome.RESTORED, fw.ensure().ingress());
        lab.sendToA(lab.rogue, vtep4(1), VNI4, PORT, "rogue-after-repair", 3);
        lab.sendToA(lab.hostB, vtep4(1), VNI4, PORT, "registered-after-repair", 1);
        listener.await("registered-after-repair");
        assertEquals(List.of(), rogueReceived("rogue-after-repair"));
        assertEquals(3, dropped("rogue4"));
    }
}
