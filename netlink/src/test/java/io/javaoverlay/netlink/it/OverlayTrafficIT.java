package io.javaoverlay.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
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
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real traffic over a VXLAN overlay built only with this module: two "hosts" (namespaces h1 = the
 * test namespace, h2) joined by a veth underlay with MTU 1400, and on each host a bridge, a VXLAN
 * device (learning off, local = host underlay IP, underlay device set) and a veth into a
 * "container" namespace (c1, c2) with MTU 1350. Forwarding is static: an FDB entry per remote
 * container MAC pointing at the remote VTEP and permanent neighbour entries in the containers.
 * ping (via {@code ip netns exec}) only drives traffic.
 *
 * <pre>
 *  c1 [jo-eth0 198.19.10.1]                                     c2 [jo-eth0 198.19.10.2]
 *        | veth mtu 1350                                              | veth mtu 1350
 *  h1 [jo-c1h]-jo-br1-[jo-vx1 vni 4242]                  [jo-vx2]-jo-br2-[jo-c2h] h2
 *                        local 198.18.0.1 -- jo-ul1 ==== jo-ul2 -- 198.18.0.2  (underlay mtu 1400)
 * </pre>
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class OverlayTrafficIT {
    private static final int VNI = 4242;
    private static final int UNDERLAY_MTU = 1400;
    /** 1400 - 50 bytes of VXLAN encapsulation (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14). */
    private static final int OVERLAY_MTU = 1350;

    private record Host(TestNetns ns, IpAddress vtep, Link vxlan) {}

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static MacAddress containerMac(int n) {
        return MacAddress.parse("02:42:c6:13:0a:0" + n);
    }

    private static IpAddress containerIp(int n) {
        return ip("198.19.10." + n);
    }

    /** Bridge + VXLAN on a host, and a veth into its container; returns the host's VXLAN device. */
    private static Host plumbHost(TestNetns host, int n, TestNetns container) throws Exception {
        NetlinkHandle h = host.handle();
        IpAddress vtep = ip("198.18.0." + n);
        Link underlay = h.linkByName("jo-ul" + n);
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br" + n).withUp(true)));
        Link vx = h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx" + n).withMtu(OVERLAY_MTU).withMaster(br.index()).withUp(true), VNI)
                .local(vtep).learning(false).underlayIndex(underlay.index()).build());
        // Host end on the bridge; the container end is born inside the container namespace.
        h.linkAdd(new Veth(LinkAttrs.named("jo-c" + n + "h").withMtu(OVERLAY_MTU).withMaster(br.index()).withUp(true),
                "jo-eth0", Optional.of(container.ns()), 0));

        NetlinkHandle c = container.handle();
        Link eth = c.linkByName("jo-eth0");
        assertEquals(OVERLAY_MTU, eth.attrs().mtu(), "both veth ends get the spec's MTU");
        c.linkSetHardwareAddr(eth.index(), containerMac(n));
        c.addrAdd(eth.index(), new IpPrefix(containerIp(n), 24));
        c.linkSetUp(eth.index());
        c.linkSetUp(c.linkByName("lo").index());
        return new Host(host, vtep, vx);
    }

    @Test
    void containersPingAcrossTheTunnelAndMtuHolds(TestNetns h1) throws Exception {
        Requirements.requireTools("ping");
        TestNetns h2 = h1.another("h2");
        TestNetns c1 = h1.another("c1");
        TestNetns c2 = h1.another("c2");

        // Underlay: one veth between the hosts, peer created directly in h2.
        NetlinkHandle u1 = h1.handle();
        Link ul1 = u1.linkAdd(new Veth(LinkAttrs.named("jo-ul1").withMtu(UNDERLAY_MTU), "jo-ul2",
                Optional.of(h2.ns()), 0));
        Link ul2 = h2.handle().linkByName("jo-ul2");
        h2.handle().linkSetMtu(ul2.index(), UNDERLAY_MTU);
        u1.addrAdd(ul1.index(), IpPrefix.parse("198.18.0.1/24"));
        h2.handle().addrAdd(ul2.index(), IpPrefix.parse("198.18.0.2/24"));
        u1.linkSetUp(ul1.index());
        h2.handle().linkSetUp(ul2.index());

        Host host1 = plumbHost(h1, 1, c1);
        Host host2 = plumbHost(h2, 2, c2);

        // Static forwarding: remote container MAC -> remote VTEP; container ARP entries permanent.
        h1.handle().fdbSet(FdbEntry.toVtep(host1.vxlan().index(), containerMac(2), host2.vtep()));
        h2.handle().fdbSet(FdbEntry.toVtep(host2.vxlan().index(), containerMac(1), host1.vtep()));
        c1.handle().neighSet(Neighbor.permanent(c1.handle().linkByName("jo-eth0").index(), containerIp(2), containerMac(2)));
        c2.handle().neighSet(Neighbor.permanent(c2.handle().linkByName("jo-eth0").index(), containerIp(1), containerMac(1)));

        // iproute2 agrees with what we built
        assertEquals(4242, IpRoute2.link(h1.name(), "jo-vx1").get("id"));
        assertEquals(false, IpRoute2.link(h1.name(), "jo-vx1").get("learning"));
        assertEquals("jo-ul1", IpRoute2.link(h1.name(), "jo-vx1").get("link"));
        assertTrue(IpRoute2.fdb(h1.name(), "jo-vx1").contains(
                IpRoute2.fdbRow(containerMac(2).toString(), "198.18.0.2", "self", "permanent")));
        assertEquals(OVERLAY_MTU, IpRoute2.link(c1.name(), "jo-eth0").get("mtu"));

        IpRoute2.Result ping = c1.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "198.19.10.2");
        assertTrue(ping.ok(), "ping c1 -> c2 over VXLAN failed:\n" + ping.stdout() + ping.stderr());
        IpRoute2.Result back = c2.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "198.19.10.1");
        assertTrue(back.ok(), "ping c2 -> c1 failed:\n" + back.stdout() + back.stderr());

        // 1322 bytes of ICMP payload + 8 ICMP + 20 IP = 1350: fits exactly with don't-fragment.
        IpRoute2.Result big = c1.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "-M", "do", "-s", "1322", "198.19.10.2");
        assertTrue(big.ok(), "1350-byte DF ping must pass:\n" + big.stdout() + big.stderr());
        IpRoute2.Result tooBig = c1.exec("ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1323", "198.19.10.2");
        assertFalse(tooBig.ok(), "1351-byte DF ping must fail:\n" + tooBig.stdout() + tooBig.stderr());

        // The packets really went through the tunnel: the VXLAN device counted them.
        long txPackets = IpRoute2.json("ip", "-n", h1.name(), "-j", "-s", "link", "show", "jo-vx1").get(0)
                .path("stats64").path("tx").path("packets").asLong();
        assertTrue(txPackets >= 5, "jo-vx1 tx packets: " + txPackets);
    }
}
