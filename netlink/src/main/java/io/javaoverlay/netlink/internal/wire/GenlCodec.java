package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Genl.*;
import static io.javaoverlay.netlink.internal.wire.Rtnl.NLM_F_ACK;

import io.javaoverlay.netlink.GenlFamily;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Generic netlink framing and the controller family. A generic netlink message is an nlmsghdr whose
 * type is the family id, then {@code struct genlmsghdr} (u8 cmd, u8 version, u16 reserved), then
 * the family's attributes. The controller (nlctrl, fixed id GENL_ID_CTRL) resolves names to ids.
 */
public final class GenlCodec {
    private GenlCodec() {}

    /** A request of {@code familyId}: nlmsghdr{REQUEST|ACK}; genlmsghdr{cmd, version}. */
    public static NlMsgBuilder request(int familyId, int cmd, int version) {
        return new NlMsgBuilder(familyId, NLM_F_ACK).raw(new byte[] {(byte) cmd, (byte) version, 0, 0});
    }

    /** The genlmsghdr cmd of a message, or -1 when it is too short to have one. */
    public static int cmdOf(NlMessage m) {
        return m.fits(GENL_HDRLEN) ? m.payload().get(0) & 0xff : -1;
    }

    /** CTRL_CMD_GETFAMILY by name, as ethtool and {@code genl ctrl get name NAME} send it. */
    public static NlMsgBuilder encodeGetFamily(String name) {
        return request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_VERSION).attrString(CTRL_ATTR_FAMILY_NAME, name);
    }

    /** Decodes a CTRL_CMD_NEWFAMILY reply; empty for any other message. */
    public static Optional<GenlFamily> decodeFamily(NlMessage m) {
        if (m.header().type() != GENL_ID_CTRL || cmdOf(m) != CTRL_CMD_NEWFAMILY) {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(GENL_HDRLEN);
        Optional<Integer> id = a.u16(CTRL_ATTR_FAMILY_ID);
        Optional<String> name = a.string(CTRL_ATTR_FAMILY_NAME);
        if (id.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Integer> groups = new LinkedHashMap<>();
        a.nested(CTRL_ATTR_MCAST_GROUPS).ifPresent(list -> {
            // the groups are a nest of nests typed 1, 2, 3...: read them in order until one is missing
            for (int i = 1; list.has(i); i++) {
                NlAttrs g = list.nested(i).orElseThrow();
                g.string(CTRL_ATTR_MCAST_GRP_NAME).ifPresent(n -> groups.put(n, g.u32(CTRL_ATTR_MCAST_GRP_ID).orElse(0)));
            }
        });
        return Optional.of(new GenlFamily(id.get(), name.get(), a.u32(CTRL_ATTR_VERSION).orElse(0),
                a.u32(CTRL_ATTR_HDRSIZE).orElse(0), a.u32(CTRL_ATTR_MAXATTR).orElse(0), groups));
    }
}
