package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.BridgePort;
import io.javaoverlay.netlink.BridgePortSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AF_BRIDGE RTM_SETLINK / RTM_GETLINK against {@code bridge link} captures. */
class BridgePortCodecTest {
    private static final BridgePortSettings EVPN_LIKE = BridgePortSettings.builder().learning(false).unicastFlood(false)
            .mcastFlood(true).bcastFlood(true).neighSuppress(true).build();

    static List<BridgePort> decodeAll(String fixture) {
        List<BridgePort> out = new ArrayList<>();
        for (byte[] d : Fixtures.datagrams(fixture)) {
            for (NlMessage m : NlMessage.parseAll(ByteBuffer.wrap(d))) {
                if (m.header().type() == RTM_NEWLINK) {
                    BridgePortCodec.decode(m).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void portSetIsByteIdenticalToBridgeLinkSet() {
        byte[] theirs = Fixtures.one("setlink-brport.hex");
        byte[] ours = BridgePortCodec.encodeSet(4, EVPN_LIKE).build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
        assertEquals(RTM_SETLINK, FakeTransport.typeOf(ours));
        assertEquals(NLM_F_REQUEST | NLM_F_ACK, FakeTransport.flagsOf(ours));
    }

    @Test
    void protinfoCarriesTheNestedFlag() {
        // Without NLA_F_NESTED br_setlink reads IFLA_PROTINFO's first byte as the STP port state.
        byte[] ours = BridgePortCodec.encodeSet(4, BridgePortSettings.builder().learning(false).build()).build(1, 0);
        int attrType = ByteBuffer.wrap(ours).order(ByteOrder.nativeOrder()).getShort(NLMSG_HDRLEN + IfInfoMsg.SIZE + 2) & 0xffff;
        assertEquals(IFLA_PROTINFO | NLA_F_NESTED, attrType);
    }

    @Test
    void unsetSwitchesAreNotSent() {
        byte[] ours = BridgePortCodec.encodeSet(4, BridgePortSettings.builder().neighSuppress(true).build()).build(1, 0);
        NlAttrs p = Fixtures.first(ours).attrs(IfInfoMsg.SIZE).nested(IFLA_PROTINFO).orElseThrow();
        assertEquals(Optional.of(1), p.u8(IFLA_BRPORT_NEIGH_SUPPRESS));
        for (int type : new int[] {IFLA_BRPORT_LEARNING, IFLA_BRPORT_UNICAST_FLOOD, IFLA_BRPORT_MCAST_FLOOD,
            IFLA_BRPORT_BCAST_FLOOD}) {
            assertFalse(p.has(type), "attribute " + type + " was not asked for");
        }
    }

    @Test
    void portDumpRequestIsByteIdenticalToBridgeLinkShow() {
        byte[] theirs = Fixtures.one("getlink-bridge-dump.hex");
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(BridgePortCodec.encodeDump().build(Fixtures.seqOf(theirs), 0)));
    }

    @Test
    void decodesThePortsOfABridgeLinkShowDump() {
        List<BridgePort> ports = decodeAll("brport-dump.hex");
        // the capture's namespace has two ports on jo-br0 (ifindex 2); jo-ve0 had the settings above applied
        assertEquals(2, ports.size(), ports.toString());
        BridgePort ve0 = ports.get(0);
        assertEquals(new BridgePort(4, "jo-ve0", 2, BridgePort.BR_STATE_DISABLED, EVPN_LIKE), ve0);
        BridgePort vx0 = ports.get(1);
        assertEquals("jo-vx0", vx0.name());
        assertTrue(vx0.isForwarding(), vx0.toString());
        assertEquals(BridgePortSettings.builder().learning(true).unicastFlood(true).mcastFlood(true).bcastFlood(true)
                .neighSuppress(false).build(), vx0.settings());
    }

    @Test
    void linksThatAreNotPortsAreSkipped() {
        // an AF_UNSPEC link message, and an AF_BRIDGE one without IFLA_PROTINFO
        byte[] plain = new NlMsgBuilder(RTM_NEWLINK, 0).raw(IfInfoMsg.ofIndex(3).encode()).attrString(IFLA_IFNAME, "x")
                .build(1, 0);
        byte[] bridgeSelf = new NlMsgBuilder(RTM_NEWLINK, 0).raw(new IfInfoMsg(AF_BRIDGE, 0, 2, 0, 0).encode())
                .attrString(IFLA_IFNAME, "jo-br0").build(1, 0);
        assertTrue(BridgePortCodec.decode(Fixtures.first(plain)).isEmpty());
        assertTrue(BridgePortCodec.decode(Fixtures.first(bridgeSelf)).isEmpty());
    }

    @Test
    void settingsRoundTrip() {
        BridgePortSettings partial = BridgePortSettings.builder().learning(false).bcastFlood(true).build();
        NlMsgBuilder reply = new NlMsgBuilder(RTM_NEWLINK, 0).raw(new IfInfoMsg(AF_BRIDGE, 0, 9, 0, 0).encode())
                .attrString(IFLA_IFNAME, "jo-p").attrU32(IFLA_MASTER, 2);
        int nest = reply.beginNest(IFLA_PROTINFO | NLA_F_NESTED);
        reply.attrU8(IFLA_BRPORT_STATE, 3).attrU8(IFLA_BRPORT_LEARNING, 0).attrU8(IFLA_BRPORT_BCAST_FLOOD, 1).endNest(nest);
        BridgePort p = BridgePortCodec.decode(Fixtures.first(reply.build(1, 0))).orElseThrow();
        assertEquals(new BridgePort(9, "jo-p", 2, 3, partial), p);
        assertTrue(p.settings().satisfies(partial));
        assertFalse(p.settings().satisfies(BridgePortSettings.builder().learning(true).build()));
        assertTrue(p.settings().satisfies(BridgePortSettings.NONE));
    }

    @Test
    void settingsPrintAsIproute2Keywords() {
        assertEquals("learning off flood off mcast_flood on bcast_flood on neigh_suppress on", EVPN_LIKE.toString());
        assertTrue(BridgePortSettings.NONE.isEmpty());
    }
}
