package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.types.MacAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Traffic control: the {@code clsact} qdisc (RTM_NEWQDISC / RTM_DELQDISC) and {@code u32} ingress
 * filters on the Ethernet destination with an optional {@code mirred egress redirect} action
 * (RTM_NEWTFILTER / RTM_DELTFILTER / RTM_GETTFILTER), laid out as iproute2's {@code tc} sends them.
 *
 * <p>{@code struct tcmsg} (20 bytes): u8 family, 3 pad, s32 ifindex, u32 handle, u32 parent, u32 info.
 * For a shared block the ifindex is {@code TCM_IFINDEX_MAGIC_BLOCK} and the parent field holds the
 * block index. A filter's info is {@code prio << 16 | htons(protocol)}.
 *
 * <p>The u32 selector matches at offsets relative to the network header: at ingress the Ethernet
 * destination starts 14 bytes before it ({@code match ether dst}: a 32-bit key at -14 and the
 * upper half of one at -10). The selector is TERMINAL: a match ends the classification, with the
 * action's verdict, or with "ok" (the frame goes on) when there is no action.
 */
public final class TcCodec {
    private TcCodec() {}

    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_DELQDISC = 37;
    public static final int RTM_GETQDISC = 38;
    public static final int RTM_NEWTFILTER = 44;
    public static final int RTM_DELTFILTER = 45;
    public static final int RTM_GETTFILTER = 46;

    static final int TCMSG_SIZE = 20;
    static final int TCM_IFINDEX_MAGIC_BLOCK = 0xffffffff;
    static final int TC_H_CLSACT = 0xfffffff1;
    static final int TC_H_MIN_INGRESS = 0xfff2;
    /** The ingress of clsact: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS). */
    static final int CLSACT_INGRESS = (TC_H_CLSACT & 0xffff0000) | TC_H_MIN_INGRESS;
    static final int CLSACT_HANDLE = 0xffff0000;

    static final int TCA_KIND = 1;
    static final int TCA_OPTIONS = 2;
    static final int TCA_INGRESS_BLOCK = 13;

    static final int TCA_U32_SEL = 5;
    static final int TCA_U32_ACT = 7;
    static final int TC_U32_TERMINAL = 1;

    static final int TCA_ACT_KIND = 1;
    static final int TCA_ACT_OPTIONS = 2;
    static final int TCA_MIRRED_PARMS = 2;
    static final int TC_ACT_STOLEN = 4;
    static final int TCA_EGRESS_REDIR = 1;

    static final int ETH_P_ALL = 0x0003;
    static final int AF_UNSPEC = 0;

    private static int htons(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Short.reverseBytes((short) v) & 0xffff : v & 0xffff;
    }

    static byte[] tcmsg(int ifindex, int handle, int parent, int info) {
        return ByteBuffer.allocate(TCMSG_SIZE).order(ByteOrder.nativeOrder()).put((byte) AF_UNSPEC).put((byte) 0)
                .putShort((short) 0).putInt(ifindex).putInt(handle).putInt(parent).putInt(info).array();
    }

    /** {@code tc qdisc add dev IFINDEX clsact [ingress_block BLOCK]} (flags pick add or replace). */
    public static NlMsgBuilder encodeClsact(int type, int flags, int ifindex, int ingressBlock) {
        NlMsgBuilder b = new NlMsgBuilder(type, flags).raw(tcmsg(ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0));
        if (type == RTM_NEWQDISC) {
            b.attrString(TCA_KIND, "clsact");
            if (ingressBlock != 0) {
                b.attrU32(TCA_INGRESS_BLOCK, ingressBlock);
            }
        }
        return b;
    }

    /** A dump of every qdisc ({@code tc qdisc show}). */
    public static NlMsgBuilder encodeQdiscDump() {
        return new NlMsgBuilder(RTM_GETQDISC, Rtnl.NLM_F_DUMP).raw(tcmsg(0, 0, 0, 0));
    }

    /** A qdisc from a dump: its device, kind and ingress block (0 for none). */
    public record Qdisc(int ifindex, int parent, String kind, int ingressBlock) {}

    public static Optional<Qdisc> decodeQdisc(NlMessage m) {
        if (m.header().type() != RTM_NEWQDISC || !m.fits(TCMSG_SIZE)) {
            return Optional.empty();
        }
        ByteBuffer h = m.body();
        NlAttrs a = m.attrs(TCMSG_SIZE);
        return Optional.of(new Qdisc(h.getInt(4), h.getInt(12), a.string(TCA_KIND).orElse(""),
                a.u32(TCA_INGRESS_BLOCK).orElse(0)));
    }

    private static int ifindexOf(IngressTarget t) {
        return t.ifindex() > 0 ? t.ifindex() : TCM_IFINDEX_MAGIC_BLOCK;
    }

    private static int parentOf(IngressTarget t) {
        return t.ifindex() > 0 ? CLSACT_INGRESS : t.block();
    }

    private static int info(int priority) {
        return (priority << 16) | htons(ETH_P_ALL);
    }

    /** {@code tc filter add (dev D ingress | block N) prio P protocol all u32 match ether dst MAC [action ...]}. */
    public static NlMsgBuilder encodeFilterAdd(int flags, IngressTarget t, IngressFilter f) {
        NlMsgBuilder b = new NlMsgBuilder(RTM_NEWTFILTER, flags).raw(tcmsg(ifindexOf(t), 0, parentOf(t),
                info(f.priority()))).attrString(TCA_KIND, "u32");
        int options = b.beginNest(TCA_OPTIONS);
        b.attr(TCA_U32_SEL, selector(f.dstMac()));
        if (f.redirectTo().isPresent()) {
            int acts = b.beginNest(TCA_U32_ACT);
            int first = b.beginNest(1);
            b.attrString(TCA_ACT_KIND, "mirred");
            int opts = b.beginNest(TCA_ACT_OPTIONS);
            b.attr(TCA_MIRRED_PARMS, ByteBuffer.allocate(28).order(ByteOrder.nativeOrder())
                    .putInt(0).putInt(0).putInt(TC_ACT_STOLEN).putInt(0).putInt(0) // tc_gen: index, capab, action, refcnt, bindcnt
                    .putInt(TCA_EGRESS_REDIR).putInt(f.redirectTo().getAsInt()).array());
            b.endNest(opts);
            b.endNest(first);
            b.endNest(acts);
        }
        b.endNest(options);
        return b;
    }

    /** {@code tc filter del (dev D ingress | block N) prio P protocol all}: every filter of that priority. */
    public static NlMsgBuilder encodeFilterDel(IngressTarget t, int priority) {
        return new NlMsgBuilder(RTM_DELTFILTER, Rtnl.NLM_F_ACK).raw(tcmsg(ifindexOf(t), 0, parentOf(t), info(priority)));
    }

    /** {@code tc filter show (dev D ingress | block N)}. */
    public static NlMsgBuilder encodeFilterDump(IngressTarget t) {
        return new NlMsgBuilder(RTM_GETTFILTER, Rtnl.NLM_F_DUMP).raw(tcmsg(ifindexOf(t), 0, parentOf(t), 0));
    }

    /**
     * struct tc_u32_sel (16 bytes: flags, offshift, nkeys, pad, be16 offmask, u16 off, s16 offoff,
     * s16 hoff, be32 hmask) and its keys (16 bytes each: be32 mask, be32 val, s32 off, s32 offmask).
     */
    static byte[] selector(Optional<MacAddress> dst) {
        int keys = dst.isPresent() ? 2 : 1;
        ByteBuffer s = ByteBuffer.allocate(16 + 16 * keys).order(ByteOrder.nativeOrder());
        s.put((byte) TC_U32_TERMINAL).put((byte) 0).put((byte) keys).put((byte) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0);
        if (dst.isPresent()) {
            byte[] mac = dst.get().bytes();
            key(s, new byte[] {-1, -1, -1, -1}, new byte[] {mac[0], mac[1], mac[2], mac[3]}, -14);
            key(s, new byte[] {-1, -1, 0, 0}, new byte[] {mac[4], mac[5], 0, 0}, -10);
        } else {
            key(s, new byte[] {1, 0, 0, 0}, new byte[] {0, 0, 0, 0}, -14); // the group bit clear: unicast
        }
        return s.array();
    }

    private static void key(ByteBuffer s, byte[] mask, byte[] val, int off) {
        s.put(mask).put(val).putInt(off).putInt(0);
    }

    /**
     * A filter of ours from a dump: one u32 selector of the shapes {@link #selector} writes, and no
     * action or one mirred egress redirect. Anything else (the u32 hash table entry every priority
     * has, another classifier, other keys or actions) is reported as foreign.
     */
    public record Decoded(int priority, Optional<IngressFilter> filter) {}

    public static Optional<Decoded> decodeFilter(NlMessage m) {
        if (m.header().type() != RTM_NEWTFILTER || !m.fits(TCMSG_SIZE)) {
            return Optional.empty();
        }
        ByteBuffer h = m.body();
        int priority = h.getInt(16) >>> 16;
        NlAttrs a = m.attrs(TCMSG_SIZE);
        Optional<NlAttrs> opts = a.nested(TCA_OPTIONS);
        if (!"u32".equals(a.string(TCA_KIND).orElse(""))) {
            return Optional.of(new Decoded(priority, Optional.empty()));
        }
        if (opts.isEmpty()) {
            return Optional.empty(); // the priority's classifier itself, listed before its filters
        }
        Optional<ByteBuffer> sel = opts.get().get(TCA_U32_SEL);
        if (sel.isEmpty()) {
            return Optional.empty(); // the hash table itself (800:), not a filter
        }
        Optional<Optional<MacAddress>> dst = parseSelector(sel.get());
        OptionalInt redirect = OptionalInt.empty();
        Optional<NlAttrs> acts = opts.get().nested(TCA_U32_ACT);
        if (acts.isPresent()) {
            var list = acts.get().nested(1);
            boolean onlyOne = acts.get().nested(2).isEmpty();
            if (list.isEmpty() || !onlyOne || !"mirred".equals(list.get().string(TCA_ACT_KIND).orElse(""))) {
                return Optional.of(new Decoded(priority, Optional.empty()));
            }
            Optional<ByteBuffer> parms = list.get().nested(TCA_ACT_OPTIONS).flatMap(o -> o.get(TCA_MIRRED_PARMS));
            if (parms.isEmpty() || parms.get().remaining() < 28) {
                return Optional.of(new Decoded(priority, Optional.empty()));
            }
            ByteBuffer p = parms.get().duplicate().order(ByteOrder.nativeOrder());
            int base = p.position();
            if (p.getInt(base + 20) != TCA_EGRESS_REDIR) {
                return Optional.of(new Decoded(priority, Optional.empty()));
            }
            int target = p.getInt(base + 24);
            if (target <= 0) {
                // The target device is gone: the kernel keeps the action and reports ifindex 0.
                return Optional.of(new Decoded(priority, Optional.empty()));
            }
            redirect = OptionalInt.of(target);
        }
        if (dst.isEmpty() || priority < 1) {
            return Optional.of(new Decoded(priority, Optional.empty()));
        }
        return Optional.of(new Decoded(priority, Optional.of(new IngressFilter(priority, dst.get(), redirect))));
    }

    /** The destination a selector written by {@link #selector} matches; empty for any other selector. */
    static Optional<Optional<MacAddress>> parseSelector(ByteBuffer sel) {
        ByteBuffer s = sel.duplicate().order(ByteOrder.nativeOrder());
        int base = s.position();
        if (s.remaining() < 16) {
            return Optional.empty();
        }
        int nkeys = s.get(base + 2) & 0xff;
        if ((s.get(base) & TC_U32_TERMINAL) == 0 || s.remaining() < 16 + 16 * nkeys) {
            return Optional.empty();
        }
        byte[][] mask = new byte[nkeys][4];
        byte[][] val = new byte[nkeys][4];
        int[] off = new int[nkeys];
        for (int k = 0; k < nkeys; k++) {
            int at = base + 16 + 16 * k;
            for (int i = 0; i < 4; i++) {
                mask[k][i] = s.get(at + i);
                val[k][i] = s.get(at + 4 + i);
            }
            off[k] = s.getInt(at + 8);
        }
        if (nkeys == 1 && off[0] == -14 && java.util.Arrays.equals(mask[0], new byte[] {1, 0, 0, 0})
                && java.util.Arrays.equals(val[0], new byte[] {0, 0, 0, 0})) {
            return Optional.of(Optional.empty());
        }
        if (nkeys == 2 && off[0] == -14 && off[1] == -10 && java.util.Arrays.equals(mask[0], new byte[] {-1, -1, -1, -1})
                && java.util.Arrays.equals(mask[1], new byte[] {-1, -1, 0, 0})) {
            return Optional.of(Optional.of(MacAddress.of(new byte[] {val[0][0], val[0][1], val[0][2], val[0][3],
                val[1][0], val[1][1]})));
        }
        return Optional.empty();
    }
}
