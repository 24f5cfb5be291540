package io.javaoverlay.netlink.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NlMsgBuilderTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void headerCarriesLengthTypeFlagsSeqPidInHostOrder() {
        byte[] m = new NlMsgBuilder(Rtnl.RTM_GETLINK, Rtnl.NLM_F_DUMP).build(0x01020304, 7);
        assertArrayEquals(hex("10000000 1200 0103 04030201 07000000"), m);
    }

    @Test
    void attributesArePaddedToFourBytesAndLengthExcludesPadding() {
        byte[] m = new NlMsgBuilder(Rtnl.RTM_NEWLINK, 0).attrU8(7, 1).attrString(3, "ab").build(1, 0);
        // 16 header; u8 attr: len 5 + 3 pad; string "ab\0": len 7 + 1 pad
        assertEquals(32, m.length);
        assertArrayEquals(hex("0500 0700 01 000000 0700 0300 616200 00"), java.util.Arrays.copyOfRange(m, 16, 32));
    }

    @Test
    void nestedLengthIsBackPatchedOverAlignedChildren() {
        NlMsgBuilder b = new NlMsgBuilder(Rtnl.RTM_NEWLINK, 0);
        int outer = b.beginNest(Rtnl.IFLA_LINKINFO);
        b.attrStringNoNul(Rtnl.IFLA_INFO_KIND, "vxlan");
        int inner = b.beginNest(Rtnl.IFLA_INFO_DATA);
        b.attrU32(Rtnl.IFLA_VXLAN_ID, 4242);
        b.endNest(inner).endNest(outer);
        byte[] m = b.build(1, 0);
        assertArrayEquals(hex("1c00 1200 0900 0100 76786c616e 000000 0c00 0200 0800 0100 92100000"),
                java.util.Arrays.copyOfRange(m, 16, m.length));
    }

    @Test
    void emptyNestCanBeDropped() {
        NlMsgBuilder b = new NlMsgBuilder(Rtnl.RTM_NEWLINK, 0);
        b.endNestOrDrop(b.beginNest(Rtnl.IFLA_INFO_DATA));
        assertEquals(16, b.build(1, 0).length);
    }

    @Test
    void be16IsNetworkOrderWhileU16IsHostOrder() {
        byte[] m = new NlMsgBuilder(Rtnl.RTM_NEWLINK, 0).attrBe16(Rtnl.IFLA_VXLAN_PORT, 4789).attrU16(1, 4789).build(1, 0);
        assertArrayEquals(hex("0600 0f00 12b5 0000 0600 0100 b512 0000"), java.util.Arrays.copyOfRange(m, 16, m.length));
        NlAttrs a = NlAttrs.parse(ByteBuffer.wrap(m, 16, m.length - 16));
        assertEquals(4789, a.be16(Rtnl.IFLA_VXLAN_PORT).orElseThrow());
        assertEquals(4789, a.u16(1).orElseThrow());
    }

    @Test
    void growsPastInitialCapacity() {
        NlMsgBuilder b = new NlMsgBuilder(Rtnl.RTM_NEWLINK, 0);
        for (int i = 0; i < 200; i++) {
            b.attrU32(1, i);
        }
        byte[] m = b.build(1, 0);
        assertEquals(16 + 200 * 8, m.length);
        assertEquals(16 + 200 * 8, ByteBuffer.wrap(m).order(java.nio.ByteOrder.nativeOrder()).getInt(0));
    }

    @Test
    void parserMasksNestedFlagAndStopsAtTruncatedAttribute() {
        // type 0x8012 (NLA_F_NESTED | IFLA_LINKINFO) then an attribute claiming 40 bytes in 8
        NlAttrs a = NlAttrs.parse(ByteBuffer.wrap(hex("0800 1280 01020304 2800 0300 00000000")));
        assertTrue(a.has(Rtnl.IFLA_LINKINFO));
        assertFalse(a.has(Rtnl.IFLA_IFNAME));
    }

    @Test
    void requestFlagIsAlwaysSet() {
        assertEquals(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, new NlMsgBuilder(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK).flags());
    }
}
