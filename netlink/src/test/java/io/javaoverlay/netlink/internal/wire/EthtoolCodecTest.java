package io.javaoverlay.netlink.internal.wire;

import static io.javaoverlay.netlink.internal.wire.Genl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.EthtoolFeatures;
import io.javaoverlay.netlink.GenlFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Generic netlink family look-up and ethtool features against ethtool 6.1's own requests and the kernel's replies. */
class EthtoolCodecTest {
    /** The ethtool family id on the capture machine (allocated at boot): the nlmsg_type of the captured requests. */
    private static int familyOf(String fixture) {
        return FakeTransport.typeOf(Fixtures.one(fixture));
    }

    private static NlMessage reply(String fixture) {
        return NlMessage.parseAll(ByteBuffer.wrap(Fixtures.datagrams(fixture).get(0))).get(0);
    }

    static List<String> featureNames() {
        return EthtoolCodec.decodeStrsetFeatures(reply("ethtool-strset-features-reply.hex"),
                familyOf("ethtool-strset-features.hex")).orElseThrow();
    }

    /**
     * A copy with every attribute's padding zeroed, descending into nests (NLA_F_NESTED): ethtool
     * leaves the padding after odd-length strings uninitialised, so only that may differ.
     */
    static byte[] zeroPadding(byte[] msg, int fixedHeader) {
        byte[] out = msg.clone();
        zeroAttrs(ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()), 16 + fixedHeader, out.length);
        return out;
    }

    private static void zeroAttrs(ByteBuffer b, int from, int to) {
        int pos = from;
        while (pos + 4 <= to) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & 0xffff;
            if (len < 4) {
                return;
            }
            if ((type & Rtnl.NLA_F_NESTED) != 0) {
                zeroAttrs(b, pos + 4, pos + len);
            }
            for (int i = pos + len; i < Math.min(Rtnl.align4(pos + len), to); i++) {
                b.put(i, (byte) 0);
            }
            pos += Rtnl.align4(len);
        }
    }

    @Test
    void getFamilyIsByteIdenticalToEthtools() {
        byte[] theirs = Fixtures.one("genl-getfamily-ethtool.hex");
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(GenlCodec.encodeGetFamily("ethtool").build(Fixtures.seqOf(theirs), 0)));
    }

    @Test
    void decodesTheEthtoolFamily() {
        GenlFamily f = GenlCodec.decodeFamily(reply("genl-newfamily-ethtool.hex")).orElseThrow();
        assertEquals("ethtool", f.name());
        assertEquals(familyOf("ethtool-features-get.hex"), f.id());
        assertEquals(ETHTOOL_GENL_VERSION, f.version());
        assertEquals(0, f.maxAttr(), "ethtool has per-command policies, so nlctrl reports no family-wide maxattr");
        assertTrue(f.mcastGroups().containsKey("monitor"), f.mcastGroups().toString());
    }

    @Test
    void strsetRequestIsByteIdenticalAndItsReplyNamesEveryFeatureBit() {
        byte[] theirs = Fixtures.one("ethtool-strset-features.hex");
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(EthtoolCodec.encodeStrsetFeatures(familyOf("ethtool-strset-features.hex"))
                .build(Fixtures.seqOf(theirs), 0)));
        List<String> names = featureNames();
        assertEquals(64, names.size(), names.toString()); // NETDEV_FEATURE_COUNT on 6.18
        assertTrue(names.stream().allMatch(n -> n != null), "every bit has a string, empty for retired bits");
        assertEquals("", names.get(2), "bit 2 is unused and named by an empty string");
        assertEquals("tx-scatter-gather", names.get(0)); // NETIF_F_SG_BIT = 0
        assertTrue(names.contains("rx-gro") && names.contains("rx-udp-gro-forwarding"));
    }

    @Test
    void featuresGetIsByteIdenticalToEthtoolK() {
        byte[] theirs = Fixtures.one("ethtool-features-get.hex");
        assertEquals(Fixtures.hex(theirs), Fixtures.hex(EthtoolCodec.encodeFeaturesGet(familyOf("ethtool-features-get.hex"),
                "jo-et0").build(Fixtures.seqOf(theirs), 0)));
    }

    @Test
    void decodesCompactFeatureBitsetsByName() {
        int family = familyOf("ethtool-features-get.hex");
        EthtoolFeatures before = EthtoolCodec.decodeFeatures(reply("ethtool-features-get-reply.hex"), family, featureNames())
                .orElseThrow();
        assertEquals("jo-et0", before.device());
        // what ethtool -k prints for a fresh veth: generic-receive-offload: off, rx-udp-gro-forwarding: off,
        // large-receive-offload: off [fixed], highdma: on
        assertFalse(before.isActive("rx-gro"));
        assertFalse(before.feature("rx-gro").orElseThrow().fixed());
        assertFalse(before.isActive("rx-udp-gro-forwarding"));
        assertFalse(before.feature("rx-udp-gro-forwarding").orElseThrow().fixed());
        assertTrue(before.feature("rx-lro").orElseThrow().fixed());
        assertTrue(before.isActive("highdma"));
        assertEquals(Optional.empty(), before.feature("gro"), "ethtool's alias is not a kernel name");

        EthtoolFeatures after = EthtoolCodec.decodeFeatures(reply("ethtool-features-get-after-set-reply.hex"), family,
                featureNames()).orElseThrow();
        assertTrue(after.isActive("rx-gro"));
        assertTrue(after.isActive("rx-udp-gro-forwarding"));
        assertTrue(after.feature("rx-udp-gro-forwarding").orElseThrow().wanted());
    }

    @Test
    void featuresSetIsIdenticalToEthtoolKButForItsUninitialisedPadding() {
        byte[] theirs = Fixtures.one("ethtool-features-set.hex");
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        wanted.put("rx-gro", true);
        wanted.put("rx-udp-gro-forwarding", true);
        byte[] ours = EthtoolCodec.encodeFeaturesSet(familyOf("ethtool-features-set.hex"), "jo-et0", wanted)
                .build(Fixtures.seqOf(theirs), 0);
        assertEquals(Fixtures.hex(zeroPadding(theirs, GENL_HDRLEN)), Fixtures.hex(ours));
        assertEquals(Fixtures.hex(ours), Fixtures.hex(zeroPadding(ours, GENL_HDRLEN)), "we pad with zeroes");
    }

    @Test
    void unknownNamesAreFoundBeforeSending() {
        assertEquals(List.of("gro"), EthtoolCodec.unknown(Map.of("gro", true), featureNames()));
        assertEquals(List.of(), EthtoolCodec.unknown(Map.of("rx-gro", true), featureNames()));
    }
}
