package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.types.IpAddress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of one message or nest, indexed by type (the last occurrence wins, which is what
 * the kernel's {@code nla_parse} does too). Types are masked with {@link Rtnl#NLA_TYPE_MASK} so
 * {@code NLA_F_NESTED} never hides an attribute. Each value is a read-only slice of the datagram.
 * Lists of same-typed attributes (ethtool's strings and bits) are read with {@link #all}.
 */
public final class NlAttrs {
    private final Map<Integer, ByteBuffer> byType = new HashMap<>();
    private final Map<Integer, List<ByteBuffer>> allByType = new HashMap<>();

    private NlAttrs() {}

    /** Parses {@code rtattr}s from {@code region}'s position to its limit; stops at a short or overlong one. */
    public static NlAttrs parse(ByteBuffer region) {
        NlAttrs attrs = new NlAttrs();
        ByteBuffer b = region.slice().order(ByteOrder.nativeOrder());
        int pos = 0;
        while (pos + 4 <= b.limit()) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & Rtnl.NLA_TYPE_MASK;
            if (len < 4 || pos + len > b.limit()) {
                break;
            }
            ByteBuffer value = b.slice(pos + 4, len - 4).order(ByteOrder.nativeOrder()).asReadOnlyBuffer()
                    .order(ByteOrder.nativeOrder());
            attrs.byType.put(type, value);
            attrs.allByType.computeIfAbsent(type, t -> new ArrayList<>()).add(value);
            pos += Rtnl.align4(len);
        }
        return attrs;
    }

    public boolean has(int type) {
        return byType.containsKey(type);
    }

    public Optional<ByteBuffer> get(int type) {
        ByteBuffer b = byType.get(type);
        return b == null ? Optional.empty() : Optional.of(b.duplicate().order(ByteOrder.nativeOrder()));
    }

    /** Every attribute of {@code type}, in wire order, each parsed as a nest. */
    public List<NlAttrs> all(int type) {
        List<NlAttrs> out = new ArrayList<>();
        for (ByteBuffer b : allByType.getOrDefault(type, List.of())) {
            out.add(parse(b.duplicate().order(ByteOrder.nativeOrder())));
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
