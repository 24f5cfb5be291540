package io.javaoverlay.netlink.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.DumpInterruptedException;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NotFoundException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequence/port checks, ACK and error decoding, and multipart dumps, against replayed datagrams. */
class NetlinkSocketTest {
    private final FakeTransport fake = new FakeTransport();
    private final NetlinkSocket socket = new NetlinkSocket(fake, 100);

    private static NlMsgBuilder dumpRequest() {
        return new NlMsgBuilder(Rtnl.RTM_GETNEIGH, Rtnl.NLM_F_DUMP).raw(new NdMsg(Rtnl.AF_BRIDGE, 0, 0, 0, 0).encode());
    }

    @Test
    void ackEndsARequestAndSeqIncrements() throws Exception {
        fake.ack().ack();
        assertTrue(socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK), "op").isEmpty());
        assertTrue(socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK), "op").isEmpty());
        assertEquals(100, Fixtures.seqOf(fake.sent.get(0)));
        assertEquals(101, Fixtures.seqOf(fake.sent.get(1)));
    }

    @Test
    void capturedEexistBecomesAlreadyExists() {
        fake.enqueue(Fixtures.one("newlink-exists-error.hex"));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK), "RTM_NEWLINK jo-br0"));
        assertEquals(17, e.errno());
        assertEquals("RTM_NEWLINK jo-br0", e.operation());
    }

    @Test
    void capturedExtendedAckIsReadAfterTheFullEchoedRequest() {
        // iproute2 does not set NETLINK_CAP_ACK, so the kernel echoed the whole 40-byte request.
        fake.enqueue(Fixtures.one("setlink-mtu-extack-error.hex"));
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK), "RTM_NEWLINK ifindex 2 mtu 70000"));
        assertEquals(NetlinkException.class, e.getClass());
        assertEquals(22, e.errno());
        assertEquals("mtu greater than device maximum", e.extAck().orElseThrow());
        assertEquals("RTM_NEWLINK ifindex 2 mtu 70000: EINVAL (invalid argument): mtu greater than device maximum",
                e.getMessage());
    }

    @Test
    void extendedAckTextIsReadAfterCappedEcho() {
        // Built by hand from the documented layout (linux/netlink.h struct nlmsgerr + NLMSGERR_ATTR_MSG):
        // nlmsghdr{ERROR, CAPPED|ACK_TLVS}; s32 -ENODEV; echoed nlmsghdr (16); rtattr{1, "...\0"}
        byte[] text = "Invalid local interface, device not found\0".getBytes(StandardCharsets.US_ASCII);
        int attrLen = 4 + text.length;
        int len = 16 + 4 + 16 + Rtnl.align4(attrLen);
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) Rtnl.NLMSG_ERROR).putShort((short) (Rtnl.NLM_F_CAPPED | Rtnl.NLM_F_ACK_TLVS))
                .putInt(0).putInt(0).putInt(-19).putInt(60).putShort((short) 16).putShort((short) 0x605).putInt(0).putInt(0)
                .putShort((short) attrLen).putShort((short) Rtnl.NLMSGERR_ATTR_MSG).put(text);
        fake.enqueue(b.array());
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK), "RTM_NEWLINK jo-vx1"));
        assertEquals("Invalid local interface, device not found", e.extAck().orElseThrow());
        assertEquals("RTM_NEWLINK jo-vx1: ENODEV (no such device): Invalid local interface, device not found", e.getMessage());
    }

    @Test
    void multipartDumpIsReadToDone() throws Exception {
        List<byte[]> datagrams = Fixtures.datagrams("fdb-dump.hex");
        datagrams.forEach(fake::enqueue);
        List<NlMessage> msgs = socket.dump(dumpRequest(), "dump");
        assertTrue(msgs.size() >= 4, "messages: " + msgs.size());
        assertTrue(msgs.stream().allMatch(m -> m.header().type() == Rtnl.RTM_NEWNEIGH));
        assertEquals(0, fake.pending());
    }

    @Test
    void dumpSplitOverSeveralDatagramsEndsOnlyAtDone() throws Exception {
        byte[] part = Fixtures.datagrams("fdb-dump.hex").get(0);
        byte[] onlyNeigh = java.util.Arrays.copyOf(part, ByteBuffer.wrap(part).order(ByteOrder.nativeOrder()).getInt(0));
        fake.enqueue(onlyNeigh).enqueue(onlyNeigh).enqueue(onlyNeigh).done();
        assertEquals(3, socket.dump(dumpRequest(), "dump").size());
    }

    @Test
    void dumpInterruptedIsThrownAfterReadingToDoneAndSocketStaysInStep() throws Exception {
        byte[] part = Fixtures.datagrams("fdb-dump.hex").get(0);
        byte[] one = java.util.Arrays.copyOf(part, ByteBuffer.wrap(part).order(ByteOrder.nativeOrder()).getInt(0));
        fake.enqueue(FakeTransport.withFlags(one, Rtnl.NLM_F_DUMP_INTR)).enqueue(one).done();
        assertThrows(DumpInterruptedException.class, () -> socket.dump(dumpRequest(), "dump"));
        assertEquals(0, fake.pending());
        fake.enqueue(one).done();
        assertEquals(1, socket.dump(dumpRequest(), "dump").size());
    }

    @Test
    void errorInsteadOfDoneFailsTheDump() {
        fake.enqueue(FakeTransport.error(-95, 0));
        NetlinkException e = assertThrows(NetlinkException.class, () -> socket.dump(dumpRequest(), "dump"));
        assertEquals(95, e.errno());
    }

    @Test
    void staleSequenceWrongPidAndForeignSenderAreSkipped() throws Exception {
        byte[] staleAck = FakeTransport.error(-17, 0);
        ByteBuffer s = ByteBuffer.wrap(staleAck).order(ByteOrder.nativeOrder());
        s.putInt(8, 99).putInt(12, FakeTransport.PORT); // seq of an earlier request
        byte[] wrongPid = FakeTransport.error(-17, 0);
        ByteBuffer w = ByteBuffer.wrap(wrongPid).order(ByteOrder.nativeOrder());
        w.putInt(8, 100).putInt(12, FakeTransport.PORT + 1);
        byte[] foreign = FakeTransport.error(-17, 0);
        ByteBuffer f = ByteBuffer.wrap(foreign).order(ByteOrder.nativeOrder());
        f.putInt(8, 100).putInt(12, FakeTransport.PORT);
        fake.enqueueRaw(staleAck, 0).enqueueRaw(wrongPid, 0).enqueueRaw(foreign, 31337).ack();
        assertTrue(socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK), "op").isEmpty());
    }

    @Test
    void repliesBeforeTheAckAreReturned() throws Exception {
        fake.enqueue(Fixtures.one("getlink-ifb.hex")).ack();
        List<NlMessage> r = socket.request(new NlMsgBuilder(Rtnl.RTM_GETLINK, Rtnl.NLM_F_ACK), "get");
        assertEquals(1, r.size());
        assertEquals(Rtnl.RTM_NEWLINK, r.get(0).header().type());
    }

    @Test
    void closedSocketRefusesRequests() {
        socket.close();
        assertTrue(fake.closed);
        assertThrows(NetlinkException.class, () -> socket.request(new NlMsgBuilder(Rtnl.RTM_NEWLINK, 0), "op"));
    }
}
