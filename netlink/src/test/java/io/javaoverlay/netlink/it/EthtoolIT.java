package io.javaoverlay.netlink.it;

import io.javaoverlay.netlink.EthtoolFeatures;
import io.javaoverlay.netlink.GenlFamily;
import io.javaoverlay.netlink.GenlHandle;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generic netlink: the ethtool family resolved like {@code genl ctrl get name ethtool}, and offload
 * features read and set, cross-checked with {@code ethtool -k} / {@code ethtool -K} (ethtool 6.x).
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class EthtoolIT {
    /** "name: on|off [fixed]" lines of {@code ethtool -k}, top-level and indented alike. */
    private static final Pattern LINE = Pattern.compile("^\\s*([a-z0-9_-]+): (on|off)( \\[fixed\\])?", Pattern.MULTILINE);

    @BeforeEach
    void needsEthtool() {
        Requirements.require(Requirements.onPath("ethtool") && Requirements.onPath("genl"),
                "ethtool and genl (iproute2) on PATH");
    }

    private record Shown(boolean on, boolean fixed) {}

    private static Map<String, Shown> ethtoolK(TestNetns t, String dev) {
        IpRoute2.Result r = t.exec("ethtool", "-k", dev);
        assertTrue(r.ok(), r.stderr());
        Map<String, Shown> out = new LinkedHashMap<>();
        Matcher m = LINE.matcher(r.stdout());
        while (m.find()) {
            out.put(m.group(1), new Shown(m.group(2).equals("on"), m.group(3) != null));
        }
        return out;
    }

    /** Every line ethtool prints under a kernel feature name agrees with ours; returns how many were compared. */
    private static int assertAgrees(Map<String, Shown> shown, EthtoolFeatures ours) {
        int compared = 0;
        for (Map.Entry<String, Shown> e : shown.entrySet()) {
            EthtoolFeatures.Feature f = ours.features().get(e.getKey());
            if (f != null) {
                assertEquals(e.getValue(), new Shown(f.active(), f.fixed()), e.getKey());
                compared++;
            }
        }
        // ethtool's legacy alias for rx-gro
        assertEquals(shown.get("generic-receive-offload").on(), ours.isActive("rx-gro"));
        return compared;
    }

    @Test
    void familyIdIsTheOneGenlReports(TestNetns t) throws Exception {
        try (GenlHandle g = Netlink.openGenlIn(t.ns())) {
            GenlFamily f = g.familyByName("ethtool");
            IpRoute2.Result r = t.exec("genl", "ctrl", "get", "name", "ethtool");
            assertTrue(r.ok(), r.stderr());
            Matcher m = Pattern.compile("ID: 0x([0-9a-f]+)\\s+Version: 0x([0-9a-f]+)").matcher(r.stdout());
            assertTrue(m.find(), r.stdout());
            assertEquals(Integer.parseInt(m.group(1), 16), f.id());
            assertEquals(Integer.parseInt(m.group(2), 16), f.version());
            assertThrows(NotFoundException.class, () -> g.familyByName("jo-nosuch"));
        }
    }

    @Test
    void featuresReadHereMatchEthtoolK(TestNetns t) throws Exception {
        t.handle().linkAdd(Veth.pair(LinkAttrs.named("jo-et0"), "jo-et1"));
        try (GenlHandle g = Netlink.openGenlIn(t.ns())) {
            int compared = assertAgrees(ethtoolK(t, "jo-et0"), g.featuresGet("jo-et0"));
            assertTrue(compared > 40, "compared " + compared + " features by kernel name");
            assertThrows(NotFoundException.class, () -> g.featuresGet("jo-none"));
        }
    }

    @Test
    void featuresSetHereShowInEthtoolKAndTheOtherWayRound(TestNetns t) throws Exception {
        t.handle().linkAdd(Veth.pair(LinkAttrs.named("jo-et0"), "jo-et1"));
        try (GenlHandle g = Netlink.openGenlIn(t.ns())) {
            Map<String, Boolean> want = new LinkedHashMap<>();
            want.put("rx-gro", true);
            want.put("rx-udp-gro-forwarding", true);
            EthtoolFeatures after = g.featuresSet("jo-et0", want);
            assertTrue(after.isActive("rx-gro") && after.isActive("rx-udp-gro-forwarding"), after.features().toString());
            Map<String, Shown> shown = ethtoolK(t, "jo-et0");
            assertEquals(new Shown(true, false), shown.get("generic-receive-offload"));
            assertEquals(new Shown(true, false), shown.get("rx-udp-gro-forwarding"));
            assertAgrees(shown, after);

            IpRoute2.Result r = t.exec("ethtool", "-K", "jo-et0", "gro", "off", "rx-udp-gro-forwarding", "off");
            assertTrue(r.ok(), r.stderr());
            EthtoolFeatures back = g.featuresGet("jo-et0");
            assertFalse(back.isActive("rx-gro"));
            assertFalse(back.isActive("rx-udp-gro-forwarding"));

            // a fixed feature: accepted, not honoured; the result says so
            EthtoolFeatures lro = g.featuresSet("jo-et0", Map.of("rx-lro", true));
            assertTrue(lro.feature("rx-lro").orElseThrow().fixed());
            assertFalse(lro.isActive("rx-lro"));
            assertThrows(IllegalArgumentException.class, () -> g.featuresSet("jo-et0", Map.of("gro", true)));
        }
    }
}
