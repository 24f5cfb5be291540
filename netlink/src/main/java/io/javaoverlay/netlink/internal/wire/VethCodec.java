package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Veth;
import java.util.Optional;

/**
 * {@code IFLA_INFO_KIND "veth"} (linux/veth.h). The peer is described by {@code VETH_INFO_PEER},
 * whose payload starts with a full 16-byte {@code ifinfomsg} followed by ordinary IFLA attributes;
 * {@code IFLA_NET_NS_FD} there creates the peer directly in another namespace, and the spec's MTU
 * and the queue counts are given to both ends. The kernel reports
 * only the peer's ifindex (IFLA_LINK), never its name.
 */
final class VethCodec implements LinkKindCodec<Veth> {
    @Override
    public String kind() {
        return "veth";
    }

    @Override
    public Class<Veth> type() {
        return Veth.class;
    }

    @Override
    public void encodeInfoData(Veth v, NlMsgBuilder b) {
        int peer = b.beginNest(VETH_INFO_PEER);
        b.raw(new IfInfoMsg(AF_UNSPEC, 0, 0, 0, 0).encode());
        // Queue counts go to the peer too: they are fixed at creation, and without them the kernel
        // gives the peer its own default (on 6.18, one queue per possible CPU), not this end's count.
        LinkCodec.encodeQueueCounts(v.attrs(), b);
        b.attrString(IFLA_IFNAME, v.peerName());
        if (v.attrs().mtu() > 0) {
            // Unlike `ip link add A mtu N type veth peer name B` (B stays at 1500), both ends get
            // the MTU: a pair with mismatched MTUs drops large frames in one direction.
            b.attrU32(IFLA_MTU, v.attrs().mtu());
        }
        v.peerNamespace().ifPresent(ns -> b.attrU32(IFLA_NET_NS_FD, ns.fd()));
        b.endNest(peer);
    }

    @Override
    public Veth decode(LinkAttrs common, NlAttrs a, NlAttrs d) {
        return new Veth(common, "", Optional.empty(), a.u32(IFLA_LINK).orElse(0));
    }
}
