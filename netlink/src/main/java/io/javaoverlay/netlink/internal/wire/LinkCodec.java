package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.Device;
import io.javaoverlay.netlink.GenericLink;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.types.MacAddress;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

/**
 * RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK messages: the common {@code IFLA_*} attributes here, the
 * kind-specific {@code IFLA_INFO_DATA} in one {@link LinkKindCodec} per kind. A kind without a
 * codec decodes to {@link GenericLink}; a link without IFLA_LINKINFO to {@link Device}.
 */
public final class LinkCodec {
    private static final Map<String, LinkKindCodec<?>> BY_KIND = List.of(new BridgeCodec(), new VxlanCodec(),
            new VethCodec()).stream().collect(Collectors.toMap(LinkKindCodec::kind, Function.identity()));

    private LinkCodec() {}

    /** The codec for a kind, if this module models it. */
    public static Optional<LinkKindCodec<?>> codecFor(String kind) {
        return Optional.ofNullable(BY_KIND.get(kind));
    }

    /**
     * RTM_NEWLINK creating {@code spec} with {@code flags} (CREATE|EXCL|ACK from linkAdd). Carries
     * queue and offload sizes, name, MTU, MAC, master and alias; the admin state is set by a separate
     * request after creation.
     */
    public static NlMsgBuilder encodeCreate(Link spec, int flags) {
        NlMsgBuilder b = new NlMsgBuilder(RTM_NEWLINK, flags);
        b.raw(new IfInfoMsg(AF_UNSPEC, 0, 0, 0, 0).encode());
        LinkAttrs a = spec.attrs();
        encodeSizes(a, b);
        b.attrString(IFLA_IFNAME, a.name());
        if (a.mtu() > 0) {
            b.attrU32(IFLA_MTU, a.mtu());
        }
        a.hardwareAddr().ifPresent(mac -> b.attr(IFLA_ADDRESS, mac.bytes()));
        if (a.masterIndex() > 0) {
            b.attrU32(IFLA_MASTER, a.masterIndex());
        }
        a.alias().ifPresent(alias -> b.attrString(IFLA_IFALIAS, alias));
        int info = b.beginNest(IFLA_LINKINFO);
        b.attrStringNoNul(IFLA_INFO_KIND, spec.kind());
        LinkKindCodec<?> codec = BY_KIND.get(spec.kind());
        if (codec == null || !codec.type().isInstance(spec)) {
            throw new IllegalArgumentException("cannot create link '" + a.name() + "' of kind '" + spec.kind()
                    + "': only " + BY_KIND.keySet() + " are supported");
        }
        int data = b.beginNest(IFLA_INFO_DATA);
        encodeData(codec, spec, b);
        b.endNestOrDrop(data);
        b.endNest(info);
        return b;
    }

    /**
     * The non-zero queue and offload sizes, in the order {@code ip link add NAME txqueuelen N gso_max_size N
     * gro_max_size N numtxqueues N numrxqueues N} sends them: iproute2 puts these options before
     * IFLA_IFNAME, so a request given in that order is byte-identical to ours.
     */
    static void encodeSizes(LinkAttrs a, NlMsgBuilder b) {
        if (a.txQueueLen() > 0) {
            b.attrU32(IFLA_TXQLEN, a.txQueueLen());
        }
        if (a.gsoMaxSize() > 0) {
            b.attrU32(IFLA_GSO_MAX_SIZE, a.gsoMaxSize());
        }
        if (a.groMaxSize() > 0) {
            b.attrU32(IFLA_GRO_MAX_SIZE, a.groMaxSize());
        }
        encodeQueueCounts(a, b);
    }

    /** IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES when set (also used for a veth peer). */
    static void encodeQueueCounts(LinkAttrs a, NlMsgBuilder b) {
        if (a.numTxQueues() > 0) {
            b.attrU32(IFLA_NUM_TX_QUEUES, a.numTxQueues());
        }
        if (a.numRxQueues() > 0) {
            b.attrU32(IFLA_NUM_RX_QUEUES, a.numRxQueues());
        }
    }

    private static <T extends Link> void encodeData(LinkKindCodec<T> codec, Link spec, NlMsgBuilder b) {
        codec.encodeInfoData(codec.type().cast(spec), b);
    }

    /** RTM_NEWLINK changing an existing link: ifinfomsg{index, flags, change}; attributes are added by the caller. */
    public static NlMsgBuilder encodeChange(int index, int ifFlags, int change) {
        return new NlMsgBuilder(RTM_NEWLINK, NLM_F_ACK).raw(new IfInfoMsg(AF_UNSPEC, 0, index, ifFlags, change).encode());
    }

    /** RTM_DELLINK by index, or by IFLA_IFNAME when {@code name} is non-null. */
    public static NlMsgBuilder encodeDelete(int index, String name) {
        NlMsgBuilder b = new NlMsgBuilder(RTM_DELLINK, NLM_F_ACK).raw(IfInfoMsg.ofIndex(index).encode());
        if (name != null) {
            b.attrString(IFLA_IFNAME, name);
        }
        return b;
    }

    /** RTM_GETLINK for one link, by index or (index 0) by name; skips statistics. */
    public static NlMsgBuilder encodeGet(int index, String name) {
        NlMsgBuilder b = new NlMsgBuilder(RTM_GETLINK, NLM_F_ACK).raw(IfInfoMsg.ofIndex(index).encode());
        if (name != null) {
            b.attrString(IFLA_IFNAME, name);
        }
        return b.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    }

    /** RTM_GETLINK dump of every link. */
    public static NlMsgBuilder encodeDump() {
        return new NlMsgBuilder(RTM_GETLINK, NLM_F_DUMP).raw(IfInfoMsg.ofIndex(0).encode())
                .attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    }

    /** Decodes an RTM_NEWLINK or RTM_DELLINK message to the model. Never fails on unknown kinds. */
    public static Link decode(NlMessage m) {
        if (!m.fits(IfInfoMsg.SIZE)) {
            throw new IllegalArgumentException("link message shorter than ifinfomsg: " + m.payload().limit() + " bytes");
        }
        IfInfoMsg ifi = IfInfoMsg.parse(m.payload());
        NlAttrs a = m.attrs(IfInfoMsg.SIZE);
        byte[] mac = a.bytes(IFLA_ADDRESS);
        Optional<MacAddress> hw = mac != null && mac.length == 6 ? Optional.of(MacAddress.of(mac)) : Optional.empty();
        String name = a.string(IFLA_IFNAME).orElse("if" + ifi.index());
        LinkAttrs common = new LinkAttrs(ifi.index(), name, a.u32(IFLA_MTU).orElse(0), hw,
                a.u32(IFLA_MASTER).orElse(0), (ifi.flags() & IFF_UP) != 0, (ifi.flags() & IFF_LOWER_UP) != 0,
                a.string(IFLA_IFALIAS).filter(s -> !s.isEmpty()), a.u32(IFLA_TXQLEN).orElse(0),
                a.u32(IFLA_GSO_MAX_SIZE).orElse(0), a.u32(IFLA_GRO_MAX_SIZE).orElse(0),
                a.u32(IFLA_NUM_TX_QUEUES).orElse(0), a.u32(IFLA_NUM_RX_QUEUES).orElse(0));
        Optional<NlAttrs> info = a.nested(IFLA_LINKINFO);
        Optional<String> kind = info.flatMap(i -> i.string(IFLA_INFO_KIND));
        if (kind.isEmpty()) {
            return new Device(common);
        }
        LinkKindCodec<?> codec = BY_KIND.get(kind.get());
        if (codec == null) {
            return new GenericLink(common, kind.get());
        }
        NlAttrs data = info.get().nested(IFLA_INFO_DATA).orElseGet(() -> NlAttrs.parse(java.nio.ByteBuffer.allocate(0)));
        try {
            return codec.decode(common, a, data);
        } catch (IllegalArgumentException e) {
            // A value our model rejects (say a VNI the record forbids) must not break a dump.
            return new GenericLink(common, kind.get());
        }
    }
}
