/**
 * Pure rtnetlink codecs: {@code ByteBuffer} in, model out, and back. No syscalls live here, so
 * everything is unit-tested against byte fixtures captured from iproute2.
 *
 * <h2>Message layouts (host byte order unless marked be)</h2>
 * <pre>
 * nlmsghdr   16  u32 len (unpadded, header included) | u16 type | u16 flags | u32 seq | u32 pid
 * rtattr      4  u16 len (4 + payload, unpadded) | u16 type (mask 0x3fff: NLA_F_NESTED/NET_BYTEORDER)
 *                every attribute and message starts on a 4-byte boundary; padding is not counted
 * ifinfomsg  16  u8 family | pad | u16 type | s32 index | u32 flags | u32 change
 * ifaddrmsg   8  u8 family | u8 prefixlen | u8 flags | u8 scope | u32 index
 * rtmsg      12  u8 family dst_len src_len tos table protocol scope type | u32 flags
 * ndmsg      12  u8 family | 3 pad | s32 ifindex | u16 state | u8 flags | u8 type
 * nlmsgerr       s32 error (-errno, 0 = ACK) | echoed nlmsghdr [+ its payload unless NLM_F_CAPPED]
 *                [+ TLVs when NLM_F_ACK_TLVS: NLMSGERR_ATTR_MSG = NUL-terminated text]
 * NLMSG_DONE     s32 error [+ TLVs when NLM_F_ACK_TLVS]
 * </pre>
 *
 * <h2>Requests</h2>
 * <pre>
 * RTM_NEWLINK create  REQUEST|ACK|CREATE|EXCL  ifinfomsg{}; [IFLA_TXQLEN u32]; [IFLA_GSO_MAX_SIZE u32];
 *                     [IFLA_GRO_MAX_SIZE u32]; [IFLA_NUM_TX_QUEUES u32]; [IFLA_NUM_RX_QUEUES u32] (before the
 *                     name, as iproute2 orders them); IFLA_IFNAME; [IFLA_MTU u32]; [IFLA_ADDRESS 6];
 *                     [IFLA_MASTER u32]; [IFLA_IFALIAS]; IFLA_LINKINFO{ IFLA_INFO_KIND (no NUL, as iproute2),
 *                     [IFLA_INFO_DATA{ per-kind codec }] }
 *   vxlan  INFO_DATA  IFLA_VXLAN_ID u32; LOCAL 4 | LOCAL6 16; [LINK u32]; [TTL u8]; LEARNING, PROXY,
 *                     L2MISS, L3MISS u8; IFLA_VXLAN_PORT be16; [TTL_INHERIT flag]; [TOS u8, 1 = inherit];
 *                     [DF u8]; UDP_CSUM u8; [UDP_ZERO_CSUM6_TX u8]; [UDP_ZERO_CSUM6_RX u8]
 *                     (replies: TTL_INHERIT comes back as a u8 0/1, on every device)
 *   veth   INFO_DATA  VETH_INFO_PEER{ ifinfomsg{} (a full 16 bytes); [NUM_TX/RX_QUEUES]; IFLA_IFNAME;
 *                     [IFLA_MTU]; [IFLA_NET_NS_FD u32] }
 *   bridge            no INFO_DATA
 * RTM_NEWLINK change  REQUEST|ACK  ifinfomsg{index, flags, change}; one of IFLA_MTU, IFLA_MASTER (0 =
 *                     nomaster), IFLA_IFNAME, IFLA_ADDRESS, IFLA_IFALIAS, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
 *                     IFLA_TXQLEN, IFLA_GSO_MAX_SIZE, IFLA_GRO_MAX_SIZE
 * RTM_SETLINK port    REQUEST|ACK  ifinfomsg{AF_BRIDGE, index}; IFLA_PROTINFO|NLA_F_NESTED{ IFLA_BRPORT_* u8 }
 *                     (without NLA_F_NESTED the kernel reads the first byte as the STP port state)
 * RTM_GETLINK ports   REQUEST|DUMP ifinfomsg{AF_BRIDGE}: one RTM_NEWLINK per port carrying IFLA_PROTINFO
 *                     (no single-port form: the bridge registers only a dump handler)
 * RTM_GETLINK         REQUEST|ACK ifinfomsg{index} [IFLA_IFNAME]; IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS
 * RTM_NEWADDR         ifaddrmsg{af, len, 0, 0, index}; IFA_LOCAL; IFA_ADDRESS (same bytes, like iproute2)
 * RTM_NEWROUTE        rtmsg{af, dst_len, 0, 0, table &lt; 256 ? table : 0, proto, scope, type};
 *                     [RTA_TABLE u32 when table &gt; 255]; [RTA_DST]; [RTA_GATEWAY]; [RTA_OIF]; [RTA_PREFSRC]
 * RTM_GETROUTE get    REQUEST|ACK rtmsg{af, full length}; RTA_DST
 * RTM_NEWNEIGH ARP/ND ndmsg{AF_INET|AF_INET6, ifindex, NUD_*, NTF_*}; NDA_DST; NDA_LLADDR
 * RTM_NEWNEIGH FDB    ndmsg{AF_BRIDGE, vxlan ifindex, NUD_PERMANENT[|NUD_NOARP], NTF_SELF}; NDA_LLADDR;
 *                     NDA_DST (remote VTEP, 4 or 16 bytes); [NDA_VLAN u16]; [NDA_VNI u32]; [NDA_MASTER u32]
 *                     (NDA_PORT would be be16). Bridge table: ndmsg{AF_BRIDGE, port, NUD_NOARP|NUD_REACHABLE
 *                     = static, NTF_MASTER}; NDA_LLADDR
 * RTM_DELNEIGH FDB    as bridge(8): state NUD_NOARP|NUD_PERMANENT (ignored by the kernel), NTF_SELF or
 *                     NTF_MASTER, NDA_LLADDR, [NDA_DST] (picks one VTEP of a flood list), no NDA_MASTER
 * dumps               REQUEST|DUMP with a zeroed family header (family set); results are filtered here
 * FDB dump            REQUEST|DUMP ifinfomsg{AF_BRIDGE, index = device} (16 bytes, as bridge(8) sends:
 *                     the kernel filters by port only for this size, not for a 12-byte ndmsg)
 * FDB dump of bridge  REQUEST|DUMP ifinfomsg{AF_BRIDGE}; IFLA_MASTER = bridge. bridge(8) sends ndmsg +
 *                     NDA_MASTER, which only NETLINK_GET_STRICT_CHK sockets get parsed: without strict
 *                     checking the legacy parser skips exactly that size and dumps every device
 * </pre>
 *
 * <h2>Generic netlink (NETLINK_GENERIC socket)</h2>
 * <pre>
 * genlmsghdr  4  u8 cmd | u8 version | u16 reserved; nlmsg_type = family id (nlctrl: GENL_ID_CTRL 16; others
 *                are allocated at boot, so looked up by name every time)
 * CTRL_CMD_GETFAMILY  REQUEST|ACK genl{3, 1}; CTRL_ATTR_FAMILY_NAME (&lt;= 15 bytes, else EINVAL not ENOENT)
 * ETHTOOL_MSG_STRSET_GET    genl{1, 1}; HEADER|N{}; STRINGSETS|N{ STRINGSET|N{ ID u32 = ETH_SS_FEATURES } }
 *                     reply: string i names feature bit i (empty for retired bits)
 * ETHTOOL_MSG_FEATURES_GET  genl{11, 1}; HEADER|N{ DEV_NAME; FLAGS u32 = COMPACT_BITSETS }
 *                     reply: HW, WANTED, ACTIVE, NOCHANGE as compact bitsets (SIZE, VALUE u32[], [MASK])
 * ETHTOOL_MSG_FEATURES_SET  genl{12, 1}; HEADER|N{ DEV_NAME; FLAGS }; WANTED|N{ BITS|N{ BIT|N{ NAME;
 *                     [VALUE flag] } ... } } (verbose: the listed bits are the mask)
 * </pre>
 * (|N = NLA_F_NESTED, which ethtool's strict policies require; all three match ethtool 6.1's requests.)
 *
 * <h2>Verbs are flags</h2>
 * add = CREATE|EXCL, set/replace = CREATE|REPLACE, append = CREATE|APPEND (head-end replication:
 * several all-zero-MAC FDB entries on one VXLAN device), delete = no creation flags. Tests assert
 * them on the encoded header.
 *
 * <h2>Kinds</h2>
 * {@link io.javaoverlay.netlink.internal.wire.LinkCodec} registers one
 * {@link io.javaoverlay.netlink.internal.wire.LinkKindCodec} per IFLA_INFO_KIND. A kind without a
 * codec, or a value the model rejects, decodes to {@link io.javaoverlay.netlink.GenericLink} so a
 * dump never fails because of someone else's device.
 *
 * <h2>Socket mechanics</h2>
 * {@link io.javaoverlay.netlink.internal.wire.NetlinkSocket} numbers requests, drops replies with
 * another seq, another pid or a non-kernel sender, maps NLMSG_ERROR through the single
 * {@link io.javaoverlay.netlink.internal.wire.Errors#of} function, reads dumps to NLMSG_DONE and
 * reports NLM_F_DUMP_INTR only after the dump is drained, so the socket stays in step.
 */
package io.javaoverlay.netlink.internal.wire;
