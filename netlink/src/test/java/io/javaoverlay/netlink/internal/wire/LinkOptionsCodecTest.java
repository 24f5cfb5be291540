package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Optional;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VXLAN options (IPv6 underlay, checksums, df, ttl/tos inherit), queue and offload sizes, veth queues. */
class LinkOptionsCodecTest {
    private static final int ADD = NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

    private static byte[] encode(io.javaoverlay.netlink.Link spec, byte[] like) {
        return LinkCodec.encodeCreate(spec, ADD).build(Fixtures.seqOf(like), 0);
    }

    private static NlAttrs top(byte[] request) {
        return Fixtures.first(request).attrs(IfInfoMsg.SIZE);
    }

    private static NlAttrs infoData(byte[] request) {
        return top(request).nested(IFLA_LINKINFO).orElseThrow().nested(IFLA_INFO_DATA).orElseThrow();
    }

    private static void assertSameAttributes(NlAttrs theirs, NlAttrs mine, int... types) {
        for (int type : types) {
            assertTrue(theirs.has(type), "iproute2 sent attribute " + type);
            assertArrayEquals(theirs.bytes(type), mine.bytes(type), "attribute " + type);
        }
    }

    @Test
    void ipv6VxlanCreateCarriesLocal6AndZeroChecksumSwitchesAsIproute2() {
        byte[] ip = Fixtures.one("newlink-vxlan6.hex");
        Vxlan spec = Vxlan.builder(LinkAttrs.named("jo-vx6"), 4243).local(IpAddress.parse("fd00:198:18::1"))
                .learning(false).udpZeroCsum6Tx(true).udpZeroCsum6Rx(true).build();
        byte[] ours = encode(spec, ip);
        assertSameAttributes(infoData(ip), infoData(ours), IFLA_VXLAN_ID, IFLA_VXLAN_LOCAL6, IFLA_VXLAN_LEARNING,
                IFLA_VXLAN_PORT, IFLA_VXLAN_UDP_ZERO_CSUM6_TX, IFLA_VXLAN_UDP_ZERO_CSUM6_RX);
        assertEquals(16, infoData(ours).bytes(IFLA_VXLAN_LOCAL6).length);
        assertFalse(infoData(ours).has(IFLA_VXLAN_LOCAL));
        assertTrue(spec.isIpv6Underlay());
    }

    @Test
    void vxlanOptionsAndLinkSizesAsIproute2SendsThem() {
        byte[] ip = Fixtures.one("newlink-vxlan-opts.hex");
        Vxlan spec = Vxlan.builder(LinkAttrs.named("jo-vx1").withTxQueueLen(500).withGsoMaxSize(32768).withGroMaxSize(32768),
                4244).local(IpAddress.parse("198.18.0.1")).udpCsum(false).df(Vxlan.Df.INHERIT).tosInherit()
                .ttlInherit().build();
        byte[] ours = encode(spec, ip);
        assertSameAttributes(infoData(ip), infoData(ours), IFLA_VXLAN_ID, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LEARNING,
                IFLA_VXLAN_PORT, IFLA_VXLAN_UDP_CSUM, IFLA_VXLAN_DF, IFLA_VXLAN_TOS, IFLA_VXLAN_TTL_INHERIT);
        assertArrayEquals(new byte[0], infoData(ours).bytes(IFLA_VXLAN_TTL_INHERIT), "an NLA_FLAG has no payload");
        assertFalse(infoData(ours).has(IFLA_VXLAN_TTL), "ttl inherit sends no ttl");
        // txqueuelen, gso_max_size, gro_max_size then IFLA_IFNAME: the top level up to IFLA_LINKINFO is identical
        int linkinfo = 16 + IfInfoMsg.SIZE + 3 * 8 + 12;
        assertArrayEquals(Arrays.copyOfRange(ip, 16, linkinfo), Arrays.copyOfRange(ours, 16, linkinfo));
        assertSameAttributes(top(ip), top(ours), IFLA_TXQLEN, IFLA_GSO_MAX_SIZE, IFLA_GRO_MAX_SIZE, IFLA_IFNAME);
    }

    @Test
    void decodesIpv6VxlanReportedByIproute2() {
        Vxlan v = assertInstanceOf(Vxlan.class, LinkCodec.decode(Fixtures.first(Fixtures.one("getlink-vxlan6.hex"))));
        assertEquals(4243, v.vni());
        assertEquals(Optional.of(IpAddress.parse("fd00:198:18::1")), v.local());
        assertTrue(v.udpZeroCsum6Tx() && v.udpZeroCsum6Rx());
        assertFalse(v.learning());
        // the defaults, as the kernel reports them (IFLA_VXLAN_TTL_INHERIT comes back as a u8 0, not absent)
        assertFalse(v.ttlInherit());
        assertEquals(0, v.ttl());
        assertEquals(0, v.tos());
        assertEquals(Vxlan.Df.UNSET, v.df());
        assertTrue(v.udpCsum());
        assertEquals(1000, v.attrs().txQueueLen());
        assertEquals(65536, v.attrs().gsoMaxSize());
        assertEquals(65536, v.attrs().groMaxSize());
        assertEquals(1, v.attrs().numTxQueues());
        assertEquals(1, v.attrs().numRxQueues());
    }

    @Test
    void decodesVxlanOptionsReportedByIproute2() {
        Vxlan v = assertInstanceOf(Vxlan.class, LinkCodec.decode(Fixtures.first(Fixtures.one("getlink-vxlan-opts.hex"))));
        assertTrue(v.ttlInherit());
        assertEquals(0, v.ttl());
        assertEquals(Vxlan.TOS_INHERIT, v.tos());
        assertEquals(Vxlan.Df.INHERIT, v.df());
        assertFalse(v.udpCsum());
        assertEquals(500, v.attrs().txQueueLen());
        assertEquals(32768, v.attrs().gsoMaxSize());
        assertEquals(32768, v.attrs().groMaxSize());
    }

    @Test
    void vethWithQueuesIsByteIdenticalToIproute2AndBothEndsGetThem() {
        byte[] ip = Fixtures.one("newlink-veth-queues.hex");
        Veth spec = Veth.pair(LinkAttrs.named("jo-vq0").withNumQueues(4, 4), "jo-vq1");
        assertEquals(Fixtures.hex(ip), Fixtures.hex(encode(spec, ip)));
    }

    @Test
    void everyOptionRoundTrips() {
        LinkAttrs attrs = LinkAttrs.named("jo-rt0").withTxQueueLen(300).withGsoMaxSize(16384).withGroMaxSize(24576)
                .withNumQueues(3, 2);
        Vxlan[] specs = {
            Vxlan.builder(attrs, 9).local(IpAddress.parse("2001:db8::1")).df(Vxlan.Df.SET).tos(0x10).ttl(9)
                    .udpCsum(false).udpZeroCsum6Tx(true).udpZeroCsum6Rx(true).proxy(true).underlayIndex(4).port(4790).build(),
            Vxlan.builder(attrs, 10).ttlInherit().tosInherit().df(Vxlan.Df.INHERIT).learning(false).build(),
            Vxlan.builder(attrs, 11).build(),
        };
        for (Vxlan spec : specs) {
            assertEquals(spec, LinkCodec.decode(Fixtures.first(LinkCodec.encodeCreate(spec, ADD).build(1, 0))));
            assertEquals(spec, spec.toBuilder().build());
        }
    }

    @Test
    void builderDefaultsAreTheKernels() {
        Vxlan built = Vxlan.builder(LinkAttrs.named("jo-vx0"), 42).build();
        Vxlan kernel = new Vxlan(LinkAttrs.named("jo-vx0"), 42, Optional.empty(), 4789, true, false, false, false, 0, 0,
                false, 0, Vxlan.Df.UNSET, true, false, false);
        assertEquals(kernel, built);
        assertTrue(built.learning() && built.udpCsum());
        assertEquals(Vxlan.Df.UNSET, built.df());
        NlAttrs d = infoData(LinkCodec.encodeCreate(built, ADD).build(1, 0));
        // defaults that are "off" are not sent, as iproute2 does not send them
        for (int type : new int[] {IFLA_VXLAN_TOS, IFLA_VXLAN_DF, IFLA_VXLAN_TTL_INHERIT, IFLA_VXLAN_UDP_ZERO_CSUM6_TX,
            IFLA_VXLAN_UDP_ZERO_CSUM6_RX}) {
            assertFalse(d.has(type), "attribute " + type);
        }
        assertEquals(Optional.of(1), d.u8(IFLA_VXLAN_UDP_CSUM));
    }

    @Test
    void contradictoryOrOutOfRangeOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Vxlan.builder(LinkAttrs.named("x"), 1).tos(256).build());
        Vxlan.Builder b = Vxlan.builder(LinkAttrs.named("x"), 1);
        assertThrows(IllegalArgumentException.class, () -> new Vxlan(LinkAttrs.named("x"), 1, Optional.empty(), 4789,
                true, false, false, false, 64, 0, true, 0, Vxlan.Df.UNSET, true, false, false));
        assertEquals(64, b.ttlInherit().ttl(64).build().ttl(), "ttl N clears ttl inherit");
        assertThrows(IllegalArgumentException.class, () -> LinkAttrs.named("x").withNumQueues(-1, 1));
    }
}
