package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.types.MacAddress;

import java.util.Optional;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

/**
 * RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH for ARP/ND entries (AF_INET, AF_INET6) and for the
 * bridge FDB (AF_BRIDGE; on a VXLAN device NDA_DST is the remote VTEP). The verbs differ only in
 * header flags, which the caller passes.
 */
public final class NeighCodec {
    private NeighCodec() {}

    /** An ARP/ND entry: ndmsg{AF_INET|AF_INET6, ifindex, state, flags}; NDA_DST; NDA_LLADDR. */
    public static NlMsgBuilder encodeNeighbor(int type, int flags, Neighbor n) {
        int af = n.ip().v4() ? AF_INET : AF_INET6;
        NlMsgBuilder b = new NlMsgBuilder(type, flags).raw(new NdMsg(af, n.linkIndex(), n.state(), n.flags(), 0).encode())
                .attrAddress(NDA_DST, n.ip());
        if (n.mac() != null) {
            b.attr(NDA_LLADDR, n.mac().bytes());
        }
        return b;
    }

    /**
     * An FDB entry: ndmsg{AF_BRIDGE, ifindex, state, flags}; NDA_LLADDR; [NDA_DST (VTEP, 4 or 16 bytes)];
     * [NDA_VLAN u16]; [NDA_VNI]; [NDA_MASTER].
     */
    public static NlMsgBuilder encodeFdb(int type, int flags, FdbEntry e) {
        NlMsgBuilder b = new NlMsgBuilder(type, flags).raw(new NdMsg(AF_BRIDGE, e.linkIndex(), e.state(), e.flags(), 0)
                .encode()).attr(NDA_LLADDR, e.mac().bytes());
        e.destination().ifPresent(ip -> b.attrAddress(NDA_DST, ip));
        if (e.vlan() > 0) {
            b.attrU16(NDA_VLAN, e.vlan());
        }
        if (e.vni() > 0) {
            b.attrU32(NDA_VNI, e.vni());
        }
        if (e.masterIndex() > 0) {
            b.attrU32(NDA_MASTER, e.masterIndex());
        }
        return b;
    }

    /**
     * RTM_DELNEIGH for an FDB entry, shaped like {@code bridge fdb del MAC dev DEV [dst IP] [vlan V] self|master}:
     * <ul>
     *   <li>state is NUD_NOARP|NUD_PERMANENT whatever the entry's (bridge(8) sends that; neither the
     *       bridge nor vxlan looks at the state of a delete), so an entry read back from a dump can be
     *       passed as it is;</li>
     *   <li>an entry the bridge reported (no NTF_* flag, NDA_MASTER set) is deleted with NTF_MASTER;</li>
     *   <li>NDA_DST is kept: on a VXLAN device it picks which of several same-MAC entries (the
     *       flood list) goes; NDA_MASTER is dropped, the kernel finds the bridge from the port.</li>
     * </ul>
     */
    public static NlMsgBuilder encodeFdbDelete(FdbEntry e) {
        int flags = e.flags() & (FdbEntry.NTF_SELF | FdbEntry.NTF_MASTER);
        if (flags == 0 && e.isMaster()) {
            flags = FdbEntry.NTF_MASTER;
        }
        FdbEntry del = new FdbEntry(e.linkIndex(), e.mac(), e.destination(), Neighbor.NUD_NOARP | Neighbor.NUD_PERMANENT,
                flags, e.vni(), 0, e.vlan());
        return encodeFdb(RTM_DELNEIGH, NLM_F_ACK, del);
    }

    /** RTM_GETNEIGH dump: AF_INET/AF_INET6/AF_UNSPEC for neighbours, AF_BRIDGE for the FDB. */
    public static NlMsgBuilder encodeDump(int af) {
        return new NlMsgBuilder(RTM_GETNEIGH, NLM_F_DUMP).raw(new NdMsg(af, 0, 0, 0, 0).encode());
    }

    /**
     * RTM_GETNEIGH AF_BRIDGE dump of one device's FDB. Like {@code bridge fdb show dev DEV} this
     * sends a 16-byte {@code ifinfomsg} rather than an ndmsg: the kernel's legacy parser
     * ({@code valid_fdb_dump_legacy}) reads {@code ifi_index} as the port filter only then, and
     * ignores the index of a 12-byte ndmsg. Callers still filter, for kernels that do not.
     */
    public static NlMsgBuilder encodeFdbDump(int linkIndex) {
        return new NlMsgBuilder(RTM_GETNEIGH, NLM_F_DUMP).raw(new IfInfoMsg(AF_BRIDGE, 0, linkIndex, 0, 0).encode());
    }

    /**
     * RTM_GETNEIGH AF_BRIDGE dump of one bridge's FDB ({@code bridge fdb show br BR}): ifinfomsg{AF_BRIDGE};
     * IFLA_MASTER = bridge. bridge(8) sends ndmsg + NDA_MASTER instead, which only a socket with
     * NETLINK_GET_STRICT_CHK gets parsed; without it the kernel's legacy parser skips a request
     * of exactly ndmsg + one u32 attribute and dumps every device. Ours is the legacy form the
     * kernel filters on (valid_fdb_dump_legacy reads IFLA_MASTER after a 16-byte ifinfomsg).
     */
    public static NlMsgBuilder encodeFdbDumpBridge(int bridgeIndex) {
        return new NlMsgBuilder(RTM_GETNEIGH, NLM_F_DUMP).raw(new IfInfoMsg(AF_BRIDGE, 0, 0, 0, 0).encode())
                .attrU32(IFLA_MASTER, bridgeIndex);
    }

    public static NlMsgBuilder encodeDump(Family family) {
        return encodeDump(family.af());
    }

    /**
     * RTM_GETNEIGH dump of one device's ARP/ND entries, filtered by the kernel as for
     * {@code ip neigh show dev DEV}: ndmsg (index 0) + NDA_IFINDEX, which {@code neigh_valid_dump_req}
     * reads with and without strict checking. {@code linkIndex} 0 dumps every device.
     */
    public static NlMsgBuilder encodeDump(Family family, int linkIndex) {
        NlMsgBuilder b = encodeDump(family.af());
        return linkIndex > 0 ? b.attrU32(NDA_IFINDEX, linkIndex) : b;
    }

    /** Decodes an ARP/ND entry; empty for AF_BRIDGE or entries without a destination. */
    public static Optional<Neighbor> decodeNeighbor(NlMessage m) {
        if (!m.fits(NdMsg.SIZE)) {
            return Optional.empty();
        }
        NdMsg nd = NdMsg.parse(m.payload());
        if (nd.family() != AF_INET && nd.family() != AF_INET6) {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(NdMsg.SIZE);
        byte[] ll = a.bytes(NDA_LLADDR);
        // Incomplete entries have no lladdr; tunnels can have 4-byte ones, which are not MACs.
        MacAddress mac = ll != null && ll.length == 6 ? MacAddress.of(ll) : null;
        return a.address(NDA_DST).map(ip -> new Neighbor(nd.ifindex(), ip, mac, nd.state(), nd.flags()));
    }

    /** Decodes an AF_BRIDGE entry; empty for other families. */
    public static Optional<FdbEntry> decodeFdb(NlMessage m) {
        if (!m.fits(NdMsg.SIZE)) {
            return Optional.empty();
        }
        NdMsg nd = NdMsg.parse(m.payload());
        if (nd.family() != AF_BRIDGE) {
            return Optional.empty();
        }
        NlAttrs a = m.attrs(NdMsg.SIZE);
        byte[] ll = a.bytes(NDA_LLADDR);
        if (ll == null || ll.length != 6) {
            return Optional.empty();
        }
        return Optional.of(new FdbEntry(nd.ifindex(), MacAddress.of(ll), a.address(NDA_DST), nd.state(), nd.flags(),
                a.u32(NDA_VNI).orElse(0), a.u32(NDA_MASTER).orElse(0), a.u16(NDA_VLAN).orElse(0)));
    }
}
