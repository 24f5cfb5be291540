package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge's own FDB (master entries), flood-entry deletes and IPv6 VTEPs against bridge(8) captures. */
class FdbCodecTest {
    private static final MacAddress STATIC_MAC = MacAddress.parse("02:42:c6:12:00:07");

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static List<FdbEntry> decodeAll(String fixture) {
        List<FdbEntry> out = new ArrayList<>();
        for (byte[] d : Fixtures.datagrams(fixture)) {
            for (NlMessage m : NlMessage.parseAll(ByteBuffer.wrap(d))) {
                if (m.header().type() == RTM_NEWNEIGH) {
                    NeighCodec.decodeFdb(m).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void masterStaticReplaceIsByteIdenticalToBridgeCommand() {
        byte[] theirs = Fixtures.one("newneigh-fdb-master-static.hex");
        byte[] ours = NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE,
                FdbEntry.masterStatic(4, STATIC_MAC)).build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void masterDeleteIsByteIdenticalToBridgeCommand() {
        byte[] theirs = Fixtures.one("delneigh-fdb-master.hex");
        byte[] ours = NeighCodec.encodeFdbDelete(FdbEntry.masterStatic(4, STATIC_MAC)).build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void anEntryAsTheBridgeReportsItDeletesLikeBridgeFdbDelMaster() {
        // from the dump: flags 0, NDA_MASTER = 2, state NUD_NOARP
        FdbEntry reported = decodeAll("fdb-dump-bridge.hex").stream().filter(e -> e.mac().equals(STATIC_MAC))
                .findFirst().orElseThrow();
        assertEquals(0, reported.flags());
        assertTrue(reported.isMaster() && reported.isStatic(), reported.toString());
        byte[] theirs = Fixtures.one("delneigh-fdb-master.hex");
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(NeighCodec.encodeFdbDelete(reported).build(Fixtures.seqOf(theirs), 0)));
    }

    @Test
    void floodEntryDeleteByDestinationIsByteIdenticalToBridgeCommand() {
        byte[] theirs = Fixtures.one("delneigh-fdb-flood.hex");
        byte[] ours = NeighCodec.encodeFdbDelete(FdbEntry.flood(5, ip("198.18.0.2"))).build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
        assertEquals(RTM_DELNEIGH, FakeTransport.typeOf(ours));
        assertEquals(NLM_F_REQUEST | NLM_F_ACK, FakeTransport.flagsOf(ours));
    }

    @Test
    void ipv6FloodAppendIsByteIdenticalToBridgeCommand() {
        byte[] theirs = Fixtures.one("newneigh-fdb-append-v6.hex");
        FdbEntry e = FdbEntry.builder(7, MacAddress.ZERO).self().permanent().destination(ip("fd00:198:18::2")).build();
        byte[] ours = NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND, e)
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
        NlAttrs a = Fixtures.first(ours).attrs(NdMsg.SIZE);
        assertEquals(16, a.bytes(NDA_DST).length, "an IPv6 VTEP is a 16-byte NDA_DST");
    }

    @Test
    void decodesTheBridgesFdbWithALearnedEntryAndItsPort() {
        List<FdbEntry> all = decodeAll("fdb-dump-bridge.hex");
        // jo-ve1 sent an ARP request into port jo-ve0 (ifindex 4) of jo-br0 (2): one learned entry
        List<FdbEntry> learned = all.stream().filter(FdbEntry::isDynamic).toList();
        assertEquals(1, learned.size(), all.toString());
        FdbEntry l = learned.get(0);
        assertEquals(4, l.linkIndex());
        assertEquals(2, l.masterIndex());
        assertEquals(Neighbor.NUD_REACHABLE, l.state());
        assertTrue(l.isMaster() && !l.isSelf() && !l.isStatic() && !l.isPermanent());
        // the static entry on the same port, each port's own address (local), and the vxlan device's own entries
        assertTrue(all.stream().anyMatch(e -> e.mac().equals(STATIC_MAC) && e.linkIndex() == 4 && e.isStatic()));
        assertEquals(2, all.stream().filter(e -> e.isMaster() && e.isPermanent()).count(), all.toString());
        assertEquals(2, all.stream().filter(e -> e.isFlood() && e.isSelf() && e.linkIndex() == 5).count());
        assertEquals(15, all.size());
    }

    @Test
    void bridgeDumpAsksTheKernelToFilterByMaster() {
        NlMessage m = Fixtures.first(NeighCodec.encodeFdbDumpBridge(2).build(1, 0));
        assertEquals(RTM_GETNEIGH, m.header().type());
        assertEquals(NLM_F_REQUEST | NLM_F_DUMP, m.header().flags());
        // 16-byte ifinfomsg + IFLA_MASTER: the legacy parse that filters without NETLINK_GET_STRICT_CHK
        assertEquals(IfInfoMsg.SIZE + 8, m.payload().limit());
        IfInfoMsg ifi = IfInfoMsg.parse(m.payload());
        assertEquals(AF_BRIDGE, ifi.family());
        assertEquals(0, ifi.index());
        assertEquals(Optional.of(2), m.attrs(IfInfoMsg.SIZE).u32(IFLA_MASTER));
    }

    @Test
    void vlanRoundTripsAndDeleteKeepsIt() {
        FdbEntry e = FdbEntry.builder(4, STATIC_MAC).master().staticEntry().vlan(10).build();
        FdbEntry back = NeighCodec.decodeFdb(Fixtures.first(NeighCodec.encodeFdb(RTM_NEWNEIGH, 0, e).build(1, 0)))
                .orElseThrow();
        assertEquals(e, back);
        NlAttrs del = Fixtures.first(NeighCodec.encodeFdbDelete(e).build(1, 0)).attrs(NdMsg.SIZE);
        assertEquals(Optional.of(10), del.u16(NDA_VLAN));
        assertFalse(del.has(NDA_MASTER));
    }

    @Test
    void builderNamesMatchBridgeKeywords() {
        FdbEntry s = FdbEntry.builder(4, STATIC_MAC).master().staticEntry().build();
        assertEquals(FdbEntry.NTF_MASTER, s.flags());
        assertEquals(Neighbor.NUD_NOARP | Neighbor.NUD_REACHABLE, s.state());
        FdbEntry d = FdbEntry.builder(4, STATIC_MAC).master().dynamic().build();
        assertTrue(d.isDynamic() && d.isMaster());
        FdbEntry p = FdbEntry.builder(5, STATIC_MAC).destination(ip("198.18.0.9")).vni(7).build();
        assertTrue(p.isSelf() && p.isPermanent() && !p.isMaster());
        assertEquals(Neighbor.NUD_PERMANENT | Neighbor.NUD_NOARP, p.state());
        assertEquals(FdbEntry.toVtep(5, MacAddress.ZERO, ip("198.18.0.2")), FdbEntry.flood(5, ip("198.18.0.2")));
        assertThrows(IllegalArgumentException.class, () -> FdbEntry.builder(4, STATIC_MAC).vlan(4095).build());
    }
}
