package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.NetlinkException;
import java.io.Closeable;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Request/response mechanics over a {@link NetlinkTransport}: numbers each request, accepts only
 * replies carrying that sequence number, our port id and sender port 0 (the kernel), turns
 * NLMSG_ERROR into typed exceptions with the extended-ACK text, and reads multipart dumps up to
 * NLMSG_DONE. Requests are serialised: one lock per socket, as the kernel answers a socket's
 * requests in order and interleaving two dumps on one socket is not allowed.
 */
public final class NetlinkSocket implements Closeable {
    private static final Logger LOG = System.getLogger(NetlinkSocket.class.getName());

    private final NetlinkTransport transport;
    private int seq;
    private boolean closed;

    /** Wraps a transport; the first request uses {@code firstSeq}. */
    public NetlinkSocket(NetlinkTransport transport, int firstSeq) {
        this.transport = transport;
        this.seq = firstSeq - 1;
    }

    public NetlinkSocket(NetlinkTransport transport) {
        this(transport, (int) (System.nanoTime() & 0x3fffffff) + 1);
    }

    /**
     * Sends a request (the builder should carry NLM_F_ACK) and returns the reply messages that
     * arrived before the ACK, such as the RTM_NEWLINK answering an RTM_GETLINK.
     */
    public synchronized List<NlMessage> request(NlMsgBuilder req, String operation) throws NetlinkException {
        return exchange(req, operation, false);
    }

    /**
     * Sends a dump request (NLM_F_DUMP) and returns every message up to NLMSG_DONE.
     *
     * @throws io.javaoverlay.netlink.DumpInterruptedException if any part carried NLM_F_DUMP_INTR
     *         (thrown only after the dump was read to its end, so the socket stays in step)
     */
    public synchronized List<NlMessage> dump(NlMsgBuilder req, String operation) throws NetlinkException {
        return exchange(req, operation, true);
    }

    private List<NlMessage> exchange(NlMsgBuilder req, String operation, boolean dump) throws NetlinkException {
        if (closed) {
            throw Errors.local(operation, "netlink socket is closed");
        }
        int mySeq = ++seq;
        transport.send(req.build(mySeq, 0));
        List<NlMessage> replies = new ArrayList<>();
        boolean interrupted = false;
        while (true) {
            NetlinkTransport.Datagram d = transport.receive();
            if (d.senderPort() != 0) {
                LOG.log(Level.DEBUG, "{0}: ignoring datagram from port {1}, not the kernel", operation, d.senderPort());
                continue;
            }
            List<NlMessage> messages;
            try {
                messages = NlMessage.parseAll(d.data());
            } catch (IllegalArgumentException e) {
                throw Errors.local(operation, e.getMessage());
            }
            for (NlMessage m : messages) {
                NlMsgHdr h = m.header();
                if (h.seq() != mySeq || h.pid() != transport.portId()) {
                    // A late reply to an earlier request that failed half-way, or a notification.
                    LOG.log(Level.DEBUG, "{0}: skipping message type {1} seq {2} pid {3} (want seq {4} pid {5})",
                            operation, h.type(), Integer.toUnsignedString(h.seq()), Integer.toUnsignedString(h.pid()),
                            Integer.toUnsignedString(mySeq), Integer.toUnsignedString(transport.portId()));
                    continue;
                }
                if (h.hasFlag(Rtnl.NLM_F_DUMP_INTR)) {
                    interrupted = true;
                }
                if (h.type() == Rtnl.NLMSG_ERROR) {
                    int error = m.body().getInt(0);
                    if (error != 0) {
                        throw Errors.of(-error, operation, errorExtAck(m));
                    }
                    if (!dump) {
                        return replies;
                    }
                    continue; // an ACK inside a dump (NLM_F_ACK on a dump): DONE still follows
                }
                if (h.type() == Rtnl.NLMSG_DONE) {
                    ByteBuffer body = m.body();
                    int error = body.limit() >= 4 ? body.getInt(0) : 0;
                    if (error != 0) {
                        throw Errors.of(-error, operation, doneExtAck(m));
                    }
                    if (interrupted) {
                        throw Errors.dumpInterrupted(operation);
                    }
                    if (dump) {
                        return replies;
                    }
                    continue;
                }
                if (h.type() == Rtnl.NLMSG_NOOP) {
                    continue;
                }
                if (h.type() == Rtnl.NLMSG_OVERRUN) {
                    throw Errors.local(operation, "NLMSG_OVERRUN: data lost");
                }
                replies.add(m);
            }
        }
    }

    /** Extended-ACK text of an NLMSG_ERROR: TLVs follow the echoed request (its header only when CAPPED). */
    static String errorExtAck(NlMessage m) {
        if (!m.header().hasFlag(Rtnl.NLM_F_ACK_TLVS)) {
            return null;
        }
        ByteBuffer b = m.body();
        if (b.limit() < 4 + Rtnl.NLMSG_HDRLEN) {
            return null;
        }
        int echoedLen = b.getInt(4);
        int off = 4 + (m.header().hasFlag(Rtnl.NLM_F_CAPPED) ? Rtnl.NLMSG_HDRLEN : Rtnl.align4(echoedLen));
        if (off >= b.limit()) {
            return null;
        }
        return NlAttrs.parse(b.position(off)).string(Rtnl.NLMSGERR_ATTR_MSG).orElse(null);
    }

    /** Extended-ACK text of an NLMSG_DONE: TLVs follow the s32 error. */
    static String doneExtAck(NlMessage m) {
        ByteBuffer b = m.body().order(ByteOrder.nativeOrder());
        if (!m.header().hasFlag(Rtnl.NLM_F_ACK_TLVS) || b.limit() <= 4) {
            return null;
        }
        return NlAttrs.parse(b.position(4)).string(Rtnl.NLMSGERR_ATTR_MSG).orElse(null);
    }

    public NetlinkTransport transport() {
        return transport;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            transport.close();
        }
    }
}
