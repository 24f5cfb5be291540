package io.javaoverlay.netlink.it;

import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VXLAN options the performance work measures (checksums, df, ttl, tos), queue lengths, GSO/GRO
 * sizes and veth queue counts: set here and read by {@code ip -j -d link show}, set by iproute2 and
 * decoded here. iproute2 6.1 shows {@code ttl inherit} only in its text output and prints
 * {@code tos inherit} as "0x1" in JSON, so those two are checked on the text.
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class LinkOptionsIT {

    /** Every VXLAN option equal, whatever the common attributes (the kernel fills in index, MAC, ...). */
    private static void assertSameOptions(Vxlan spec, Link actual) {
        Vxlan v = assertInstanceOf(Vxlan.class, actual);
        assertEquals(spec.toBuilder().attrs(v.attrs()).build(), v);
    }

    private static String text(TestNetns t, String dev) {
        return t.ip("-d", "link", "show", "dev", dev);
    }

    @Test
    void vxlanOptionsCreatedHereShowInIpLink(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Vxlan v4 = Vxlan.builder(LinkAttrs.named("jo-vx4").withTxQueueLen(500).withGsoMaxSize(32768).withGroMaxSize(32768),
                4004).local(IpAddress.parse("198.18.0.1")).udpCsum(false).df(Vxlan.Df.SET).ttl(64).tosInherit().build();
        assertSameOptions(v4, h.linkAdd(v4));
        Map<String, Object> ip4 = IpRoute2.link(t.name(), "jo-vx4");
        assertEquals(false, ip4.get("udp_csum"));
        assertEquals("set", ip4.get("df"));
        assertEquals(64, ip4.get("ttl"));
        assertEquals("0x1", ip4.get("tos"));
        assertTrue(text(t, "jo-vx4").contains("tos inherit ttl 64 df set"), text(t, "jo-vx4"));
        assertEquals(500, ip4.get("txqlen"));
        assertEquals(32768, ip4.get("gso_max_size"));
        assertEquals(32768, ip4.get("gro_max_size"));

        Vxlan v6 = Vxlan.builder(LinkAttrs.named("jo-vx6"), 4006).local(IpAddress.parse("fd00:198:18::1"))
                .ttlInherit().df(Vxlan.Df.INHERIT).tos(0x28).udpZeroCsum6Tx(true).udpZeroCsum6Rx(true).build();
        assertSameOptions(v6, h.linkAdd(v6));
        Map<String, Object> ip6 = IpRoute2.link(t.name(), "jo-vx6");
        assertEquals("fd00:198:18::1", ip6.get("local"));
        assertEquals("inherit", ip6.get("df"));
        assertEquals("0x28", ip6.get("tos"));
        assertEquals(true, ip6.get("udp_zero_csum6_tx"));
        assertEquals(true, ip6.get("udp_zero_csum6_rx"));
        assertTrue(text(t, "jo-vx6").contains("ttl inherit"), text(t, "jo-vx6"));

        // the defaults, as iproute2 reads them
        h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vxd"), 4007).build());
        Map<String, Object> d = IpRoute2.link(t.name(), "jo-vxd");
        assertEquals(true, d.get("udp_csum"));
        assertEquals("unset", d.get("df"));
        assertEquals("", d.get("tos"));
        assertEquals(false, d.get("udp_zero_csum6_tx"));
    }

    @Test
    void vxlanOptionsSetByIproute2DecodeHere(TestNetns t) throws Exception {
        t.ip("link", "add", "jo-vx4", "txqueuelen", "700", "gso_max_size", "40000", "gro_max_size", "50000", "type", "vxlan",
                "id", "4004", "local", "198.18.0.1", "dstport", "4789", "noudpcsum", "df", "set", "tos", "0x28", "ttl", "9");
        t.ip("link", "add", "jo-vx6", "type", "vxlan", "id", "4006", "local", "fd00:198:18::1", "dstport", "4790",
                "udp6zerocsumtx", "udp6zerocsumrx", "ttl", "inherit", "tos", "inherit", "df", "inherit", "nolearning");
        NetlinkHandle h = t.handle();
        Vxlan v4 = assertInstanceOf(Vxlan.class, h.linkByName("jo-vx4"));
        assertSameOptions(Vxlan.builder(LinkAttrs.named("x"), 4004).local(IpAddress.parse("198.18.0.1")).udpCsum(false)
                .df(Vxlan.Df.SET).tos(0x28).ttl(9).build(), v4);
        assertEquals(700, v4.attrs().txQueueLen());
        assertEquals(40000, v4.attrs().gsoMaxSize());
        assertEquals(50000, v4.attrs().groMaxSize());
        Vxlan v6 = assertInstanceOf(Vxlan.class, h.linkByName("jo-vx6"));
        assertSameOptions(Vxlan.builder(LinkAttrs.named("x"), 4006).local(IpAddress.parse("fd00:198:18::1")).port(4790)
                .udpZeroCsum6Tx(true).udpZeroCsum6Rx(true).ttlInherit().tosInherit().df(Vxlan.Df.INHERIT).learning(false)
                .build(), v6);
        assertTrue(v6.isIpv6Underlay());
    }

    @Test
    void linkSizesBothDirections(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link a = h.linkAdd(Veth.pair(LinkAttrs.named("jo-sz0"), "jo-sz1"));
        h.linkSetTxQueueLen(a.index(), 321);
        h.linkSetGsoMaxSize(a.index(), 24000);
        h.linkSetGroMaxSize(a.index(), 30000);
        Map<String, Object> ip = IpRoute2.link(t.name(), "jo-sz0");
        assertEquals(321, ip.get("txqlen"));
        assertEquals(24000, ip.get("gso_max_size"));
        assertEquals(30000, ip.get("gro_max_size"));

        t.ip("link", "set", "dev", "jo-sz1", "txqueuelen", "654", "gso_max_size", "16000", "gro_max_size", "20000");
        LinkAttrs b = h.linkByName("jo-sz1").attrs();
        assertEquals(654, b.txQueueLen());
        assertEquals(16000, b.gsoMaxSize());
        assertEquals(20000, b.groMaxSize());
        assertEquals(IpRoute2.link(t.name(), "jo-sz1").get("num_tx_queues"), b.numTxQueues());
    }

    @Test
    void vethQueueCountsBothDirections(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Veth made = assertInstanceOf(Veth.class, h.linkAdd(Veth.pair(LinkAttrs.named("jo-vq0").withNumQueues(4, 3), "jo-vq1")));
        assertEquals(4, made.attrs().numTxQueues());
        assertEquals(3, made.attrs().numRxQueues());
        for (String end : new String[] {"jo-vq0", "jo-vq1"}) {
            Map<String, Object> ip = IpRoute2.link(t.name(), end);
            assertEquals(4, ip.get("num_tx_queues"), end);
            assertEquals(3, ip.get("num_rx_queues"), end);
        }

        t.ip("link", "add", "jo-vq2", "numtxqueues", "6", "numrxqueues", "5", "type", "veth", "peer", "name", "jo-vq3",
                "numtxqueues", "2", "numrxqueues", "7");
        LinkAttrs a = h.linkByName("jo-vq2").attrs();
        LinkAttrs b = h.linkByName("jo-vq3").attrs();
        assertEquals(6, a.numTxQueues());
        assertEquals(5, a.numRxQueues());
        assertEquals(2, b.numTxQueues());
        assertEquals(7, b.numRxQueues());
    }
}
