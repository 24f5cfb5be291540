package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.util.Optional;

/** RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE: {@code rtmsg} plus RTA_* attributes. */
public final class RouteCodec {
    private RouteCodec() {}

    /**
     * Add/replace/delete. Tables above 255 do not fit the u8 header field, so, like iproute2, the
     * header then says RT_TABLE_UNSPEC and RTA_TABLE carries the id.
     * A delete leaves protocol 0 and scope RT_SCOPE_NOWHERE, which the kernel treats as wildcards.
     */
    public static NlMsgBuilder encode(int type, int flags, Route r) {
        boolean del = type == RTM_DELROUTE;
        int dstLen = r.destination().map(IpPrefix::prefixLength).orElse(0);
        int table = r.table() < 256 ? r.table() : RT_TABLE_UNSPEC;
        NlMsgBuilder b = new NlMsgBuilder(type, flags).raw(new RtMsg(r.family().af(), dstLen, 0, 0, table,
                del ? 0 : r.protocol(), del ? RT_SCOPE_NOWHERE : r.scope(), r.type(), 0).encode());
        if (r.table() > 255) {
            b.attrU32(RTA_TABLE, r.table());
        }
        r.destination().ifPresent(d -> b.attrAddress(RTA_DST, d.address()));
        r.gateway().ifPresent(g -> b.attrAddress(RTA_GATEWAY, g));
        if (r.outputIndex() > 0) {
            b.attrU32(RTA_OIF, r.outputIndex());
        }
        r.preferredSource().ifPresent(s -> b.attrAddress(RTA_PREFSRC, s));
        return b;
    }

    /** RTM_GETROUTE dump for a family. */
    public static NlMsgBuilder encodeDump(Family family) {
        return new NlMsgBuilder(RTM_GETROUTE, NLM_F_DUMP).raw(new RtMsg(family.af(), 0, 0, 0, 0, 0, 0, 0, 0).encode());
    }

    /** RTM_GETROUTE for a single destination: the kernel answers with the route it would use. */
    public static NlMsgBuilder encodeGet(IpAddress destination) {
        int af = Family.of(destination).af();
        int bits = destination.bits();
        return new NlMsgBuilder(RTM_GETROUTE, NLM_F_ACK)
                .raw(new RtMsg(af, bits, 0, 0, 0, 0, 0, 0, 0).encode())
                .attrAddress(RTA_DST, destination);
    }

    /** Decodes one RTM_NEWROUTE; empty for families other than IPv4/IPv6. */
    public static Optional<Route> decode(NlMessage m) {
        if (!m.fits(RtMsg.SIZE)) {
            return Optional.empty();
        }
        RtMsg rtm = RtMsg.parse(m.payload());
        Family family;
        if (rtm.family() == AF_INET) {
            family = Family.INET;
        } else if (rtm.family() == AF_INET6) {
            family = Family.INET6;
        } else {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(RtMsg.SIZE);
        Optional<IpPrefix> dst = a.address(RTA_DST).map(ip -> new IpPrefix(ip, rtm.dstLen()));
        return Optional.of(new Route(family, dst, a.address(RTA_GATEWAY), a.u32(RTA_OIF).orElse(0),
                a.address(RTA_PREFSRC), a.u32(RTA_TABLE).orElse(rtm.table()), rtm.protocol(), rtm.scope(), rtm.type()));
    }
}
