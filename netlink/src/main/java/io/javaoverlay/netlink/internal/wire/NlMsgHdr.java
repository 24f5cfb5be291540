package io.javaoverlay.netlink.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code struct nlmsghdr} (16 bytes, host order): len, type, flags, seq, pid. */
public record NlMsgHdr(int len, int type, int flags, int seq, int pid) {
    public static NlMsgHdr parse(ByteBuffer b, int offset) {
        ByteBuffer n = b.duplicate().order(ByteOrder.nativeOrder());
        return new NlMsgHdr(n.getInt(offset), n.getShort(offset + 4) & 0xffff, n.getShort(offset + 6) & 0xffff,
                n.getInt(offset + 8), n.getInt(offset + 12));
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }
}
