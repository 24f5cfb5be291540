package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Neighbour, FDB, address and route messages against iproute2/bridge captures, plus round trips. */
class NeighAddrRouteCodecTest {
    private static final int NUD_NOARP_PERMANENT = Neighbor.NUD_PERMANENT | Neighbor.NUD_NOARP;

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static List<NlMessage> messages(String fixture) {
        List<NlMessage> out = new ArrayList<>();
        for (byte[] d : Fixtures.datagrams(fixture)) {
            out.addAll(NlMessage.parseAll(ByteBuffer.wrap(d)));
        }
        return out;
    }

    @Test
    void fdbAppendOfFloodEntryIsByteIdenticalToBridgeCommand() {
        byte[] theirs = Fixtures.one("newneigh-fdb-append.hex");
        // bridge(8) "permanent" sends NUD_PERMANENT|NUD_NOARP with NTF_SELF
        FdbEntry e = new FdbEntry(5, MacAddress.ZERO, Optional.of(ip("198.18.0.2")), NUD_NOARP_PERMANENT,
                FdbEntry.NTF_SELF, 0, 0);
        byte[] ours = NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND, e)
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void fdbReplaceIsByteIdenticalToBridgeCommand() {
        byte[] theirs = Fixtures.one("newneigh-fdb-replace.hex");
        FdbEntry e = new FdbEntry(5, MacAddress.parse("02:42:c6:12:00:05"), Optional.of(ip("198.18.0.3")),
                NUD_NOARP_PERMANENT, FdbEntry.NTF_SELF, 0, 0);
        byte[] ours = NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, e)
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    /** One device's neighbours are dumped by the kernel alone, not filtered out of every device's. */
    @Test
    void neighbourDumpOfOneDeviceIsByteIdenticalToIpNeighShowDev() {
        byte[] theirs = Fixtures.one("getneigh-dump-dev.hex");
        byte[] ours = NeighCodec.encodeDump(Family.ALL, 2).build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void arpReplaceIsByteIdenticalToIpNeighReplace() {
        byte[] theirs = Fixtures.one("newneigh-arp-replace.hex");
        Neighbor n = Neighbor.permanent(2, ip("198.18.1.5"), MacAddress.parse("02:42:c6:12:01:05"));
        byte[] ours = NeighCodec.encodeNeighbor(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, n)
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void decodesFdbDumpOfVxlanDevice() {
        List<FdbEntry> entries = new ArrayList<>();
        messages("fdb-dump.hex").stream().filter(m -> m.header().type() == RTM_NEWNEIGH)
                .forEach(m -> NeighCodec.decodeFdb(m).ifPresent(entries::add));
        assertEquals(4, entries.size());
        assertTrue(entries.contains(new FdbEntry(5, MacAddress.ZERO, Optional.of(ip("198.18.0.2")), NUD_NOARP_PERMANENT,
                FdbEntry.NTF_SELF, 0, 0)));
        assertTrue(entries.contains(new FdbEntry(5, MacAddress.ZERO, Optional.of(ip("198.18.0.3")), NUD_NOARP_PERMANENT,
                FdbEntry.NTF_SELF, 0, 0)));
        assertTrue(entries.contains(new FdbEntry(5, MacAddress.parse("02:42:c6:12:00:05"), Optional.of(ip("198.18.0.3")),
                NUD_NOARP_PERMANENT, FdbEntry.NTF_SELF, 0, 0)));
        // the device's own address, learned by the bridge master: no dst, NDA_MASTER = bridge
        assertTrue(entries.stream().anyMatch(e -> e.destination().isEmpty() && e.masterIndex() == 2 && e.isPermanent()));
    }

    @Test
    void decodesNeighbourDumpWithIpv4AndIpv6() {
        List<Neighbor> ns = new ArrayList<>();
        messages("neigh-dump.hex").stream().filter(m -> m.header().type() == RTM_NEWNEIGH)
                .forEach(m -> NeighCodec.decodeNeighbor(m).ifPresent(ns::add));
        assertTrue(ns.contains(Neighbor.permanent(2, ip("198.18.1.5"), MacAddress.parse("02:42:c6:12:01:05"))));
        assertTrue(ns.contains(Neighbor.permanent(2, ip("2001:db8::5"), MacAddress.parse("02:42:c6:12:01:06"))));
    }

    @Test
    void addrAddIsByteIdenticalToIpAddrAdd() {
        byte[] theirs = Fixtures.one("newaddr-v4.hex");
        byte[] ours = AddrCodec.encode(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 2, IpPrefix.parse("198.18.1.1/24"))
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void routeAddIsByteIdenticalToIpRouteAdd() {
        byte[] theirs = Fixtures.one("newroute-via.hex");
        Route r = Route.via(IpPrefix.parse("198.19.0.0/16"), ip("198.18.1.254"), 2);
        byte[] ours = RouteCodec.encode(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, r)
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(ours));
    }

    @Test
    void roundTrips() {
        Neighbor n6 = Neighbor.permanent(4, ip("2001:db8::9"), MacAddress.parse("02:00:00:00:00:09"));
        assertEquals(n6, NeighCodec.decodeNeighbor(Fixtures.first(NeighCodec.encodeNeighbor(RTM_NEWNEIGH, 0, n6)
                .build(1, 0))).orElseThrow());
        FdbEntry fdb = new FdbEntry(6, MacAddress.parse("02:00:00:00:00:0a"), Optional.of(ip("2001:db8::2")),
                Neighbor.NUD_PERMANENT, FdbEntry.NTF_SELF, 4242, 0);
        assertEquals(fdb, NeighCodec.decodeFdb(Fixtures.first(NeighCodec.encodeFdb(RTM_NEWNEIGH, 0, fdb).build(1, 0)))
                .orElseThrow());
        Addr a = AddrCodec.decode(Fixtures.first(AddrCodec.encode(RTM_NEWADDR, 0, 3, IpPrefix.parse("2001:db8::1/64"))
                .build(1, 0))).orElseThrow();
        assertEquals(new Addr(3, IpPrefix.parse("2001:db8::1/64"), 0, 0), a);
        Route r = new Route(Family.INET6, Optional.of(IpPrefix.parse("2001:db8:1::/48")), Optional.of(ip("2001:db8::fe")),
                3, Optional.of(ip("2001:db8::1")), 1000, Route.RTPROT_STATIC, 0, Route.RTN_UNICAST);
        assertEquals(r, RouteCodec.decode(Fixtures.first(RouteCodec.encode(RTM_NEWROUTE, 0, r).build(1, 0))).orElseThrow());
        Route dflt = new Route(Family.INET, Optional.empty(), Optional.of(ip("198.18.0.1")), 2, Optional.empty(),
                Route.RT_TABLE_MAIN, Route.RTPROT_STATIC, 0, Route.RTN_UNICAST);
        assertEquals(dflt, RouteCodec.decode(Fixtures.first(RouteCodec.encode(RTM_NEWROUTE, 0, dflt).build(1, 0)))
                .orElseThrow());
    }

    @Test
    void bigTableGoesInRtaTableWithUnspecInHeader() {
        Route r = new Route(Family.INET, Optional.of(IpPrefix.parse("198.18.0.0/24")), Optional.empty(), 2,
                Optional.empty(), 1000, Route.RTPROT_STATIC, Route.RT_SCOPE_LINK, Route.RTN_UNICAST);
        NlMessage m = Fixtures.first(RouteCodec.encode(RTM_NEWROUTE, 0, r).build(1, 0));
        assertEquals(RT_TABLE_UNSPEC, RtMsg.parse(m.payload()).table());
        assertEquals(1000, m.attrs(RtMsg.SIZE).u32(RTA_TABLE).orElseThrow());
    }

    @Test
    void shortMessagesDecodeToEmpty() {
        NlMessage done = Fixtures.first(FakeTransport.done(0));
        assertTrue(NeighCodec.decodeFdb(done).isEmpty());
        assertTrue(AddrCodec.decode(done).isEmpty());
        assertTrue(RouteCodec.decode(done).isEmpty());
    }
}
