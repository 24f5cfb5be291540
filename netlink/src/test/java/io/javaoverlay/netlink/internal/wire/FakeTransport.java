package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link NetlinkTransport} that records requests and replays queued datagrams. Queued replies
 * are re-addressed on receive to the sequence number of the last request and to {@link #PORT}
 * (fixtures carry the seq/pid of the capture), unless queued with {@link #enqueueRaw}.
 */
public final class FakeTransport implements NetlinkTransport {
    public static final int PORT = 4242;

    private record Queued(byte[] data, int senderPort, boolean readdress) {}

    private final Deque<Queued> queue = new ArrayDeque<>();
    public final List<byte[]> sent = new ArrayList<>();
    public boolean closed;

    /** Queues a datagram to be re-addressed to the current request. */
    public FakeTransport enqueue(byte[] datagram) {
        queue.add(new Queued(datagram.clone(), 0, true));
        return this;
    }

    /** Queues a datagram exactly as given, from {@code senderPort}. */
    public FakeTransport enqueueRaw(byte[] datagram, int senderPort) {
        queue.add(new Queued(datagram.clone(), senderPort, false));
        return this;
    }

    /** Queues an NLMSG_ERROR with error 0 (the ACK), capped to the echoed header. */
    public FakeTransport ack() {
        return enqueue(error(0, 0));
    }

    /** Queues an NLMSG_DONE ending a dump. */
    public FakeTransport done() {
        return enqueue(done(0));
    }

    public static byte[] error(int negErrno, int flags) {
        return ByteBuffer.allocate(36).order(ByteOrder.nativeOrder()).putInt(36).putShort((short) Rtnl.NLMSG_ERROR)
                .putShort((short) (flags | Rtnl.NLM_F_CAPPED)).putInt(0).putInt(0).putInt(negErrno)
                .putInt(16).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).array();
    }

    public static byte[] done(int flags) {
        return ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).putInt(20).putShort((short) Rtnl.NLMSG_DONE)
                .putShort((short) (Rtnl.NLM_F_MULTI | flags)).putInt(0).putInt(0).putInt(0).array();
    }

    /** Sets extra nlmsg_flags on every message of a datagram (for NLM_F_DUMP_INTR tests). */
    public static byte[] withFlags(byte[] datagram, int flags) {
        byte[] copy = datagram.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());
        for (int pos = 0; pos + 16 <= copy.length; pos += Rtnl.align4(b.getInt(pos))) {
            b.putShort(pos + 6, (short) (b.getShort(pos + 6) | flags));
        }
        return copy;
    }

    public byte[] lastSent() {
        return sent.get(sent.size() - 1);
    }

    /** nlmsg_flags of a sent request. */
    public static int flagsOf(byte[] request) {
        return ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).getShort(6) & 0xffff;
    }

    public static int typeOf(byte[] request) {
        return ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).getShort(4) & 0xffff;
    }

    public int pending() {
        return queue.size();
    }

    @Override
    public int portId() {
        return PORT;
    }

    @Override
    public void send(byte[] message) {
        sent.add(message.clone());
    }

    @Override
    public Datagram receive() throws NetlinkException {
        Queued q = queue.poll();
        if (q == null) {
            throw Errors.of(Errors.EAGAIN, "fake recvmsg", "no queued reply");
        }
        byte[] data = q.data().clone();
        if (q.readdress() && !sent.isEmpty()) {
            int seq = Fixtures.seqOf(lastSent());
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
            for (int pos = 0; pos + 16 <= data.length; pos += Rtnl.align4(b.getInt(pos))) {
                b.putInt(pos + 8, seq);
                b.putInt(pos + 12, PORT);
            }
        }
        return new Datagram(ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()), q.senderPort());
    }

    @Override
    public void close() {
        closed = true;
    }
}
