package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.MacAddress;
import io.javaoverlay.netlink.Neighbor;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Counting wanted and present table entries, and what a pass would change, from the planner's own plan. */
class DriftCheckTest {
    static final MacAddress M1 = MacAddress.parse("02:42:0a:00:00:02");
    static final MacAddress M2 = MacAddress.parse("02:42:0a:00:00:03");
    static final MacAddress STALE = MacAddress.parse("02:42:0a:00:00:09");

    @Test
    void countsMissingAndExtraEntries() throws Exception {
        InetAddress vtep = InetAddress.getByName("198.18.0.12");
        InetAddress ip1 = InetAddress.getByName("10.0.0.2");
        InetAddress ip2 = InetAddress.getByName("10.0.0.3");
        DesiredNetwork d = new DesiredNetwork("net", 7, 1450, InetAddress.getByName("198.18.0.11"), 4789, 2,
                List.of(new DesiredNetwork.LocalPort("e0", "jo-h-e0")),
                List.of(new DesiredNetwork.Peer("e1", M1, vtep, List.of(ip1)), new DesiredNetwork.Peer("e2", M2, vtep, List.of(ip2))));
        // present: M1's FDB entry and a stale one, neighbours for ip1 and a dynamic (not ours) one
        ActualNetwork actual = new ActualNetwork(List.of(), List.of(
                FdbEntry.toVtep(5, M1, vtep), FdbEntry.toVtep(5, STALE, vtep),
                new FdbEntry(5, M2, Optional.empty(), Neighbor.NUD_PERMANENT, FdbEntry.NTF_MASTER, 0, 0)),
                List.of(Neighbor.permanent(5, ip1, M1), new Neighbor(5, ip2, M2, Neighbor.NUD_REACHABLE, 0)));
        List<Action> plan = List.of(new Action.CreateBridge("jo-br-7", 1450, "a"), new Action.FdbReplace("jo-vx-7", M2, vtep),
                new Action.FdbDelete("jo-vx-7", STALE, Optional.of(vtep)), new Action.NeighReplace("jo-vx-7", ip2, M2));
        DriftCheck.Drift drift = DriftCheck.count("net", Optional.of(d), actual, plan);
        assertEquals(new DriftCheck.Drift("net", 7, true, 2, 2, 2, 1, 1, 1, 1, 0, 1, Optional.empty()), drift);
        assertEquals(3, drift.tableDrift());
    }

    @Test
    void aNetworkWithoutLocalEndpointsWantsNothing() {
        DriftCheck.Drift drift = DriftCheck.count("net", Optional.empty(), ActualNetwork.empty(), List.of());
        assertFalse(drift.local());
        assertEquals(0, drift.tableDrift());
    }
}
