package io.javaoverlay.netlink.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code struct ifaddrmsg} (8 bytes): u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index. */
public record IfAddrMsg(int family, int prefixLen, int flags, int scope, int index) {
    public static final int SIZE = 8;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) prefixLen).put((byte) flags).put((byte) scope).putInt(index).array();
    }

    public static IfAddrMsg parse(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.nativeOrder());
        return new IfAddrMsg(b.get(0) & 0xff, b.get(1) & 0xff, b.get(2) & 0xff, b.get(3) & 0xff, b.getInt(4));
    }
}
