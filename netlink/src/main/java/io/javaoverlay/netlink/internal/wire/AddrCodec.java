package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.util.Optional;

/** RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR: {@code ifaddrmsg} plus IFA_LOCAL / IFA_ADDRESS. */
public final class AddrCodec {
    private AddrCodec() {}

    /**
     * Add, replace or delete {@code prefix} on a link. Like iproute2 on a non point-to-point link,
     * IFA_LOCAL and IFA_ADDRESS carry the same address.
     */
    public static NlMsgBuilder encode(int type, int flags, int linkIndex, IpPrefix prefix) {
        int af = Family.of(prefix.address()).af();
        return new NlMsgBuilder(type, flags)
                .raw(new IfAddrMsg(af, prefix.prefixLength(), 0, 0, linkIndex).encode())
                .attrAddress(IFA_LOCAL, prefix.address())
                .attrAddress(IFA_ADDRESS, prefix.address());
    }

    /** RTM_GETADDR dump for one family (AF_UNSPEC = both). */
    public static NlMsgBuilder encodeDump(Family family) {
        return new NlMsgBuilder(RTM_GETADDR, NLM_F_DUMP).raw(new IfAddrMsg(family.af(), 0, 0, 0, 0).encode());
    }

    /** Decodes one RTM_NEWADDR; empty for families other than IPv4/IPv6. */
    public static Optional<Addr> decode(NlMessage m) {
        if (!m.fits(IfAddrMsg.SIZE)) {
            return Optional.empty();
        }
        IfAddrMsg ifa = IfAddrMsg.parse(m.payload());
        if (ifa.family() != AF_INET && ifa.family() != AF_INET6) {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(IfAddrMsg.SIZE);
        Optional<IpAddress> ip = a.address(IFA_LOCAL);
        if (ip.isEmpty()) {
            ip = a.address(IFA_ADDRESS);
        }
        // IFA_FLAGS (u32) supersedes the 8-bit ifa_flags when present.
        int flags = a.u32(IFA_FLAGS).orElse(ifa.flags());
        return ip.map(addr -> new Addr(ifa.index(), new IpPrefix(addr, ifa.prefixLen()), ifa.scope(), flags));
    }
}
