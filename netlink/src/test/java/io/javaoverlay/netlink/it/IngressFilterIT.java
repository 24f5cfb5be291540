package io.javaoverlay.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ingress filters through this module, on the overlay of {@link OverlayTrafficIT}, laid out as
 * javaoverlay's fast path lays them out: each host's container port (veth host end) uses a shared
 * filter block that redirects frames to the remote container's MAC to the vxlan device; the vxlan
 * device redirects frames to the local container's MAC to its port. With the ports taken off their
 * bridges, the containers still reach each other: the frames went by the filters alone. The other
 * shapes (a pass, a redirect of every unicast frame) are read back too. {@code tc} is used only to
 * cross-check.
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class IngressFilterIT {
    private static final int VNI = 4343;
    private static final int BLOCK = 0x6a000000 + VNI;

    private static MacAddress mac(int n) {
        return MacAddress.parse("02:42:c6:13:0b:0" + n);
    }

    private static IpAddress ip(int n) {
        return IpAddress.parse("198.19.11." + n);
    }

    private record Host(TestNetns ns, Link bridge, Link vxlan, Link port) {}

    private static Host plumb(TestNetns host, int n, TestNetns container) throws Exception {
        NetlinkHandle h = host.handle();
        Link underlay = h.linkByName("jo-ul" + n);
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br" + n).withUp(true)));
        Link vx = h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx" + n).withMtu(1350).withMaster(br.index()).withUp(true), VNI)
                .local(IpAddress.parse("198.18.0." + n)).learning(false).underlayIndex(underlay.index()).build());
        Link port = h.linkAdd(new Veth(LinkAttrs.named("jo-p" + n + "h").withMtu(1350).withMaster(br.index()).withUp(true),
                "jo-eth0", Optional.of(container.ns()), 0));
        NetlinkHandle c = container.handle();
        Link eth = c.linkByName("jo-eth0");
        c.linkSetHardwareAddr(eth.index(), mac(n));
        c.addrAdd(eth.index(), new IpPrefix(ip(n), 24));
        c.linkSetUp(eth.index());
        c.linkSetUp(c.linkByName("lo").index());
        return new Host(host, br, vx, h.linkByName("jo-p" + n + "h"));
    }

    /** The fast path of one host: port → block (the other host's MAC → vxlan), vxlan → port for its own MAC. */
    private static void filters(Host h, int n) throws Exception {
        NetlinkHandle k = h.ns().handle();
        k.clsactAdd(h.port().index(), BLOCK);
        k.clsactAdd(h.vxlan().index(), 0);
        k.ingressFilterAdd(IngressTarget.block(BLOCK), IngressFilter.redirect(1, mac(3 - n), h.vxlan().index()));
        k.ingressFilterAdd(IngressTarget.device(h.vxlan().index()), IngressFilter.redirect(1, mac(n), h.port().index()));
    }

    private static boolean pings(TestNetns c, int to) {
        return c.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", ip(to).toString()).ok();
    }

    @Test
    void unicastCrossesTheOverlayByTheFiltersAloneAndTheFiltersReadBack(TestNetns h1) throws Exception {
        Requirements.requireTools("ping", "tc");
        TestNetns h2 = h1.another("h2");
        TestNetns c1 = h1.another("c1");
        TestNetns c2 = h1.another("c2");
        Link ul1 = h1.handle().linkAdd(new Veth(LinkAttrs.named("jo-ul1").withMtu(1400), "jo-ul2", Optional.of(h2.ns()), 0));
        Link ul2 = h2.handle().linkByName("jo-ul2");
        h1.handle().addrAdd(ul1.index(), IpPrefix.parse("198.18.0.1/24"));
        h2.handle().addrAdd(ul2.index(), IpPrefix.parse("198.18.0.2/24"));
        h1.handle().linkSetUp(ul1.index());
        h2.handle().linkSetUp(ul2.index());
        Host a = plumb(h1, 1, c1);
        Host b = plumb(h2, 2, c2);
        h1.handle().fdbSet(FdbEntry.toVtep(a.vxlan().index(), mac(2), IpAddress.parse("198.18.0.2")));
        h2.handle().fdbSet(FdbEntry.toVtep(b.vxlan().index(), mac(1), IpAddress.parse("198.18.0.1")));
        // No ARP: the containers know each other, so only unicast frames cross.
        c1.handle().neighSet(Neighbor.permanent(c1.handle().linkByName("jo-eth0").index(), ip(2), mac(2)));
        c2.handle().neighSet(Neighbor.permanent(c2.handle().linkByName("jo-eth0").index(), ip(1), mac(1)));
        // Take the ports off the bridges: the bridges can no longer carry the containers' frames.
        h1.handle().linkSetNoMaster(a.port().index());
        h2.handle().linkSetNoMaster(b.port().index());
        assertFalse(pings(c1, 2), "without filters and without the bridge nothing crosses");

        filters(a, 1);
        filters(b, 2);
        assertTrue(pings(c1, 2), "c1 -> c2 by the filters alone");
        assertTrue(pings(c2, 1), "c2 -> c1 by the filters alone");

        NetlinkHandle k = h1.handle();
        assertEquals(Map.of(1, Optional.of(IngressFilter.redirect(1, mac(2), a.vxlan().index()))),
                k.ingressFilters(IngressTarget.block(BLOCK)));
        assertEquals(Map.of(1, Optional.of(IngressFilter.redirect(1, mac(1), a.port().index()))),
                k.ingressFilters(IngressTarget.device(a.vxlan().index())));
        assertEquals(Map.of(a.port().index(), BLOCK, a.vxlan().index(), 0), k.clsactList());
        String shown = IpRoute2.check("tc", "-n", h1.name(), "filter", "show", "block", Integer.toUnsignedString(BLOCK));
        assertTrue(shown.contains("Egress Redirect to device jo-vx1"), shown);
        // Two different filters at one priority read back as foreign (the caller keeps one per priority).
        k.ingressFilterAdd(IngressTarget.block(BLOCK), IngressFilter.pass(1, mac(3)));
        assertEquals(Optional.empty(), k.ingressFilters(IngressTarget.block(BLOCK)).get(1));

        // Removing the redirect of the port's block stops c1's frames; a redirect of every unicast frame
        // behind a pass of c1's own MAC carries them again.
        k.ingressFilterDel(IngressTarget.block(BLOCK), 1);
        assertFalse(pings(c1, 2), "without the redirect c1's frames go nowhere");
        k.ingressFilterAdd(IngressTarget.block(BLOCK), IngressFilter.pass(1, mac(1)));
        k.ingressFilterAdd(IngressTarget.block(BLOCK), IngressFilter.redirectUnicast(65000, a.vxlan().index()));
        assertEquals(Map.of(1, Optional.of(IngressFilter.pass(1, mac(1))),
                        65000, Optional.of(IngressFilter.redirectUnicast(65000, a.vxlan().index()))),
                k.ingressFilters(IngressTarget.block(BLOCK)));
        assertTrue(pings(c1, 2));

        // A redirect whose target device is gone reads as foreign (the kernel reports ifindex 0).
        Link spare = k.linkAdd(new Veth(LinkAttrs.named("jo-sp1").withUp(true), "jo-sp2", Optional.empty(), 0));
        k.ingressFilterAdd(IngressTarget.device(a.vxlan().index()), IngressFilter.redirect(5, mac(9), spare.index()));
        assertEquals(Optional.of(IngressFilter.redirect(5, mac(9), spare.index())),
                k.ingressFilters(IngressTarget.device(a.vxlan().index())).get(5));
        k.linkDel(spare.index());
        assertEquals(Optional.empty(), k.ingressFilters(IngressTarget.device(a.vxlan().index())).get(5));
        k.ingressFilterDel(IngressTarget.device(a.vxlan().index()), 5);

        // A filter tc made with other keys reads back as foreign, not as ours.
        IpRoute2.check("tc", "-n", h1.name(), "filter", "add", "block", Integer.toUnsignedString(BLOCK), "prio", "7",
                "protocol", "ip", "u32", "match", "ip", "dst", "198.19.11.9/32", "action", "mirred", "egress",
                "redirect", "dev", "jo-vx1");
        assertEquals(Optional.empty(), k.ingressFilters(IngressTarget.block(BLOCK)).get(7));

        // Deleting the clsact qdiscs takes every filter along; a block with no qdisc reads empty.
        k.clsactDel(a.port().index());
        k.clsactDel(a.vxlan().index());
        assertEquals(Map.of(), k.clsactList());
        assertEquals(Map.of(), k.ingressFilters(IngressTarget.block(BLOCK)));
        assertEquals(Map.of(), k.ingressFilters(IngressTarget.device(a.vxlan().index())));
        assertFalse(pings(c1, 2));
    }
}
