package io.javaoverlay.server.dns;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.javaoverlay.server.dns.Names.NET_A;
import static io.javaoverlay.server.dns.Names.NET_B;
import static io.javaoverlay.server.dns.Names.ip;
import static io.javaoverlay.server.dns.Names.query;
import static io.javaoverlay.server.dns.Names.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryHandlerTest {
    private static final String ASKER = "172.18.0.5";
    private final NameTable table = Names.table(
            rec(NET_A, "front", "e1", "h1", "web", List.of("www"), "10.77.0.2", "fd77::2"),
            rec(NET_A, "front", "e2", "h2", "web-b", List.of("www"), "10.77.0.3", null),
            rec(NET_B, "back", "e3", "h2", "db", List.of(), "10.78.0.2", null));
    private final QueryHandler handler = new QueryHandler(table, Names.containerAt(ASKER, NET_A), 0);

    private QueryHandler.Outcome ask(Message q, String from) {
        byte[] wire = q.toWire();
        return handler.handle(wire, wire.length, ip(from));
    }

    private static Message answer(QueryHandler.Outcome o) {
        return assertInstanceOf(QueryHandler.Reply.class, o).message();
    }

    private static Set<String> rdata(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).collect(Collectors.toSet());
    }

    @Test
    void aContainerGetsTheAddressesOfItsNetworksNames() {
        Message q = query("web", Type.A);
        Message m = answer(ask(q, ASKER));
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(q.getHeader().getID(), m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR) && m.getHeader().getFlag(Flags.AA));
        assertEquals(Set.of("10.77.0.2"), rdata(m));
        assertEquals(0, m.getSection(Section.ANSWER).get(0).getTTL());
        assertEquals(Set.of("fd77:0:0:0:0:0:0:2"), rdata(answer(ask(query("web", Type.AAAA), ASKER))));
        assertEquals(Set.of("10.77.0.2", "10.77.0.3"), rdata(answer(ask(query("www", Type.A), ASKER))));
        assertEquals(Set.of("10.77.0.2"), rdata(answer(ask(query("web.front", Type.A), ASKER))));
        assertEquals(Set.of("10.77.0.2"), rdata(answer(ask(query("WEB.Front.", Type.A), ASKER))));
    }

    @Test
    void namesOfOtherNetworksAndUnknownAskersAreForwardedNeverDenied() {
        assertInstanceOf(QueryHandler.Forward.class, ask(query("db", Type.A), ASKER));
        assertInstanceOf(QueryHandler.Forward.class, ask(query("db.back", Type.A), ASKER));
        assertInstanceOf(QueryHandler.Forward.class, ask(query("web", Type.A), "172.18.0.99"));
        assertInstanceOf(QueryHandler.Forward.class, ask(query("example.com", Type.A), ASKER));
        assertInstanceOf(QueryHandler.Forward.class, ask(query("web.back", Type.A), ASKER));
    }

    @Test
    void aNameWeHoldWithoutThatTypeIsNoDataAndAnyGivesBoth() {
        Message mx = answer(ask(query("web-b", Type.AAAA), ASKER));
        assertEquals(Rcode.NOERROR, mx.getRcode());
        assertTrue(mx.getSection(Section.ANSWER).isEmpty());
        Message unknownType = answer(ask(query("web", 65280), ASKER));
        assertEquals(Rcode.NOERROR, unknownType.getRcode());
        assertTrue(unknownType.getSection(Section.ANSWER).isEmpty());
        assertEquals(2, answer(ask(query("web", Type.ANY), ASKER)).getSection(Section.ANSWER).size());
    }

    @Test
    void ptrForOverlayAddressesOnTheAskersNetworks() throws Exception {
        Message m = answer(ask(query(ReverseMap.fromAddress("10.77.0.3").toString(), Type.PTR), ASKER));
        PTRRecord ptr = (PTRRecord) m.getSection(Section.ANSWER).get(0);
        assertEquals("web-b.front.", ptr.getTarget().toString());
        Message v6 = answer(ask(query(ReverseMap.fromAddress(ip("fd77::2")).toString(), Type.PTR), ASKER));
        assertEquals("web.front.", ((PTRRecord) v6.getSection(Section.ANSWER).get(0)).getTarget().toString());
        assertInstanceOf(QueryHandler.Forward.class,
                ask(query(ReverseMap.fromAddress("10.78.0.2").toString(), Type.PTR), ASKER));
        assertInstanceOf(QueryHandler.Forward.class, ask(query("1.2.3.in-addr.arpa", Type.PTR), ASKER));
        assertInstanceOf(QueryHandler.Forward.class, ask(query("300.0.77.10.in-addr.arpa", Type.PTR), ASKER));
    }

    @Test
    void reverseNamesParseExactly() {
        assertEquals(ip("10.77.0.3"), QueryHandler.reverse("3.0.77.10.in-addr.arpa").orElseThrow());
        assertTrue(QueryHandler.reverse("03.0.77.10.in-addr.arpa").isEmpty());
        assertTrue(QueryHandler.reverse("x.0.77.10.in-addr.arpa").isEmpty());
        assertEquals(ip("fd77::2"), QueryHandler.reverse(
                ReverseMap.fromAddress(ip("fd77::2")).toString(true).toLowerCase()).orElseThrow());
    }

    @Test
    void malformedQueriesGetFormErrOrNothing() {
        Message q = query("web", Type.A);
        byte[] wire = q.toWire();
        byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 3);
        Message formerr = answer(handler.handle(cut, cut.length, ip(ASKER)));
        assertEquals(Rcode.FORMERR, formerr.getRcode());
        assertEquals(q.getHeader().getID(), formerr.getHeader().getID());
        assertSame(QueryHandler.Drop.INSTANCE, handler.handle(new byte[5], 5, ip(ASKER)), "shorter than a header");
        byte[] response = wire.clone();
        response[2] |= (byte) 0x80;
        assertSame(QueryHandler.Drop.INSTANCE, handler.handle(response, response.length, ip(ASKER)),
                "never answer an answer");
        byte[] noQuestion = java.util.Arrays.copyOf(wire, 12);
        noQuestion[5] = 0;
        assertEquals(Rcode.FORMERR, answer(handler.handle(noQuestion, 12, ip(ASKER))).getRcode());
        Message two = query("web", Type.A);
        two.addRecord(query("www", Type.A).getQuestion(), Section.QUESTION);
        assertEquals(Rcode.FORMERR, answer(ask(two, ASKER)).getRcode());
    }

    @Test
    void otherOpcodesTransfersAndEdnsVersionsAreRefusedCleanly() {
        Message notify = query("web", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertEquals(Rcode.NOTIMP, answer(ask(notify, ASKER)).getRcode());
        assertEquals(Rcode.REFUSED, answer(ask(query("front", Type.AXFR), ASKER)).getRcode());
        assertEquals(Rcode.REFUSED, answer(ask(query("front", Type.IXFR), "10.1.1.1")).getRcode());
        Message v1 = query("web", Type.A);
        v1.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
        Message bad = answer(ask(v1, ASKER));
        assertEquals(16, bad.getRcode(), "BADVERS");
    }

    @Test
    void udpAnswersFitTheClientsSizeAndSayTruncated() throws Exception {
        List<NameRecord> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(rec(NET_A, "front", "m" + i, "h1", "n" + i, List.of("crowd"), "10.77.1." + i, null));
        }
        QueryHandler h = new QueryHandler(Names.table(many.toArray(new NameRecord[0])), Names.containerAt(ASKER, NET_A), 0);
        Message q = query("crowd", Type.A);
        byte[] w = q.toWire();
        QueryHandler.Reply r = assertInstanceOf(QueryHandler.Reply.class, h.handle(w, w.length, ip(ASKER)));
        assertEquals(512, r.udpLimit());
        byte[] udp = QueryHandler.wire(r.message(), r.udpLimit(), false);
        assertTrue(udp.length <= 512);
        assertTrue(new Message(java.nio.ByteBuffer.wrap(udp)).getHeader().getFlag(Flags.TC));
        byte[] tcp = QueryHandler.wire(r.message(), r.udpLimit(), true);
        Message full = new Message(java.nio.ByteBuffer.wrap(tcp));
        assertFalse(full.getHeader().getFlag(Flags.TC));
        assertEquals(60, full.getSection(Section.ANSWER).size());
        assertInstanceOf(ARecord.class, full.getSection(Section.ANSWER).get(0));
    }
}
