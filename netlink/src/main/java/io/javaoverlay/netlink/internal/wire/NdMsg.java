package io.javaoverlay.netlink.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code struct ndmsg} (12 bytes): u8 family, 3 pad, s32 ifindex, u16 state, u8 flags, u8 type. */
public record NdMsg(int family, int ifindex, int state, int flags, int type) {
    public static final int SIZE = 12;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) 0).putShort((short) 0).putInt(ifindex).putShort((short) state)
                .put((byte) flags).put((byte) type).array();
    }

    public static NdMsg parse(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.nativeOrder());
        return new NdMsg(b.get(0) & 0xff, b.getInt(4), b.getShort(8) & 0xffff, b.get(10) & 0xff, b.get(11) & 0xff);
    }
}
