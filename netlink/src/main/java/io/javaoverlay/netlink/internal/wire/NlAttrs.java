package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.types.IpAddress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The attributes of one message or nest, indexed by type (the last occurrence wins, which is what
 * the kernel's {@code nla_parse} does too). Types are masked with {@link Rtnl#NLA_TYPE_MASK} so
 * {@code NLA_F_NESTED} never hides an attribute. Each value is a read-only slice of the datagram.
 * Lists of same-typed attributes (ethtool's strings and bits) are read with {@link #all}.
 */
public final class NlAttrs {
    /** The region, read-only, native order; every value is a slice of it. */
    private final ByteBuffer base;
    /** Attributes in wire order as (type, offset of the value, length of the value) triples. */
    private int[] entries = new int[3 * 8];
    private int count;

    // Offsets, not a map of buffers: reconcile passes parse every FDB and neighbour entry of a network's
    // vxlan device each time, and most attributes are never read.
    private NlAttrs(ByteBuffer base) {
        this.base = base;
    }

    /** Parses {@code rtattr}s from {@code region}'s position to its limit; stops at a short or overlong one. */
    public static NlAttrs parse(ByteBuffer region) {
        ByteBuffer b = region.slice().asReadOnlyBuffer().order(ByteOrder.nativeOrder());
        NlAttrs attrs = new NlAttrs(b);
        int pos = 0;
        while (pos + 4 <= b.limit()) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & Rtnl.NLA_TYPE_MASK;
            if (len < 4 || pos + len > b.limit()) {
                break;
            }
            attrs.add(type, pos + 4, len - 4);
            pos += Rtnl.align4(len);
        }
        return attrs;
    }

    private void add(int type, int offset, int length) {
        if (3 * (count + 1) > entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        entries[3 * count] = type;
        entries[3 * count + 1] = offset;
        entries[3 * count + 2] = length;
        count++;
    }

    /** The index of the last attribute of {@code type}, or -1 (a scan: a message has a few dozen at most). */
    private int last(int type) {
        for (int i = count - 1; i >= 0; i--) {
            if (entries[3 * i] == type) {
                return i;
            }
        }
        return -1;
    }

    private ByteBuffer value(int index) {
        return base.slice(entries[3 * index + 1], entries[3 * index + 2]).order(ByteOrder.nativeOrder());
    }

    public boolean has(int type) {
        return last(type) >= 0;
    }

    public Optional<ByteBuffer> get(int type) {
        int i = last(type);
        return i < 0 ? Optional.empty() : Optional.of(value(i));
    }

    /** Every attribute of {@code type}, in wire order, each parsed as a nest. */
    public List<NlAttrs> all(int type) {
        List<NlAttrs> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (entries[3 * i] == type) {
                out.add(parse(value(i)));
            }
        }
        return out;
    }

    public Optional<NlAttrs> nested(int type) {
        return get(type).map(NlAttrs::parse);
    }

    public byte[] bytes(int type) {
        return get(type).map(b -> {
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }).orElse(null);
    }

    public Optional<Integer> u8(int type) {
        return get(type).filter(b -> b.remaining() >= 1).map(b -> b.get(0) & 0xff);
    }

    public Optional<Integer> u16(int type) {
        return get(type).filter(b -> b.remaining() >= 2).map(b -> b.getShort(0) & 0xffff);
    }

    /** A {@code __be16} field (IFLA_VXLAN_PORT, NDA_PORT). */
    public Optional<Integer> be16(int type) {
        return get(type).filter(b -> b.remaining() >= 2).map(b -> ((b.get(0) & 0xff) << 8) | (b.get(1) & 0xff));
    }

    public Optional<Integer> u32(int type) {
        return get(type).filter(b -> b.remaining() >= 4).map(b -> b.getInt(0));
    }

    /** A NUL-terminated (or unterminated) string. */
    public Optional<String> string(int type) {
        return get(type).map(b -> {
            byte[] raw = new byte[b.remaining()];
            b.get(raw);
            int n = 0;
            while (n < raw.length && raw[n] != 0) {
                n++;
            }
            return new String(raw, 0, n, StandardCharsets.UTF_8);
        });
    }

    /** A 4- or 16-byte address; empty for any other length. */
    public Optional<IpAddress> address(int type) {
        byte[] raw = bytes(type);
        if (raw == null || (raw.length != 4 && raw.length != 16)) {
            return Optional.empty();
        }
        return Optional.of(IpAddress.ofBytes(raw));
    }
}
