package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counting wanted and present table entries, and what a pass would change, from the planner's own plan. */
class DriftCheckTest {
    static final MacAddress M1 = MacAddress.parse("02:42:0a:00:00:02");
    static final MacAddress M2 = MacAddress.parse("02:42:0a:00:00:03");
    static final MacAddress STALE = MacAddress.parse("02:42:0a:00:00:09");

    static final io.javaoverlay.netlink.Link PORT = new io.javaoverlay.netlink.Veth(new io.javaoverlay.netlink.LinkAttrs(
            9, "jo-h-e0", 1450, Optional.empty(), 4, true, true, Optional.of("javaoverlay:net/e0")), "", Optional.empty(), 0);

    @Test
    void countsMissingAndExtraEntries() throws Exception {
        IpAddress vtep = IpAddress.parse("198.18.0.12");
        IpAddress ip1 = IpAddress.parse("10.0.0.2");
        IpAddress ip2 = IpAddress.parse("10.0.0.3");
        DesiredNetwork d = new DesiredNetwork("net", 7, 1450, IpAddress.parse("198.18.0.11"), 4789, 2,
                List.of(new DesiredNetwork.Peer("e1", M1, vtep, List.of(ip1)), new DesiredNetwork.Peer("e2", M2, vtep, List.of(ip2))),
                3);
        // present: M1's FDB entry and a stale one, M1's static bridge entry, a learned one, neighbours for ip1
        // and a dynamic (not ours) one
        ActualNetwork actual = new ActualNetwork(List.of(PORT), List.of(
                FdbEntry.toVtep(5, M1, vtep), FdbEntry.toVtep(5, STALE, vtep),
                new FdbEntry(5, M1, Optional.empty(), Neighbor.NUD_NOARP, 0, 0, 4),
                new FdbEntry(5, STALE, Optional.empty(), Neighbor.NUD_REACHABLE, 0, 0, 4)),
                List.of(Neighbor.permanent(5, ip1, M1), new Neighbor(5, ip2, M2, Neighbor.NUD_REACHABLE, 0)));
        List<Action> plan = List.of(new Action.CreateBridge("jo-br-7", 1450, "a"), new Action.FdbReplace("jo-vx-7", M2, vtep),
                new Action.BridgeFdbReplace("jo-vx-7", M2), new Action.NeighReplace("jo-vx-7", ip2, M2),
                new Action.FdbDelete("jo-vx-7", STALE, Optional.of(vtep)), new Action.BridgeFdbDelete("jo-vx-7", STALE, true));
        DriftCheck.Drift drift = DriftCheck.count("net", Optional.of(d), actual, plan);
        assertEquals(new DriftCheck.Drift("net", 7, true, 2, 2, 2, 1, 1, 1, 1, 0, 1, Optional.empty(), 2, 1, 1, 1, 1,
                Optional.empty()), drift);
        assertEquals(5, drift.tableDrift());
    }

    @Test
    void aNetworkWithoutLocalEndpointsWantsNothing() {
        DriftCheck.Drift drift = DriftCheck.count("net", Optional.empty(), ActualNetwork.empty(), List.of());
        assertFalse(drift.local());
        assertEquals(0, drift.tableDrift());
    }

    @Test
    void aFrozenNetworkSaysSo() {
        DriftCheck.Drift drift = DriftCheck.count("net", Optional.empty(), new ActualNetwork(List.of(PORT), List.of(),
                List.of()), List.of());
        assertTrue(drift.local());
        assertTrue(drift.frozen().orElseThrow().contains("no record of network net"), drift.toString());
    }
}
