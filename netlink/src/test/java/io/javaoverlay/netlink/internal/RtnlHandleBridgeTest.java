package io.javaoverlay.netlink.internal;

import io.javaoverlay.netlink.BridgePort;
import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.internal.wire.FakeTransport;
import io.javaoverlay.netlink.internal.wire.Fixtures;
import io.javaoverlay.netlink.internal.wire.NetlinkSocket;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handle's bridge-port, bridge-FDB and link-size verbs send exactly what iproute2 sends: each
 * case runs the verb against a fake transport numbered like the capture and compares the bytes.
 */
class RtnlHandleBridgeTest {
    @FunctionalInterface
    interface Call {
        void run(RtnlHandle h) throws NetlinkException;
    }

    private static final MacAddress STATIC_MAC = MacAddress.parse("02:42:c6:12:00:07");

    static Stream<Arguments> likeIproute2() {
        BridgePortSettings evpn = BridgePortSettings.builder().learning(false).unicastFlood(false).mcastFlood(true)
                .bcastFlood(true).neighSuppress(true).build();
        return Stream.of(
                Arguments.of(Named.of("bridgePortSet = bridge link set dev jo-ve0 learning off flood off ...",
                        (Call) h -> h.bridgePortSet(4, evpn)), "setlink-brport.hex"),
                Arguments.of(Named.of("fdbSet(masterStatic) = bridge fdb replace MAC dev jo-ve0 master static",
                        (Call) h -> h.fdbSet(FdbEntry.masterStatic(4, STATIC_MAC))), "newneigh-fdb-master-static.hex"),
                Arguments.of(Named.of("fdbDel(masterStatic) = bridge fdb del MAC dev jo-ve0 master",
                        (Call) h -> h.fdbDel(FdbEntry.masterStatic(4, STATIC_MAC))), "delneigh-fdb-master.hex"),
                Arguments.of(Named.of("fdbDel(flood) = bridge fdb del 00:00:00:00:00:00 dev jo-vx0 dst 198.18.0.2 self",
                        (Call) h -> h.fdbDel(FdbEntry.flood(5, IpAddress.parse("198.18.0.2")))), "delneigh-fdb-flood.hex"),
                Arguments.of(Named.of("fdbAppend(flood v6) = bridge fdb append 00:.. dev jo-vx6 dst fd00:198:18::2 self permanent",
                        (Call) h -> h.fdbAppend(FdbEntry.builder(7, MacAddress.ZERO).permanent()
                                .destination(IpAddress.parse("fd00:198:18::2")).build())), "newneigh-fdb-append-v6.hex"),
                Arguments.of(Named.of("linkSetTxQueueLen = ip link set dev jo-vq0 txqueuelen 500",
                        (Call) h -> h.linkSetTxQueueLen(10, 500)), "setlink-txqlen.hex"),
                Arguments.of(Named.of("linkSetGsoMaxSize = ip link set dev jo-vq0 gso_max_size 32768",
                        (Call) h -> h.linkSetGsoMaxSize(10, 32768)), "setlink-gso-max-size.hex"),
                Arguments.of(Named.of("linkSetGroMaxSize = ip link set dev jo-vq0 gro_max_size 32768",
                        (Call) h -> h.linkSetGroMaxSize(10, 32768)), "setlink-gro-max-size.hex"));
    }

    @ParameterizedTest
    @MethodSource("likeIproute2")
    void requestIsByteIdenticalToIproute2(Call call, String fixture) throws Exception {
        byte[] theirs = Fixtures.one(fixture);
        FakeTransport fake = new FakeTransport().ack();
        call.run(new RtnlHandle(new NetlinkSocket(fake, Fixtures.seqOf(theirs)), null, null));
        assertEquals(1, fake.sent.size());
        // iproute2 leaves nlmsg_pid 0 and so do we: the kernel fills in the sender
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(fake.lastSent()));
    }

    private final FakeTransport fake = new FakeTransport();
    private final RtnlHandle handle = new RtnlHandle(new NetlinkSocket(fake, 1), null, null);

    @Test
    void bridgePortListDecodesTheDumpAndByIndexPicksOne() throws Exception {
        Fixtures.datagrams("brport-dump.hex").forEach(fake::enqueue);
        List<BridgePort> ports = handle.bridgePortList();
        assertEquals(List.of("jo-ve0", "jo-vx0"), ports.stream().map(BridgePort::name).toList());
        assertEquals(Fixtures.hex(Fixtures.one("getlink-bridge-dump.hex")).substring(36),
                Fixtures.hex(fake.lastSent()).substring(36), "the same dump request as bridge link show, seq aside");

        Fixtures.datagrams("brport-dump.hex").forEach(fake::enqueue);
        assertEquals("jo-vx0", handle.bridgePortByIndex(5).name());
        Fixtures.datagrams("brport-dump.hex").forEach(fake::enqueue);
        NotFoundException e = assertThrows(NotFoundException.class, () -> handle.bridgePortByIndex(3));
        assertTrue(e.getMessage().contains("not a bridge port"), e.getMessage());
    }

    @Test
    void fdbListBridgeReturnsWhatTheKernelSentForTheBridge() throws Exception {
        Fixtures.datagrams("fdb-dump-bridge.hex").forEach(fake::enqueue);
        List<FdbEntry> all = handle.fdbListBridge(2);
        assertEquals(15, all.size());
        assertEquals(1, all.stream().filter(e -> e.linkIndex() == 4 && e.isDynamic()).count());
        assertEquals(RTM_GETNEIGH, FakeTransport.typeOf(fake.lastSent()));
        assertEquals(NLM_F_REQUEST | NLM_F_DUMP, FakeTransport.flagsOf(fake.lastSent()));
    }

    @Test
    void badInputFailsBeforeAnythingIsSent() {
        assertThrows(IllegalArgumentException.class, () -> handle.bridgePortSet(4, BridgePortSettings.NONE));
        assertThrows(IllegalArgumentException.class, () -> handle.linkSetTxQueueLen(4, -1));
        assertThrows(IllegalArgumentException.class, () -> handle.linkSetGsoMaxSize(4, 0));
        assertThrows(IllegalArgumentException.class, () -> handle.linkSetGroMaxSize(4, 0));
        assertThrows(IllegalArgumentException.class, () -> handle.fdbListBridge(0));
        assertTrue(fake.sent.isEmpty());
    }
}
