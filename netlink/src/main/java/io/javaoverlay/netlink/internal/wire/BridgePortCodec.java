package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.BridgePort;
import io.javaoverlay.netlink.BridgePortSettings;
import java.util.Optional;

/**
 * Bridge port settings: the AF_BRIDGE side of RTM_SETLINK / RTM_GETLINK, as {@code bridge link}
 * speaks it. The kernel routes an AF_BRIDGE RTM_SETLINK to the master bridge's
 * {@code ndo_bridge_setlink} ({@code br_setlink}), which reads {@code IFLA_PROTINFO}:
 * <ul>
 *   <li>with NLA_F_NESTED it is a nest of {@code IFLA_BRPORT_*} attributes;</li>
 *   <li>without it, for binary compatibility with old RSTP daemons, its first byte is taken as the
 *       port's STP state. So the flag is not decoration: without it the kernel reads the first
 *       attribute's length byte as a state (6.18 answers EINVAL for 5, which is no BR_STATE_*; a
 *       value of 0..4 would have changed the port state instead).</li>
 * </ul>
 * An AF_BRIDGE RTM_GETLINK exists only as a dump (the bridge registers no doit), so one port is
 * found by dumping and filtering.
 */
public final class BridgePortCodec {
    private BridgePortCodec() {}

    /**
     * RTM_SETLINK REQUEST|ACK ifinfomsg{AF_BRIDGE, index}; IFLA_PROTINFO|NLA_F_NESTED{ IFLA_BRPORT_* u8 }.
     * Attributes go in the order {@code bridge link set} emits them (UNICAST_FLOOD, MCAST_FLOOD,
     * BCAST_FLOOD, LEARNING, NEIGH_SUPPRESS), so the request is byte-identical to iproute2's.
     */
    public static NlMsgBuilder encodeSet(int index, BridgePortSettings s) {
        NlMsgBuilder b = new NlMsgBuilder(RTM_SETLINK, NLM_F_ACK).raw(new IfInfoMsg(AF_BRIDGE, 0, index, 0, 0).encode());
        int nest = b.beginNest(IFLA_PROTINFO | NLA_F_NESTED);
        flag(b, IFLA_BRPORT_UNICAST_FLOOD, s.unicastFlood());
        flag(b, IFLA_BRPORT_MCAST_FLOOD, s.mcastFlood());
        flag(b, IFLA_BRPORT_BCAST_FLOOD, s.bcastFlood());
        flag(b, IFLA_BRPORT_LEARNING, s.learning());
        flag(b, IFLA_BRPORT_NEIGH_SUPPRESS, s.neighSuppress());
        return b.endNest(nest);
    }

    private static void flag(NlMsgBuilder b, int type, Optional<Boolean> value) {
        value.ifPresent(v -> b.attrU8(type, v ? 1 : 0));
    }

    /** RTM_GETLINK dump of every bridge port: ifinfomsg{AF_BRIDGE}, no attributes (as {@code bridge link show}). */
    public static NlMsgBuilder encodeDump() {
        return new NlMsgBuilder(RTM_GETLINK, NLM_F_DUMP).raw(new IfInfoMsg(AF_BRIDGE, 0, 0, 0, 0).encode());
    }

    /**
     * Decodes one message of an AF_BRIDGE link dump; empty for anything that is not a bridge port
     * (another family, or a message without IFLA_PROTINFO, as the kernel sends for devices that
     * have their own ndo_bridge_getlink but are not enslaved).
     */
    public static Optional<BridgePort> decode(NlMessage m) {
        if (!m.fits(IfInfoMsg.SIZE)) {
            return Optional.empty();
        }
        IfInfoMsg ifi = IfInfoMsg.parse(m.payload());
        if (ifi.family() != AF_BRIDGE) {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(IfInfoMsg.SIZE);
        Optional<NlAttrs> info = a.nested(IFLA_PROTINFO);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        NlAttrs p = info.get();
        BridgePortSettings settings = new BridgePortSettings(bool(p, IFLA_BRPORT_LEARNING),
                bool(p, IFLA_BRPORT_UNICAST_FLOOD), bool(p, IFLA_BRPORT_MCAST_FLOOD), bool(p, IFLA_BRPORT_BCAST_FLOOD),
                bool(p, IFLA_BRPORT_NEIGH_SUPPRESS));
        return Optional.of(new BridgePort(ifi.index(), a.string(IFLA_IFNAME).orElse("if" + ifi.index()),
                a.u32(IFLA_MASTER).orElse(0), p.u8(IFLA_BRPORT_STATE).orElse(0), settings));
    }

    private static Optional<Boolean> bool(NlAttrs a, int type) {
        return a.u8(type).map(v -> v != 0);
    }
}
