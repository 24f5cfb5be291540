package io.javaoverlay.netlink.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: its header and its payload (everything after the 16-byte header,
 * as a read-only host-order slice).
 */
public record NlMessage(NlMsgHdr header, ByteBuffer payload) {

    /** A fresh view of the payload positioned at 0. */
    public ByteBuffer body() {
        return payload.duplicate().order(ByteOrder.nativeOrder());
    }

    /** True when the payload holds at least a {@code fixedLen}-byte family header. */
    public boolean fits(int fixedLen) {
        return payload.limit() >= fixedLen;
    }

    /** Attributes after a fixed family header of {@code fixedLen} bytes. */
    public NlAttrs attrs(int fixedLen) {
        ByteBuffer b = body();
        if (b.limit() < fixedLen) {
            throw new IllegalArgumentException("message type " + header.type() + " shorter than its "
                    + fixedLen + "-byte header");
        }
        return NlAttrs.parse(b.position(Rtnl.align4(fixedLen)));
    }

    /**
     * Splits a datagram into messages, walking {@code pos += align4(nlmsg_len)}.
     *
     * @throws IllegalArgumentException if a header claims more bytes than the datagram holds
     */
    public static List<NlMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer d = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NlMessage> out = new ArrayList<>();
        int pos = d.position();
        while (pos + Rtnl.NLMSG_HDRLEN <= d.limit()) {
            NlMsgHdr h = NlMsgHdr.parse(d, pos);
            if (h.len() < Rtnl.NLMSG_HDRLEN || pos + h.len() > d.limit()) {
                throw new IllegalArgumentException("malformed netlink message at offset " + pos + ": nlmsg_len "
                        + h.len() + ", " + (d.limit() - pos) + " bytes left");
            }
            ByteBuffer payload = d.slice(pos + Rtnl.NLMSG_HDRLEN, h.len() - Rtnl.NLMSG_HDRLEN)
                    .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new NlMessage(h, payload));
            pos += Rtnl.align4(h.len());
        }
        return out;
    }
}
