package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Device;
import io.javaoverlay.netlink.GenericLink;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RTM_NEWLINK encoding against iproute2's own requests, and decoding of iproute2's replies. */
class LinkCodecTest {
    private static final int ADD = NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

    private static byte[] encode(Link spec, byte[] like) {
        return LinkCodec.encodeCreate(spec, ADD).build(Fixtures.seqOf(like), 0);
    }

    @Test
    void bridgeCreateIsByteIdenticalToIproute2() {
        byte[] ip = Fixtures.one("newlink-bridge.hex");
        assertEquals(Fixtures.hex(ip), Fixtures.hex(encode(new Bridge(LinkAttrs.named("jo-br0")), ip)));
    }

    @Test
    void vethCreateWithPeerIsByteIdenticalToIproute2() {
        byte[] ip = Fixtures.one("newlink-veth.hex");
        assertEquals(Fixtures.hex(ip), Fixtures.hex(encode(Veth.pair(LinkAttrs.named("jo-ve0"), "jo-ve1"), ip)));
    }

    @Test
    void vethMtuGoesToBothEnds() {
        NlMessage m = Fixtures.first(encode(Veth.pair(LinkAttrs.named("jo-ve0").withMtu(1350), "jo-ve1"),
                Fixtures.one("newlink-veth.hex")));
        NlAttrs a = m.attrs(IfInfoMsg.SIZE);
        assertEquals(1350, a.u32(IFLA_MTU).orElseThrow());
        ByteBuffer peer = a.nested(IFLA_LINKINFO).orElseThrow().nested(IFLA_INFO_DATA).orElseThrow()
                .get(VETH_INFO_PEER).orElseThrow();
        NlAttrs peerAttrs = NlAttrs.parse(peer.position(IfInfoMsg.SIZE));
        assertEquals("jo-ve1", peerAttrs.string(IFLA_IFNAME).orElseThrow());
        assertEquals(1350, peerAttrs.u32(IFLA_MTU).orElseThrow());
    }

    @Test
    void vxlanCreateCarriesTheSameAttributesAsIproute2() {
        byte[] ip = Fixtures.one("newlink-vxlan.hex");
        Vxlan spec = Vxlan.builder(LinkAttrs.named("jo-vx0"), 4242).local(IpAddress.parse("198.18.0.1"))
                .learning(false).ttl(64).build();
        byte[] ours = encode(spec, ip);
        assertEquals(FakeTransport.flagsOf(ip), FakeTransport.flagsOf(ours));
        NlAttrs theirs = infoData(ip);
        NlAttrs mine = infoData(ours);
        for (int type : new int[] {IFLA_VXLAN_ID, IFLA_VXLAN_LOCAL, IFLA_VXLAN_TTL, IFLA_VXLAN_LEARNING, IFLA_VXLAN_PORT}) {
            assertTrue(theirs.has(type), "iproute2 sent " + type);
            assertArrayEquals(theirs.bytes(type), mine.bytes(type), "IFLA_VXLAN attribute " + type);
        }
        // IFLA_VXLAN_PORT is __be16: 4789 = 0x12b5 goes on the wire as 12 b5.
        assertArrayEquals(new byte[] {0x12, (byte) 0xb5}, mine.bytes(IFLA_VXLAN_PORT));
        // What we send beyond iproute2 is explicit zeroes for flags it leaves at their default.
        for (int type : Set.of(IFLA_VXLAN_PROXY, IFLA_VXLAN_L2MISS, IFLA_VXLAN_L3MISS)) {
            assertArrayEquals(new byte[] {0}, mine.bytes(type));
        }
    }

    private static NlAttrs infoData(byte[] request) {
        NlMessage m = Fixtures.first(request);
        return m.attrs(IfInfoMsg.SIZE).nested(IFLA_LINKINFO).orElseThrow().nested(IFLA_INFO_DATA).orElseThrow();
    }

    @Test
    void decodesVxlanReportedByIproute2() {
        Link l = LinkCodec.decode(Fixtures.first(Fixtures.one("getlink-vxlan.hex")));
        Vxlan v = assertInstanceOf(Vxlan.class, l);
        assertEquals("jo-vx0", v.name());
        assertEquals(5, v.index());
        assertEquals(1450, v.attrs().mtu());
        assertEquals(2, v.attrs().masterIndex());
        assertEquals(Optional.of("javaoverlay:net1"), v.attrs().alias());
        assertEquals(4242, v.vni());
        assertEquals(Optional.of(IpAddress.parse("198.18.0.1")), v.local());
        assertEquals(4789, v.port());
        assertFalse(v.learning());
        assertEquals(64, v.ttl());
        assertFalse(v.attrs().up());
        assertTrue(v.attrs().hardwareAddr().isPresent());
    }

    @Test
    void unmodelledKindDecodesToGenericLink() {
        Link l = LinkCodec.decode(Fixtures.first(Fixtures.one("getlink-ifb.hex")));
        GenericLink g = assertInstanceOf(GenericLink.class, l);
        assertEquals("ifb", g.kind());
        assertEquals("jo-ifb0", g.name());
        assertEquals(1500, g.attrs().mtu());
    }

    @Test
    void decodesVethPeerIndex() {
        Veth v = assertInstanceOf(Veth.class, LinkCodec.decode(Fixtures.first(Fixtures.one("getlink-veth.hex"))));
        assertEquals("jo-ve0", v.name());
        assertEquals(3, v.peerIndex());
        assertEquals("", v.peerName());
    }

    @Test
    void linkWithoutLinkinfoIsADevice() {
        byte[] m = new NlMsgBuilder(RTM_NEWLINK, 0).raw(new IfInfoMsg(0, 772, 1, IFF_UP | IFF_LOWER_UP, 0).encode())
                .attrString(IFLA_IFNAME, "lo").attrU32(IFLA_MTU, 65536).build(1, 0);
        Device d = assertInstanceOf(Device.class, LinkCodec.decode(Fixtures.first(m)));
        assertTrue(d.attrs().up());
        assertTrue(d.attrs().lowerUp());
        assertEquals("", d.kind());
    }

    @Test
    void modelledKindWithValueTheModelRejectsFallsBackToGenericLink() {
        NlMsgBuilder b = new NlMsgBuilder(RTM_NEWLINK, 0).raw(IfInfoMsg.ofIndex(9).encode()).attrString(IFLA_IFNAME, "odd");
        int info = b.beginNest(IFLA_LINKINFO);
        b.attrStringNoNul(IFLA_INFO_KIND, "vxlan");
        int data = b.beginNest(IFLA_INFO_DATA);
        b.attrU32(IFLA_VXLAN_ID, 0); // collect-metadata devices carry VNI 0, which Vxlan forbids
        b.endNest(data).endNest(info);
        assertInstanceOf(GenericLink.class, LinkCodec.decode(Fixtures.first(b.build(1, 0))));
    }

    @Test
    void roundTripsEveryModelledKind() {
        LinkAttrs common = new LinkAttrs(0, "jo-rt0", 1400, Optional.of(MacAddress.parse("02:42:c6:12:00:09")), 7,
                false, false, Optional.of("javaoverlay:n"));
        Vxlan vx = Vxlan.builder(common, 77).local(IpAddress.parse("2001:db8::1")).port(4790).proxy(true).l2miss(true)
                .l3miss(true).ttl(9).underlayIndex(3).build();
        Link[] specs = {new Bridge(common), vx, Veth.pair(common, "jo-rt1")};
        for (Link spec : specs) {
            Link back = LinkCodec.decode(Fixtures.first(LinkCodec.encodeCreate(spec, ADD).build(1, 0)));
            assertEquals(spec.getClass(), back.getClass());
            assertEquals(common, back.attrs());
        }
        assertEquals(vx, LinkCodec.decode(Fixtures.first(LinkCodec.encodeCreate(vx, ADD).build(1, 0))));
    }

    @Test
    void creatingAnUnmodelledKindIsRefusedNamingTheLink() {
        GenericLink g = new GenericLink(LinkAttrs.named("jo-x"), "macvlan");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkCodec.encodeCreate(g, ADD));
        assertTrue(e.getMessage().contains("jo-x") && e.getMessage().contains("macvlan"), e.getMessage());
    }

    @Test
    void getByNameAsksToSkipStats() {
        NlMessage m = Fixtures.first(LinkCodec.encodeGet(0, "jo-br0").build(1, 0));
        assertEquals(RTM_GETLINK, m.header().type());
        NlAttrs a = m.attrs(IfInfoMsg.SIZE);
        assertEquals("jo-br0", a.string(IFLA_IFNAME).orElseThrow());
        assertEquals(RTEXT_FILTER_SKIP_STATS, a.u32(IFLA_EXT_MASK).orElseThrow());
    }
}
