package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;

import java.util.Optional;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

/**
 * {@code IFLA_INFO_KIND "vxlan"} (linux/if_link.h {@code IFLA_VXLAN_*}). Booleans are u8; the UDP
 * port is {@code __be16}; the local address is IFLA_VXLAN_LOCAL (4 bytes) or IFLA_VXLAN_LOCAL6;
 * IFLA_VXLAN_TTL_INHERIT is an NLA_FLAG in requests but a u8 in replies; IFLA_VXLAN_DF is a u8
 * {@code enum ifla_vxlan_df}.
 *
 * <p>The four original switches and UDP_CSUM are always sent, so the result never depends on a
 * kernel default; the options that default to off (ttl/tos inherit, df, IPv6 zero checksums) are
 * sent only when set, as iproute2 does. Every one of them is read back: the kernel reports them all
 * in {@code vxlan_fill_info}.
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
        if (v.ttlInherit()) {
            b.attr(IFLA_VXLAN_TTL_INHERIT, new byte[0]);
        }
        if (v.tos() != 0) {
            b.attrU8(IFLA_VXLAN_TOS, v.tos());
        }
        if (v.df() != Vxlan.Df.UNSET) {
            b.attrU8(IFLA_VXLAN_DF, dfValue(v.df()));
        }
        // The kernel keeps "no checksum" as a flag (VXLAN_F_UDP_ZERO_CSUM_TX) set only when this
        // attribute is 0; sent either way so the spec, not the kernel's default, decides.
        b.attrU8(IFLA_VXLAN_UDP_CSUM, v.udpCsum() ? 1 : 0);
        if (v.udpZeroCsum6Tx()) {
            b.attrU8(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 1);
        }
        if (v.udpZeroCsum6Rx()) {
            b.attrU8(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, 1);
        }
    }

    /** VXLAN_DF_UNSET 0, VXLAN_DF_SET 1, VXLAN_DF_INHERIT 2 (linux/if_link.h). */
    static int dfValue(Vxlan.Df df) {
        return df == Vxlan.Df.SET ? 1 : df == Vxlan.Df.INHERIT ? 2 : 0;
    }

    static Vxlan.Df df(int value) {
        return value == 1 ? Vxlan.Df.SET : value == 2 ? Vxlan.Df.INHERIT : Vxlan.Df.UNSET;
    }

    @Override
    public Vxlan decode(LinkAttrs common, NlAttrs a, NlAttrs d) {
        Optional<IpAddress> local = d.address(IFLA_VXLAN_LOCAL);
        if (local.isEmpty()) {
            local = d.address(IFLA_VXLAN_LOCAL6);
        }
        // Asymmetric in the kernel: a request carries IFLA_VXLAN_TTL_INHERIT as an NLA_FLAG (no payload),
        // but vxlan_fill_info reports it as a u8 0/1, present on every device (seen on 6.18).
        boolean ttlInherit = d.u8(IFLA_VXLAN_TTL_INHERIT).map(v -> v != 0).orElse(d.has(IFLA_VXLAN_TTL_INHERIT));
        Vxlan.Builder b = Vxlan.builder(common, d.u32(IFLA_VXLAN_ID).orElse(0))
                .local(local)
                .port(d.be16(IFLA_VXLAN_PORT).orElse(Vxlan.DEFAULT_PORT))
                .learning(d.u8(IFLA_VXLAN_LEARNING).orElse(1) != 0)
                .proxy(d.u8(IFLA_VXLAN_PROXY).orElse(0) != 0)
                .l2miss(d.u8(IFLA_VXLAN_L2MISS).orElse(0) != 0)
                .l3miss(d.u8(IFLA_VXLAN_L3MISS).orElse(0) != 0)
                .underlayIndex(d.u32(IFLA_VXLAN_LINK).orElse(0))
                .tos(d.u8(IFLA_VXLAN_TOS).orElse(0))
                .df(df(d.u8(IFLA_VXLAN_DF).orElse(0)))
                .udpCsum(d.u8(IFLA_VXLAN_UDP_CSUM).orElse(1) != 0)
                .udpZeroCsum6Tx(d.u8(IFLA_VXLAN_UDP_ZERO_CSUM6_TX).orElse(0) != 0)
                .udpZeroCsum6Rx(d.u8(IFLA_VXLAN_UDP_ZERO_CSUM6_RX).orElse(0) != 0);
        // With TTL_INHERIT the kernel still reports IFLA_VXLAN_TTL (0); the model keeps ttl 0 then.
        return (ttlInherit ? b.ttlInherit() : b.ttl(d.u8(IFLA_VXLAN_TTL).orElse(0))).build();
    }
}
