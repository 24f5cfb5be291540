package io.javaoverlay.netlink.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct rtmsg} (12 bytes): u8 family, dst_len, src_len, tos, table, protocol, scope, type,
 * then u32 flags.
 */
public record RtMsg(int family, int dstLen, int srcLen, int tos, int table, int protocol, int scope, int type,
                    int flags) {
    public static final int SIZE = 12;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) dstLen).put((byte) srcLen).put((byte) tos).put((byte) table)
                .put((byte) protocol).put((byte) scope).put((byte) type).putInt(flags).array();
    }

    public static RtMsg parse(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.nativeOrder());
        return new RtMsg(b.get(0) & 0xff, b.get(1) & 0xff, b.get(2) & 0xff, b.get(3) & 0xff, b.get(4) & 0xff,
                b.get(5) & 0xff, b.get(6) & 0xff, b.get(7) & 0xff, b.getInt(8));
    }
}
