package io.javaoverlay.netlink.internal.wire;

/**
 * Generic netlink and ethtool-netlink constants, spelled as in {@code linux/netlink.h},
 * {@code linux/genetlink.h}, {@code linux/ethtool_netlink.h} and {@code linux/ethtool.h}. Values were
 * printed by gcc from linux-libc-dev 6.1 headers.
 */
public final class Genl {
    private Genl() {}

    public static final int NETLINK_GENERIC = 16;
    /** {@code struct genlmsghdr}: u8 cmd, u8 version, u16 reserved. */
    public static final int GENL_HDRLEN = 4;
    /** Longest family name with its NUL. */
    public static final int GENL_NAMSIZ = 16;

    // ---- nlctrl (the controller family, fixed id) ------------------------------------------
    public static final int GENL_ID_CTRL = 16;
    public static final int CTRL_CMD_NEWFAMILY = 1;
    public static final int CTRL_CMD_GETFAMILY = 3;
    /** The controller's own version, as genl(8) and ethtool send it. */
    public static final int CTRL_VERSION = 1;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    public static final int CTRL_ATTR_VERSION = 3;
    public static final int CTRL_ATTR_HDRSIZE = 4;
    public static final int CTRL_ATTR_MAXATTR = 5;
    public static final int CTRL_ATTR_MCAST_GROUPS = 7;
    public static final int CTRL_ATTR_MCAST_GRP_NAME = 1;
    public static final int CTRL_ATTR_MCAST_GRP_ID = 2;

    // ---- ethtool (family "ethtool", id allocated at boot) ----------------------------------
    public static final String ETHTOOL_GENL_NAME = "ethtool";
    public static final int ETHTOOL_GENL_VERSION = 1;
    public static final int ETHTOOL_MSG_STRSET_GET = 1;
    public static final int ETHTOOL_MSG_FEATURES_GET = 11;
    public static final int ETHTOOL_MSG_FEATURES_SET = 12;
    /** Kernel-to-user message ids are a separate enum; these two happen to equal the requests'. */
    public static final int ETHTOOL_MSG_STRSET_GET_REPLY = 1;
    public static final int ETHTOOL_MSG_FEATURES_GET_REPLY = 11;

    public static final int ETHTOOL_A_HEADER_DEV_INDEX = 1;
    public static final int ETHTOOL_A_HEADER_DEV_NAME = 2;
    public static final int ETHTOOL_A_HEADER_FLAGS = 3;
    /** Replies carry bitsets as u32 arrays (names come from the string set) instead of one nest per bit. */
    public static final int ETHTOOL_FLAG_COMPACT_BITSETS = 1;

    public static final int ETHTOOL_A_STRSET_HEADER = 1;
    public static final int ETHTOOL_A_STRSET_STRINGSETS = 2;
    public static final int ETHTOOL_A_STRINGSETS_STRINGSET = 1;
    public static final int ETHTOOL_A_STRINGSET_ID = 1;
    public static final int ETHTOOL_A_STRINGSET_COUNT = 2;
    public static final int ETHTOOL_A_STRINGSET_STRINGS = 3;
    public static final int ETHTOOL_A_STRINGS_STRING = 1;
    public static final int ETHTOOL_A_STRING_INDEX = 1;
    public static final int ETHTOOL_A_STRING_VALUE = 2;
    /** enum ethtool_stringset: the netdev feature names, indexed by feature bit. */
    public static final int ETH_SS_FEATURES = 4;

    public static final int ETHTOOL_A_FEATURES_HEADER = 1;
    public static final int ETHTOOL_A_FEATURES_HW = 2;
    public static final int ETHTOOL_A_FEATURES_WANTED = 3;
    public static final int ETHTOOL_A_FEATURES_ACTIVE = 4;
    public static final int ETHTOOL_A_FEATURES_NOCHANGE = 5;

    public static final int ETHTOOL_A_BITSET_NOMASK = 1;
    public static final int ETHTOOL_A_BITSET_SIZE = 2;
    public static final int ETHTOOL_A_BITSET_BITS = 3;
    public static final int ETHTOOL_A_BITSET_VALUE = 4;
    public static final int ETHTOOL_A_BITSET_MASK = 5;
    public static final int ETHTOOL_A_BITSET_BITS_BIT = 1;
    public static final int ETHTOOL_A_BITSET_BIT_INDEX = 1;
    public static final int ETHTOOL_A_BITSET_BIT_NAME = 2;
    public static final int ETHTOOL_A_BITSET_BIT_VALUE = 3;

    /** The ethtool command names, for operation strings. */
    public static String ethtoolCmdName(int cmd) {
        return cmd == ETHTOOL_MSG_STRSET_GET ? "ETHTOOL_MSG_STRSET_GET" : cmd == ETHTOOL_MSG_FEATURES_GET
                ? "ETHTOOL_MSG_FEATURES_GET" : cmd == ETHTOOL_MSG_FEATURES_SET ? "ETHTOOL_MSG_FEATURES_SET"
                : "ETHTOOL_MSG_" + cmd;
    }
}
