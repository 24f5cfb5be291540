package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Genl.*;
import static io.javaoverlay.netlink.internal.wire.Rtnl.NLA_F_NESTED;

import io.javaoverlay.netlink.EthtoolFeatures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ethtool-netlink features, spoken the way ethtool 6.1 speaks them so each request is
 * byte-identical to its own:
 * <ul>
 *   <li>replies are asked for with ETHTOOL_FLAG_COMPACT_BITSETS: a bitset is ETHTOOL_A_BITSET_SIZE
 *       (bits) plus VALUE (and MASK unless NOMASK) as host-order u32 words, bit i in word i/32;</li>
 *   <li>bit names come from the ETH_SS_FEATURES string set (ETHTOOL_MSG_STRSET_GET), in which
 *       string i names feature bit i;</li>
 *   <li>a change is sent as a verbose bitset: one BIT nest per feature, by NAME, with the VALUE flag
 *       for on and without it for off; the listed bits are the mask.</li>
 * </ul>
 * Every nest carries NLA_F_NESTED, which ethtool-netlink's strict policies require.
 */
public final class EthtoolCodec {
    private EthtoolCodec() {}

    private static NlMsgBuilder header(NlMsgBuilder b, int type, String device) {
        int h = b.beginNest(type | NLA_F_NESTED);
        if (device != null) {
            b.attrString(ETHTOOL_A_HEADER_DEV_NAME, device);
            b.attrU32(ETHTOOL_A_HEADER_FLAGS, ETHTOOL_FLAG_COMPACT_BITSETS);
        }
        return b.endNest(h);
    }

    /** ETHTOOL_MSG_STRSET_GET of ETH_SS_FEATURES, not bound to a device (the names are global). */
    public static NlMsgBuilder encodeStrsetFeatures(int familyId) {
        NlMsgBuilder b = header(GenlCodec.request(familyId, ETHTOOL_MSG_STRSET_GET, ETHTOOL_GENL_VERSION),
                ETHTOOL_A_STRSET_HEADER, null);
        int sets = b.beginNest(ETHTOOL_A_STRSET_STRINGSETS | NLA_F_NESTED);
        int set = b.beginNest(ETHTOOL_A_STRINGSETS_STRINGSET | NLA_F_NESTED);
        b.attrU32(ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
        return b.endNest(set).endNest(sets);
    }

    /** The feature names of an ETHTOOL_MSG_STRSET_GET_REPLY, by bit index; empty for another message. */
    public static Optional<List<String>> decodeStrsetFeatures(NlMessage m, int familyId) {
        if (m.header().type() != familyId || GenlCodec.cmdOf(m) != ETHTOOL_MSG_STRSET_GET_REPLY) {
            return Optional.empty();
        }
        for (NlAttrs set : m.attrs(GENL_HDRLEN).nested(ETHTOOL_A_STRSET_STRINGSETS).map(s -> s.all(ETHTOOL_A_STRINGSETS_STRINGSET))
                .orElse(List.of())) {
            if (set.u32(ETHTOOL_A_STRINGSET_ID).orElse(-1) != ETH_SS_FEATURES) {
                continue;
            }
            String[] names = new String[set.u32(ETHTOOL_A_STRINGSET_COUNT).orElse(0)];
            for (NlAttrs s : set.nested(ETHTOOL_A_STRINGSET_STRINGS).map(x -> x.all(ETHTOOL_A_STRINGS_STRING))
                    .orElse(List.of())) {
                int i = s.u32(ETHTOOL_A_STRING_INDEX).orElse(-1);
                if (i >= 0 && i < names.length) {
                    names[i] = s.string(ETHTOOL_A_STRING_VALUE).orElse("");
                }
            }
            return Optional.of(Arrays.asList(names));
        }
        return Optional.empty();
    }

    /** ETHTOOL_MSG_FEATURES_GET of one device by name, compact bitsets: what {@code ethtool -k DEV} sends. */
    public static NlMsgBuilder encodeFeaturesGet(int familyId, String device) {
        return header(GenlCodec.request(familyId, ETHTOOL_MSG_FEATURES_GET, ETHTOOL_GENL_VERSION),
                ETHTOOL_A_FEATURES_HEADER, device);
    }

    /**
     * ETHTOOL_MSG_FEATURES_SET: WANTED as a verbose bitset of the given features, in the map's order
     * (ethtool keeps its command line's order). Equivalent to {@code ethtool -K DEV NAME on|off ...}.
     */
    public static NlMsgBuilder encodeFeaturesSet(int familyId, String device, Map<String, Boolean> wanted) {
        NlMsgBuilder b = header(GenlCodec.request(familyId, ETHTOOL_MSG_FEATURES_SET, ETHTOOL_GENL_VERSION),
                ETHTOOL_A_FEATURES_HEADER, device);
        int w = b.beginNest(ETHTOOL_A_FEATURES_WANTED | NLA_F_NESTED);
        int bits = b.beginNest(ETHTOOL_A_BITSET_BITS | NLA_F_NESTED);
        wanted.forEach((name, on) -> {
            int bit = b.beginNest(ETHTOOL_A_BITSET_BITS_BIT | NLA_F_NESTED);
            b.attrString(ETHTOOL_A_BITSET_BIT_NAME, name);
            if (on) {
                b.attr(ETHTOOL_A_BITSET_BIT_VALUE, new byte[0]);
            }
            b.endNest(bit);
        });
        return b.endNest(bits).endNest(w);
    }

    /** Decodes an ETHTOOL_MSG_FEATURES_GET_REPLY with compact bitsets; {@code names} from the string set. */
    public static Optional<EthtoolFeatures> decodeFeatures(NlMessage m, int familyId, List<String> names) {
        if (m.header().type() != familyId || GenlCodec.cmdOf(m) != ETHTOOL_MSG_FEATURES_GET_REPLY) {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(GENL_HDRLEN);
        String device = a.nested(ETHTOOL_A_FEATURES_HEADER).flatMap(h -> h.string(ETHTOOL_A_HEADER_DEV_NAME)).orElse("");
        boolean[] hw = bits(a, ETHTOOL_A_FEATURES_HW);
        boolean[] wanted = bits(a, ETHTOOL_A_FEATURES_WANTED);
        boolean[] active = bits(a, ETHTOOL_A_FEATURES_ACTIVE);
        boolean[] nochange = bits(a, ETHTOOL_A_FEATURES_NOCHANGE);
        Map<String, EthtoolFeatures.Feature> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n != null && !n.isEmpty()) {
                out.put(n, new EthtoolFeatures.Feature(n, at(hw, i), at(wanted, i), at(active, i), at(nochange, i)));
            }
        }
        return Optional.of(new EthtoolFeatures(device, out));
    }

    private static boolean at(boolean[] bits, int i) {
        return i < bits.length && bits[i];
    }

    /** A compact bitset's VALUE words as booleans (SIZE bits); all false when absent. */
    static boolean[] bits(NlAttrs parent, int type) {
        Optional<NlAttrs> set = parent.nested(type);
        if (set.isEmpty()) {
            return new boolean[0];
        }
        int size = set.get().u32(ETHTOOL_A_BITSET_SIZE).orElse(0);
        boolean[] out = new boolean[size];
        Optional<ByteBuffer> value = set.get().get(ETHTOOL_A_BITSET_VALUE);
        if (value.isEmpty()) {
            return out;
        }
        ByteBuffer v = value.get();
        for (int i = 0; i < size && (i / 32) * 4 + 4 <= v.limit(); i++) {
            out[i] = (v.getInt((i / 32) * 4) & (1 << (i % 32))) != 0;
        }
        return out;
    }

    /** Names in {@code wanted} that are not feature names of the kernel, for a clear error before sending. */
    public static List<String> unknown(Map<String, Boolean> wanted, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : wanted.keySet()) {
            if (!names.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
