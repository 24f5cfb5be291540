package io.javaoverlay.netlink.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.types.MacAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The u32 filters javaoverlay writes read back as themselves (a dump answers with the same
 * attributes), anything else at a priority reads as foreign, and the entry a dump lists for the
 * priority itself is skipped. Real kernels: {@code IngressFilterIT}.
 */
class TcCodecTest {
    static final MacAddress MAC = MacAddress.parse("02:42:c6:13:0b:01");

    private static NlMessage asReceived(NlMsgBuilder b) {
        return NlMessage.parseAll(ByteBuffer.wrap(b.build(1, 0)).order(ByteOrder.nativeOrder())).get(0);
    }

    @Test
    void eachShapeRoundTrips() {
        for (IngressFilter f : new IngressFilter[] {IngressFilter.pass(3, MAC), IngressFilter.redirect(9, MAC, 42),
            IngressFilter.redirectUnicast(65000, 7)}) {
            for (IngressTarget t : new IngressTarget[] {IngressTarget.block(0x6a000007), IngressTarget.device(12)}) {
                NlMessage m = asReceived(TcCodec.encodeFilterAdd(Rtnl.NLM_F_ACK, t, f));
                assertEquals(Optional.of(new TcCodec.Decoded(f.priority(), Optional.of(f))), TcCodec.decodeFilter(m), f + " at " + t);
            }
        }
    }

    @Test
    void otherKeysAreForeignAndThePriorityEntryIsSkipped() {
        // A selector with one key on the IPv4 destination (tc ... u32 match ip dst 198.19.11.9/32).
        ByteBuffer sel = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        sel.put((byte) 1).put((byte) 0).put((byte) 1).put((byte) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0);
        sel.put(new byte[] {-1, -1, -1, -1}).put(new byte[] {(byte) 198, 19, 11, 9}).putInt(16).putInt(0);
        NlMsgBuilder b = new NlMsgBuilder(TcCodec.RTM_NEWTFILTER, 0).raw(TcCodec.tcmsg(12, 0x80000800,
                TcCodec.CLSACT_INGRESS, 7 << 16)).attrString(TcCodec.TCA_KIND, "u32");
        int o = b.beginNest(TcCodec.TCA_OPTIONS);
        b.attr(TcCodec.TCA_U32_SEL, sel.array());
        b.endNest(o);
        assertEquals(Optional.of(new TcCodec.Decoded(7, Optional.empty())), TcCodec.decodeFilter(asReceived(b)));

        NlMsgBuilder flower = new NlMsgBuilder(TcCodec.RTM_NEWTFILTER, 0).raw(TcCodec.tcmsg(12, 1, TcCodec.CLSACT_INGRESS,
                8 << 16)).attrString(TcCodec.TCA_KIND, "flower");
        int fo = flower.beginNest(TcCodec.TCA_OPTIONS);
        flower.attrU32(1, 0);
        flower.endNest(fo);
        assertEquals(Optional.of(new TcCodec.Decoded(8, Optional.empty())), TcCodec.decodeFilter(asReceived(flower)));

        NlMsgBuilder priority = new NlMsgBuilder(TcCodec.RTM_NEWTFILTER, 0).raw(TcCodec.tcmsg(12, 0,
                TcCodec.CLSACT_INGRESS, 9 << 16)).attrString(TcCodec.TCA_KIND, "u32");
        assertEquals(Optional.empty(), TcCodec.decodeFilter(asReceived(priority)));
    }
}
