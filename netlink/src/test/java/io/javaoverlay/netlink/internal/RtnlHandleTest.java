package io.javaoverlay.netlink.internal;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.DumpInterruptedException;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.netlink.internal.wire.FakeTransport;
import io.javaoverlay.netlink.internal.wire.Fixtures;
import io.javaoverlay.netlink.internal.wire.NetlinkSocket;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Header flags encode each verb's intent; list methods retry interrupted dumps. */
class RtnlHandleTest {
    private final FakeTransport fake = new FakeTransport();
    private final RtnlHandle handle = new RtnlHandle(new NetlinkSocket(fake, 1), null, null);

    @FunctionalInterface
    interface Call {
        void run(RtnlHandle h) throws NetlinkException;
    }

    private static final Neighbor NEIGH = Neighbor.permanent(3, IpAddress.parse("198.18.1.5"),
            MacAddress.parse("02:42:c6:12:01:05"));
    private static final FdbEntry FDB = FdbEntry.toVtep(5, MacAddress.ZERO, IpAddress.parse("198.18.0.2"));
    private static final Route ROUTE = Route.onLink(IpPrefix.parse("198.18.2.0/24"), 3);

    static Stream<Arguments> verbs() {
        int req = NLM_F_REQUEST | NLM_F_ACK;
        return Stream.of(
                Arguments.of(Named.of("neighAdd = CREATE|EXCL", (Call) h -> h.neighAdd(NEIGH)), RTM_NEWNEIGH, req | NLM_F_CREATE | NLM_F_EXCL),
                Arguments.of(Named.of("neighSet = CREATE|REPLACE", (Call) h -> h.neighSet(NEIGH)), RTM_NEWNEIGH, req | NLM_F_CREATE | NLM_F_REPLACE),
                Arguments.of(Named.of("neighDel", (Call) h -> h.neighDel(NEIGH)), RTM_DELNEIGH, req),
                Arguments.of(Named.of("fdbAdd = CREATE|EXCL", (Call) h -> h.fdbAdd(FDB)), RTM_NEWNEIGH, req | NLM_F_CREATE | NLM_F_EXCL),
                Arguments.of(Named.of("fdbSet = CREATE|REPLACE", (Call) h -> h.fdbSet(FDB)), RTM_NEWNEIGH, req | NLM_F_CREATE | NLM_F_REPLACE),
                Arguments.of(Named.of("fdbAppend = CREATE|APPEND", (Call) h -> h.fdbAppend(FDB)), RTM_NEWNEIGH, req | NLM_F_CREATE | NLM_F_APPEND),
                Arguments.of(Named.of("fdbDel", (Call) h -> h.fdbDel(FDB)), RTM_DELNEIGH, req),
                Arguments.of(Named.of("addrAdd = CREATE|EXCL", (Call) h -> h.addrAdd(3, IpPrefix.parse("198.18.1.1/24"))), RTM_NEWADDR, req | NLM_F_CREATE | NLM_F_EXCL),
                Arguments.of(Named.of("addrReplace = CREATE|REPLACE", (Call) h -> h.addrReplace(3, IpPrefix.parse("198.18.1.1/24"))), RTM_NEWADDR, req | NLM_F_CREATE | NLM_F_REPLACE),
                Arguments.of(Named.of("routeAdd = CREATE|EXCL", (Call) h -> h.routeAdd(ROUTE)), RTM_NEWROUTE, req | NLM_F_CREATE | NLM_F_EXCL),
                Arguments.of(Named.of("routeReplace = CREATE|REPLACE", (Call) h -> h.routeReplace(ROUTE)), RTM_NEWROUTE, req | NLM_F_CREATE | NLM_F_REPLACE),
                Arguments.of(Named.of("routeDel", (Call) h -> h.routeDel(ROUTE)), RTM_DELROUTE, req),
                Arguments.of(Named.of("linkSetUp", (Call) h -> h.linkSetUp(3)), RTM_NEWLINK, req),
                Arguments.of(Named.of("linkSetMaster", (Call) h -> h.linkSetMaster(3, 2)), RTM_NEWLINK, req),
                Arguments.of(Named.of("linkDel", (Call) h -> h.linkDel(3)), RTM_DELLINK, req));
    }

    @ParameterizedTest
    @MethodSource("verbs")
    void flagsEncodeIntent(Call call, int type, int flags) throws Exception {
        fake.ack();
        call.run(handle);
        assertEquals(type, FakeTransport.typeOf(fake.lastSent()));
        assertEquals(Integer.toHexString(flags), Integer.toHexString(FakeTransport.flagsOf(fake.lastSent())));
    }

    @Test
    void linkAddIsCreateExclThenReadsTheLinkBack() throws Exception {
        fake.ack().enqueue(Fixtures.one("getlink-vxlan.hex")).ack();
        Link l = handle.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx0"), 4242).learning(false).build());
        assertEquals(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, FakeTransport.flagsOf(fake.sent.get(0)));
        assertEquals(RTM_GETLINK, FakeTransport.typeOf(fake.sent.get(1)));
        assertEquals(4242, assertInstanceOf(Vxlan.class, l).vni());
    }

    @Test
    void linkAddWithUpBringsItUpAfterCreation() throws Exception {
        fake.ack().enqueue(Fixtures.one("getlink-vxlan.hex")).ack().ack().enqueue(Fixtures.one("getlink-vxlan.hex")).ack();
        handle.linkAdd(new Bridge(LinkAttrs.named("jo-br0").withUp(true)));
        assertEquals(4, fake.sent.size());
        assertEquals(RTM_NEWLINK, FakeTransport.typeOf(fake.sent.get(2)));
        assertEquals(NLM_F_REQUEST | NLM_F_ACK, FakeTransport.flagsOf(fake.sent.get(2)));
    }

    @Test
    void findLinkByNameMapsNotFoundToEmpty() throws Exception {
        fake.enqueue(FakeTransport.error(-19, 0));
        assertTrue(handle.findLinkByName("jo-none").isEmpty());
        fake.enqueue(FakeTransport.error(-19, 0));
        NotFoundException e = assertThrows(NotFoundException.class, () -> handle.linkByName("jo-none"));
        assertEquals("RTM_GETLINK jo-none: ENODEV (no such device)", e.getMessage());
    }

    @Test
    void dumpsUseDumpFlagWithoutAck() throws Exception {
        fake.done();
        handle.linkList();
        assertEquals(NLM_F_REQUEST | NLM_F_DUMP, FakeTransport.flagsOf(fake.lastSent()));
    }

    @Test
    void listRetriesAnInterruptedDump() throws Exception {
        List<byte[]> dump = Fixtures.datagrams("fdb-dump.hex");
        dump.forEach(d -> fake.enqueue(FakeTransport.withFlags(d, NLM_F_DUMP_INTR)));
        dump.forEach(fake::enqueue);
        List<FdbEntry> entries = handle.fdbList(5);
        assertEquals(2, fake.sent.size());
        assertEquals(4, entries.size());
    }

    @Test
    void listGivesUpAfterRepeatedInterruptions() {
        for (int i = 0; i < RtnlHandle.DUMP_ATTEMPTS; i++) {
            fake.enqueue(FakeTransport.done(NLM_F_DUMP_INTR));
        }
        assertThrows(DumpInterruptedException.class, handle::linkList);
        assertEquals(RtnlHandle.DUMP_ATTEMPTS, fake.sent.size());
    }

    @Test
    void fdbDumpAsksTheKernelToFilterByPortWithAnIfinfomsg() throws Exception {
        fake.done();
        handle.fdbList(5);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(fake.lastSent()).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(16 + 16, b.getInt(0));
        assertEquals(AF_BRIDGE, b.get(16));
        assertEquals(5, b.getInt(20));
    }

    @Test
    void fdbListFiltersByDevice() throws Exception {
        Fixtures.datagrams("fdb-dump.hex").forEach(fake::enqueue);
        assertTrue(handle.fdbList(99).isEmpty());
    }

    @Test
    void badInputFailsBeforeAnythingIsSent() {
        assertThrows(IllegalArgumentException.class, () -> handle.linkSetMtu(3, 0));
        assertThrows(IllegalArgumentException.class, () -> handle.linkSetName(3, "much-too-long-name"));
        assertTrue(fake.sent.isEmpty());
    }
}
