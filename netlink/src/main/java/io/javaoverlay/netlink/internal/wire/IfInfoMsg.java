package io.javaoverlay.netlink.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code struct ifinfomsg} (16 bytes): u8 family, pad, u16 type, s32 index, u32 flags, u32 change. */
public record IfInfoMsg(int family, int type, int index, int flags, int change) {
    public static final int SIZE = 16;

    public static IfInfoMsg ofIndex(int index) {
        return new IfInfoMsg(Rtnl.AF_UNSPEC, 0, index, 0, 0);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) 0).putShort((short) type).putInt(index).putInt(flags).putInt(change)
                .array();
    }

    public static IfInfoMsg parse(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.nativeOrder());
        return new IfInfoMsg(b.get(0) & 0xff, b.getShort(2) & 0xffff, b.getInt(4), b.getInt(8), b.getInt(12));
    }
}
