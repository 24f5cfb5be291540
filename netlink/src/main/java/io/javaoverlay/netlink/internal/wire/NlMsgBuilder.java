package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.types.IpAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the 16-byte {@code nlmsghdr}, a fixed family header
 * ({@code ifinfomsg}, {@code ndmsg}, ...) and {@code rtattr}s. It owns the layout rules so codecs
 * never compute offsets: every attribute starts on a 4-byte boundary, an attribute's length
 * excludes its padding, nested lengths are back-patched when the nest is closed, and integers are
 * in host order except where a method says otherwise. The sequence number and port id are filled
 * in by {@link NetlinkSocket} when the message is sent.
 */
public final class NlMsgBuilder {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final int type;
    private final int flags;

    /** Starts a message of {@code type} with {@code flags} ({@code NLM_F_REQUEST} is added). */
    public NlMsgBuilder(int type, int flags) {
        this.type = type;
        this.flags = flags | Rtnl.NLM_F_REQUEST;
        buf.position(Rtnl.NLMSG_HDRLEN);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    private void ensure(int more) {
        if (buf.remaining() < more + 4) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    private void pad() {
        int aligned = Rtnl.align4(buf.position());
        ensure(aligned - buf.position());
        while (buf.position() < aligned) {
            buf.put((byte) 0);
        }
    }

    /** Appends raw bytes (a fixed struct already laid out by its record). */
    public NlMsgBuilder raw(byte[] bytes) {
        ensure(bytes.length);
        buf.put(bytes);
        pad();
        return this;
    }

    /** Appends an attribute with an opaque payload. */
    public NlMsgBuilder attr(int attrType, byte[] payload) {
        ensure(4 + payload.length + 3);
        buf.putShort((short) (4 + payload.length));
        buf.putShort((short) attrType);
        buf.put(payload);
        pad();
        return this;
    }

    public NlMsgBuilder attrU8(int attrType, int value) {
        return attr(attrType, new byte[] {(byte) value});
    }

    public NlMsgBuilder attrU16(int attrType, int value) {
        return attr(attrType, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    /** A 16-bit value in network byte order, for the fields the headers declare {@code __be16}. */
    public NlMsgBuilder attrBe16(int attrType, int value) {
        return attr(attrType, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    public NlMsgBuilder attrU32(int attrType, int value) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string (IFLA_IFNAME, IFLA_INFO_KIND, IFLA_IFALIAS). */
    public NlMsgBuilder attrString(int attrType, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return attr(attrType, Arrays.copyOf(s, s.length + 1));
    }

    /**
     * A string without the NUL. iproute2 sends IFLA_INFO_KIND this way ({@code addattr_l(..., strlen)});
     * the kernel's NLA_STRING policy accepts both forms.
     */
    public NlMsgBuilder attrStringNoNul(int attrType, String value) {
        return attr(attrType, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An IPv4 or IPv6 address as its raw 4 or 16 bytes. */
    public NlMsgBuilder attrAddress(int attrType, IpAddress address) {
        return attr(attrType, address.bytes());
    }

    /** Opens a nested attribute; returns the mark to pass to {@link #endNest}. */
    public int beginNest(int attrType) {
        ensure(4);
        int mark = buf.position();
        buf.putShort((short) 0);
        buf.putShort((short) attrType);
        return mark;
    }

    /** Closes a nest by back-patching its length (header plus children, children already aligned). */
    public NlMsgBuilder endNest(int mark) {
        buf.putShort(mark, (short) (buf.position() - mark));
        return this;
    }

    /**
     * Closes a nest, or removes it entirely when nothing was written into it (iproute2 sends no
     * empty IFLA_INFO_DATA for a plain bridge, and neither do we).
     */
    public NlMsgBuilder endNestOrDrop(int mark) {
        if (buf.position() == mark + 4) {
            buf.position(mark);
            return this;
        }
        return endNest(mark);
    }

    /** The finished message with {@code nlmsg_len}, type, flags, {@code seq} and {@code pid} filled in. */
    public byte[] build(int seq, int pid) {
        int len = buf.position();
        buf.putInt(0, len);
        buf.putShort(4, (short) type);
        buf.putShort(6, (short) flags);
        buf.putInt(8, seq);
        buf.putInt(12, pid);
        return Arrays.copyOf(buf.array(), len);
    }
}
