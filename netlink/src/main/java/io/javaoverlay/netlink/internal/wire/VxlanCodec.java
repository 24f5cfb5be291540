package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import java.util.Optional;

/**
 * {@code IFLA_INFO_KIND "vxlan"} (linux/if_link.h {@code IFLA_VXLAN_*}). Booleans are u8; the UDP
 * port is {@code __be16}; the local address is IFLA_VXLAN_LOCAL (4 bytes) or IFLA_VXLAN_LOCAL6.
 */
final class VxlanCodec implements LinkKindCodec<Vxlan> {
    @Override
    public String kind() {
        return "vxlan";
    }

    @Override
    public Class<Vxlan> type() {
        return Vxlan.class;
    }

    @Override
    public void encodeInfoData(Vxlan v, NlMsgBuilder b) {
        b.attrU32(IFLA_VXLAN_ID, v.vni());
        v.local().ifPresent(ip -> b.attrAddress(ip.v4() ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, ip));
        if (v.underlayIndex() > 0) {
            b.attrU32(IFLA_VXLAN_LINK, v.underlayIndex());
        }
        if (v.ttl() > 0) {
            b.attrU8(IFLA_VXLAN_TTL, v.ttl());
        }
        b.attrU8(IFLA_VXLAN_LEARNING, v.learning() ? 1 : 0);
        b.attrU8(IFLA_VXLAN_PROXY, v.proxy() ? 1 : 0);
        b.attrU8(IFLA_VXLAN_L2MISS, v.l2miss() ? 1 : 0);
        b.attrU8(IFLA_VXLAN_L3MISS, v.l3miss() ? 1 : 0);
        // IFLA_VXLAN_PORT is __be16 in linux/if_link.h; without it the kernel would use 8472.
        b.attrBe16(IFLA_VXLAN_PORT, v.port());
    }

    @Override
    public Vxlan decode(LinkAttrs common, NlAttrs a, NlAttrs d) {
        Optional<IpAddress> local = d.address(IFLA_VXLAN_LOCAL);
        if (local.isEmpty()) {
            local = d.address(IFLA_VXLAN_LOCAL6);
        }
        return Vxlan.builder(common, d.u32(IFLA_VXLAN_ID).orElse(0))
                .local(local)
                .port(d.be16(IFLA_VXLAN_PORT).orElse(Vxlan.DEFAULT_PORT))
                .learning(d.u8(IFLA_VXLAN_LEARNING).orElse(1) != 0)
                .proxy(d.u8(IFLA_VXLAN_PROXY).orElse(0) != 0)
                .l2miss(d.u8(IFLA_VXLAN_L2MISS).orElse(0) != 0)
                .l3miss(d.u8(IFLA_VXLAN_L3MISS).orElse(0) != 0)
                .ttl(d.u8(IFLA_VXLAN_TTL).orElse(0))
                .underlayIndex(d.u32(IFLA_VXLAN_LINK).orElse(0))
                .build();
    }
}
