package io.javaoverlay.netlink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.EthtoolFeatures;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.internal.wire.FakeTransport;
import io.javaoverlay.netlink.internal.wire.Fixtures;
import io.javaoverlay.netlink.internal.wire.NetlinkSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generic netlink handle resolves the ethtool family and the feature names once, then asks for features. */
class GenlClientTest {
    private final FakeTransport fake = new FakeTransport();
    private final GenlClient handle = new GenlClient(new NetlinkSocket(fake, 1), null);

    private void replay(String fixture) {
        Fixtures.datagrams(fixture).forEach(fake::enqueue);
    }

    @Test
    void firstCallResolvesFamilyAndNamesThenOnlyFeaturesAreAsked() throws Exception {
        replay("genl-newfamily-ethtool.hex");
        replay("ethtool-strset-features-reply.hex");
        replay("ethtool-features-get-reply.hex");
        EthtoolFeatures f = handle.featuresGet("jo-et0");
        assertFalse(f.isActive("rx-gro"));
        assertTrue(f.isActive("highdma"));
        assertEquals(3, fake.sent.size());
        assertEquals(16, FakeTransport.typeOf(fake.sent.get(0)), "GENL_ID_CTRL");
        int ethtool = FakeTransport.typeOf(Fixtures.one("ethtool-features-get.hex"));
        assertEquals(ethtool, FakeTransport.typeOf(fake.sent.get(1)));
        assertEquals(ethtool, FakeTransport.typeOf(fake.sent.get(2)));

        replay("ethtool-features-get-after-set-reply.hex");
        assertTrue(handle.featuresGet("jo-et0").isActive("rx-gro"));
        assertEquals(4, fake.sent.size(), "family id and names are kept");
    }

    @Test
    void setRefusesUnknownNamesBeforeSendingAndReadsBackAfter() throws Exception {
        replay("genl-newfamily-ethtool.hex");
        replay("ethtool-strset-features-reply.hex");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> handle.featuresSet("jo-et0", Map.of("gro", true)));
        assertTrue(e.getMessage().contains("[gro]") && e.getMessage().contains("rx-gro"), e.getMessage());
        assertEquals(2, fake.sent.size(), "only the look-ups went out");

        fake.enqueue(FakeTransport.error(0, 0)); // the ACK of FEATURES_SET (its reply message is ignored)
        replay("ethtool-features-get-after-set-reply.hex");
        EthtoolFeatures after = handle.featuresSet("jo-et0", Map.of("rx-udp-gro-forwarding", true));
        assertTrue(after.isActive("rx-udp-gro-forwarding"));
        assertEquals(4, fake.sent.size());
    }

    @Test
    void anUnknownFamilyIsNotFound() {
        fake.enqueue(FakeTransport.error(-2, 0)); // ENOENT, as nlctrl answers
        assertThrows(NotFoundException.class, () -> handle.familyByName("no-such"));
        assertThrows(IllegalArgumentException.class, () -> handle.familyByName("a-name-of-16-byte"));
        assertEquals(1, fake.sent.size());
    }
}
