package io.javaoverlay.netlink.it;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.testing.Requirements;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VXLAN overlay over an IPv6-only underlay, forwarded by flood (all-zero MAC) entries alone.
 * Host h1 (the test namespace) is built with this module, host h2 with iproute2, so each direction
 * of the cross-check is covered; containers c1, c2 ping each other across.
 *
 * <pre>
 *  c1 [jo-eth0 198.19.10.1]                                          c2 [jo-eth0 198.19.10.2]
 *  h1 [jo-c1h]-jo-br1-[jo-vx1 local6 fd00:198:18::1]   [jo-vx2 local6 fd00:198:18::2]-jo-br2-[jo-c2h] h2
 *                        jo-ul1 fd00:198:18::1/64 ====== jo-ul2 fd00:198:18::2/64   (underlay mtu 1420, no IPv4)
 * </pre>
 * The VXLAN devices use learning off and no per-MAC entries: ARP broadcasts and unicast both go to
 * the flood list. h1's flood list holds a second, dead VTEP that is deleted half-way.
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class Ipv6UnderlayIT {
    private static final int VNI = 4242;
    private static final int UNDERLAY_MTU = 1420;
    /** 1420 - 70: outer IPv6 40 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    private static final int OVERLAY_MTU = UNDERLAY_MTU - Vxlan.OVERHEAD_IPV6;
    private static final IpAddress VTEP1 = IpAddress.parse("fd00:198:18::1");
    private static final IpAddress VTEP2 = IpAddress.parse("fd00:198:18::2");
    private static final IpAddress DEAD_VTEP = IpAddress.parse("fd00:198:18::99");

    /** DAD would keep the new underlay addresses tentative (unusable as VTEP source) for about a second. */
    private static void noDad(TestNetns ns) {
        IpRoute2.Result r = ns.exec("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        assertTrue(r.ok(), r.stderr());
    }

    /** A veth from the host's bridge into the container, container side addressed and up. */
    private static void container(TestNetns host, Link bridge, int n, TestNetns c) throws Exception {
        host.handle().linkAdd(new Veth(LinkAttrs.named("jo-c" + n + "h").withMtu(OVERLAY_MTU).withMaster(bridge.index())
                .withUp(true), "jo-eth0", Optional.of(c.ns()), 0));
        NetlinkHandle ch = c.handle();
        Link eth = ch.linkByName("jo-eth0");
        ch.linkSetHardwareAddr(eth.index(), MacAddress.parse("02:42:c6:13:0a:0" + n));
        ch.addrAdd(eth.index(), IpPrefix.parse("198.19.10." + n + "/24"));
        ch.linkSetUp(eth.index());
    }

    private static IpRoute2.Result ping(TestNetns from, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ping";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return from.exec(cmd);
    }

    @Test
    void containersPingOverAnIpv6UnderlayUsingFloodEntries(TestNetns h1) throws Exception {
        Requirements.require(Requirements.onPath("ping") && Requirements.onPath("sysctl"), "ping and sysctl on PATH");
        TestNetns h2 = h1.another("h2");
        TestNetns c1 = h1.another("c1");
        TestNetns c2 = h1.another("c2");
        noDad(h1);
        noDad(h2);

        // IPv6-only underlay
        NetlinkHandle n1 = h1.handle();
        Link ul1 = n1.linkAdd(new Veth(LinkAttrs.named("jo-ul1").withMtu(UNDERLAY_MTU).withUp(true), "jo-ul2",
                Optional.of(h2.ns()), 0));
        n1.addrAdd(ul1.index(), new IpPrefix(VTEP1, 64));
        h2.ip("addr", "add", "fd00:198:18::2/64", "dev", "jo-ul2");
        h2.ip("link", "set", "jo-ul2", "up");
        assertTrue(n1.addrList(ul1.index(), Family.INET).isEmpty(), "the underlay has no IPv4 address");

        // h1 with this module: no MTU given, so the kernel derives it from the underlay minus the IPv6 headroom
        Link br1 = n1.linkAdd(new Bridge(LinkAttrs.named("jo-br1").withUp(true)));
        Vxlan vx1 = assertInstanceOf(Vxlan.class, n1.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx1")
                .withMaster(br1.index()).withUp(true), VNI).local(VTEP1).underlayIndex(ul1.index()).learning(false).build()));
        assertEquals(OVERLAY_MTU, vx1.attrs().mtu(), "kernel: underlay " + UNDERLAY_MTU + " - 70 bytes of IPv6 VXLAN");
        assertThrows(NetlinkException.class, () -> n1.linkSetMtu(vx1.index(), OVERLAY_MTU + 1),
                "the kernel refuses an MTU that would not fit the IPv6 underlay");
        assertEquals(Optional.of(VTEP1), vx1.local());
        assertTrue(vx1.isIpv6Underlay());
        n1.fdbAppend(FdbEntry.flood(vx1.index(), VTEP2));
        n1.fdbAppend(FdbEntry.flood(vx1.index(), DEAD_VTEP));
        container(h1, br1, 1, c1);

        // h2 with iproute2
        h2.ip("link", "add", "jo-br2", "type", "bridge");
        h2.ip("link", "set", "jo-br2", "up");
        h2.ip("link", "add", "jo-vx2", "type", "vxlan", "id", String.valueOf(VNI), "local", "fd00:198:18::2", "dev", "jo-ul2",
                "dstport", "4789", "nolearning");
        h2.ip("link", "set", "jo-vx2", "master", "jo-br2", "up");
        h2.bridge("fdb", "append", "00:00:00:00:00:00", "dev", "jo-vx2", "dst", "fd00:198:18::1", "self", "permanent");
        container(h2, h2.handle().linkByName("jo-br2"), 2, c2);

        // iproute2 reads what we built
        Map<String, Object> vx1Ip = IpRoute2.link(h1.name(), "jo-vx1");
        assertEquals("fd00:198:18::1", vx1Ip.get("local"));
        assertEquals("jo-ul1", vx1Ip.get("link"));
        assertEquals(OVERLAY_MTU, vx1Ip.get("mtu"));
        List<Map<String, Object>> fdb1 = IpRoute2.fdb(h1.name(), "jo-vx1");
        assertTrue(fdb1.contains(IpRoute2.fdbRow("00:00:00:00:00:00", "fd00:198:18::2", "self", "permanent")), fdb1.toString());
        assertTrue(fdb1.contains(IpRoute2.fdbRow("00:00:00:00:00:00", "fd00:198:18::99", "self", "permanent")), fdb1.toString());
        // and we read what iproute2 built
        NetlinkHandle n2 = h2.handle();
        Vxlan vx2 = assertInstanceOf(Vxlan.class, n2.linkByName("jo-vx2"));
        assertEquals(Optional.of(VTEP2), vx2.local());
        assertEquals(n2.linkByName("jo-ul2").index(), vx2.underlayIndex());
        assertEquals(OVERLAY_MTU, vx2.attrs().mtu(), "iproute2's device got the same derived MTU");
        assertFalse(vx2.learning());
        assertEquals(List.of(FdbEntry.builder(vx2.index(), MacAddress.ZERO).destination(VTEP1).build()),
                n2.fdbList(vx2.index()).stream().filter(FdbEntry::isFlood).toList());

        IpRoute2.Result go = ping(c1, "-c", "3", "-i", "0.2", "-W", "2", "198.19.10.2");
        assertTrue(go.ok(), "ping c1 -> c2 over the IPv6 underlay failed:\n" + go.stdout() + go.stderr());

        // drop the dead VTEP: the live one stays and traffic still flows
        n1.fdbDel(FdbEntry.flood(vx1.index(), DEAD_VTEP));
        List<FdbEntry> flood = n1.fdbList(vx1.index()).stream().filter(FdbEntry::isFlood).toList();
        assertEquals(List.of(Optional.of(VTEP2)), flood.stream().map(FdbEntry::destination).toList());
        assertFalse(IpRoute2.fdb(h1.name(), "jo-vx1").stream().anyMatch(r -> r.get("dst").equals("fd00:198:18::99")));
        IpRoute2.Result back = ping(c2, "-c", "2", "-i", "0.2", "-W", "2", "198.19.10.1");
        assertTrue(back.ok(), "ping c2 -> c1 failed:\n" + back.stdout() + back.stderr());

        // 1322 bytes of ICMP payload + 8 + 20 = 1350 = the overlay MTU: fits with don't-fragment; one more does not
        IpRoute2.Result big = ping(c1, "-c", "2", "-i", "0.2", "-W", "2", "-M", "do", "-s", String.valueOf(OVERLAY_MTU - 28),
                "198.19.10.2");
        assertTrue(big.ok(), "1350-byte DF ping must pass:\n" + big.stdout() + big.stderr());
        IpRoute2.Result tooBig = ping(c1, "-c", "1", "-W", "2", "-M", "do", "-s", String.valueOf(OVERLAY_MTU - 27),
                "198.19.10.2");
        assertFalse(tooBig.ok(), "1351-byte DF ping must fail:\n" + tooBig.stdout() + tooBig.stderr());

        long tx = IpRoute2.json("ip", "-n", h1.name(), "-j", "-s", "link", "show", "jo-ul1").get(0)
                .path("stats64").path("tx").path("bytes").asLong();
        assertTrue(tx > 2 * (OVERLAY_MTU + Vxlan.OVERHEAD_IPV6), "the underlay carried the big pings: " + tx + " bytes");
    }
}
