package io.javaoverlay.netlink.internal.wire;

/**
 * Kernel constants, spelled as in the uapi headers so they can be grepped against them
 * ({@code linux/netlink.h}, {@code linux/rtnetlink.h}, {@code linux/if_link.h},
 * {@code linux/if_addr.h}, {@code linux/neighbour.h}, {@code linux/veth.h}). Values were printed by
 * gcc from linux-libc-dev 6.1 headers.
 */
public final class Rtnl {
    private Rtnl() {}

    // ---- sockets (sys/socket.h, linux/netlink.h) -------------------------------------------
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_BRIDGE = 7;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int NETLINK_ROUTE = 0;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    /** RTNLGRP_LINK = 1; the legacy bind-time group mask is RTMGRP_LINK = 1 &lt;&lt; (1 - 1). */
    public static final int RTNLGRP_LINK = 1;
    public static final int RTMGRP_LINK = 1;

    // ---- nlmsghdr --------------------------------------------------------------------------
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_ECHO = 0x8;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;
    /** In an NLMSG_ERROR: the echoed request was cut to its header. */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR / NLMSG_DONE: extended-ACK TLVs follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;

    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    // ---- rtnetlink message types -----------------------------------------------------------
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    /** Used by {@code bridge link set}: AF_BRIDGE port settings go to the bridge's ndo_bridge_setlink. */
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;

    // ---- links (linux/if_link.h, linux/if.h, linux/veth.h) ---------------------------------
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOWER_UP = 0x10000;
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_LINK = 5;
    public static final int IFLA_MASTER = 10;
    /** With AF_BRIDGE: the port settings, a nest of IFLA_BRPORT_* (must carry NLA_F_NESTED; see BridgePortCodec). */
    public static final int IFLA_PROTINFO = 12;
    public static final int IFLA_TXQLEN = 13;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_NET_NS_PID = 19;
    public static final int IFLA_IFALIAS = 20;
    public static final int IFLA_NET_NS_FD = 28;
    public static final int IFLA_EXT_MASK = 29;
    public static final int IFLA_NUM_TX_QUEUES = 31;
    public static final int IFLA_NUM_RX_QUEUES = 32;
    public static final int IFLA_GSO_MAX_SIZE = 41;
    public static final int IFLA_GRO_MAX_SIZE = 58;
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    public static final int VETH_INFO_PEER = 1;
    /** RTEXT_FILTER_SKIP_STATS (linux/rtnetlink.h): leave the bulky stats out of link replies. */
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    public static final int IFLA_VXLAN_ID = 1;
    public static final int IFLA_VXLAN_LINK = 3;
    public static final int IFLA_VXLAN_LOCAL = 4;
    public static final int IFLA_VXLAN_TTL = 5;
    /** u8; 1 means inherit from the inner packet ({@code tos inherit}). */
    public static final int IFLA_VXLAN_TOS = 6;
    public static final int IFLA_VXLAN_LEARNING = 7;
    public static final int IFLA_VXLAN_PROXY = 11;
    public static final int IFLA_VXLAN_L2MISS = 13;
    public static final int IFLA_VXLAN_L3MISS = 14;
    /** Big-endian (__be16) per linux/if_link.h. */
    public static final int IFLA_VXLAN_PORT = 15;
    public static final int IFLA_VXLAN_LOCAL6 = 17;
    public static final int IFLA_VXLAN_UDP_CSUM = 18;
    public static final int IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19;
    public static final int IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20;
    /** NLA_FLAG: present = {@code ttl inherit}. */
    public static final int IFLA_VXLAN_TTL_INHERIT = 28;
    /** u8 enum ifla_vxlan_df: VXLAN_DF_UNSET 0, VXLAN_DF_SET 1, VXLAN_DF_INHERIT 2. */
    public static final int IFLA_VXLAN_DF = 29;

    // ---- bridge ports (linux/if_link.h enum IFLA_BRPORT_*, all u8 here) -------------------
    public static final int IFLA_BRPORT_STATE = 1;
    public static final int IFLA_BRPORT_LEARNING = 8;
    public static final int IFLA_BRPORT_UNICAST_FLOOD = 9;
    public static final int IFLA_BRPORT_MCAST_FLOOD = 27;
    public static final int IFLA_BRPORT_BCAST_FLOOD = 30;
    public static final int IFLA_BRPORT_NEIGH_SUPPRESS = 32;

    // ---- addresses (linux/if_addr.h) -------------------------------------------------------
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_FLAGS = 8;

    // ---- routes (linux/rtnetlink.h) --------------------------------------------------------
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PREFSRC = 7;
    public static final int RTA_TABLE = 15;
    public static final int RT_TABLE_UNSPEC = 0;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RT_SCOPE_NOWHERE = 255;
    public static final int RTM_F_LOOKUP_TABLE = 0x1000;

    // ---- neighbours (linux/neighbour.h) ----------------------------------------------------
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    /** u16 VLAN id of a bridge FDB entry (vlan-filtering bridges). */
    public static final int NDA_VLAN = 5;
    /** Big-endian (__be16) per linux/neighbour.h. */
    public static final int NDA_PORT = 6;
    public static final int NDA_VNI = 7;
    public static final int NDA_IFINDEX = 8;
    public static final int NDA_MASTER = 9;

    // ---- namespaces, files (sched.h, fcntl.h, sys/mount.h) ---------------------------------
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int O_RDONLY = 0;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_CLOEXEC = 0x80000;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;

    /** Rounds up to the 4-byte NLMSG_ALIGNTO / NLA_ALIGNTO boundary. */
    public static int align4(int n) {
        return (n + 3) & ~3;
    }

    /** The RTM_* name of a message type, for operation strings and logs. */
    public static String rtmName(int type) {
        String[] names = {"RTM_NEWLINK", "RTM_DELLINK", "RTM_GETLINK", "RTM_SETLINK", "RTM_NEWADDR",
            "RTM_DELADDR", "RTM_GETADDR", null, "RTM_NEWROUTE", "RTM_DELROUTE", "RTM_GETROUTE", null,
            "RTM_NEWNEIGH", "RTM_DELNEIGH", "RTM_GETNEIGH"};
        int i = type - RTM_NEWLINK;
        if (i >= 0 && i < names.length && names[i] != null) {
            return names[i];
        }
        String[] tc = {"RTM_NEWQDISC", "RTM_DELQDISC", "RTM_GETQDISC", null, null, null, null, null,
            "RTM_NEWTFILTER", "RTM_DELTFILTER", "RTM_GETTFILTER"};
        int j = type - 36;
        return j >= 0 && j < tc.length && tc[j] != null ? tc[j] : "NLMSG_" + type;
    }
}
