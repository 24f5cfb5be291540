package io.javaoverlay.vxlan.reconcile;

import static io.javaoverlay.vxlan.reconcile.PlannerTest.ALIAS;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.BR;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.IP6_B;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.IP_B;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.IP_C;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.LOCAL;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.MAC_B;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.MAC_C;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.NID;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.REMOTE;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.VNI;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.VTEP;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.VX;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.WANT_VX;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.bridge;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.bridgeEntry;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.fdb;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.ip;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.neigh;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.port;
import static io.javaoverlay.vxlan.reconcile.PlannerTest.vxlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.reconcile.Action.BridgeFdbReplace;
import io.javaoverlay.vxlan.reconcile.Action.CreateBridge;
import io.javaoverlay.vxlan.reconcile.Action.FdbDelete;
import io.javaoverlay.vxlan.reconcile.Action.FdbReplace;
import io.javaoverlay.vxlan.reconcile.Action.FloodAppend;
import io.javaoverlay.vxlan.reconcile.Action.NeighDelete;
import io.javaoverlay.vxlan.reconcile.Action.NeighReplace;
import io.javaoverlay.vxlan.reconcile.Action.SetLearning;
import io.javaoverlay.vxlan.reconcile.Action.SetMaster;
import io.javaoverlay.vxlan.reconcile.Action.SetUnicastFlood;
import io.javaoverlay.vxlan.reconcile.Action.SetUp;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.Peer;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Head-end replication ({@code -o javaoverlay.bum=replicate}) in the planner: one all-zero-MAC
 * entry per peer VTEP, kept in step with the peers, never taken for a stale peer entry, removed
 * when replication is off; unicast flooding off at the vxlan port.
 */
class BumPlannerTest {
    static final IpAddress REMOTE2 = ip("198.18.0.3");
    static final MacAddress ZERO = MacAddress.ZERO;

    static DesiredNetwork desired(boolean replicate, Peer... peers) {
        return new DesiredNetwork(NID, VNI, 1350, VTEP, 4789, 2, List.of(peers), 3, replicate);
    }

    static final Peer B = new Peer("epB", MAC_B, REMOTE, List.of(IP_B, IP6_B));
    static final Peer C = new Peer("epC", MAC_C, REMOTE2, List.of(IP_C));

    /** B converged, with the given extra FDB entries and unicast-flood reading. */
    static ActualNetwork actual(List<FdbEntry> extra, Optional<Boolean> unicastFlood) {
        List<FdbEntry> fdb = new java.util.ArrayList<>(List.of(fdb(MAC_B, REMOTE), bridgeEntry(MAC_B, false), LOCAL));
        fdb.addAll(extra);
        return new ActualNetwork(List.of(bridge(), vxlan(a -> a, false), port(a -> a)), fdb,
                List.of(neigh(IP_B, MAC_B), neigh(IP6_B, MAC_B)), Optional.of(false), unicastFlood);
    }

    static FdbEntry flood(IpAddress dst) {
        return FdbEntry.flood(101, dst);
    }

    @Test
    void aNewNetworkGetsTheReplicationListAfterThePeersEntriesAndUnicastFloodingOffLast() {
        ActualNetwork onlyPort = new ActualNetwork(List.of(port(a -> a.withMaster(0))), List.of(), List.of());
        assertEquals(List.of(new CreateBridge(BR, 1350, ALIAS), WANT_VX, new SetMaster(VX, BR),
                        new SetMaster("jo-h-epA", BR), new SetUp(BR), new SetUp(VX), new SetLearning(VX, false),
                        new FdbReplace(VX, MAC_B, REMOTE), new BridgeFdbReplace(VX, MAC_B), new FloodAppend(VX, REMOTE),
                        new NeighReplace(VX, IP_B, MAC_B), new NeighReplace(VX, IP6_B, MAC_B),
                        new SetUnicastFlood(VX, false)),
                Planner.plan(NID, Optional.of(desired(true, B)), onlyPort));
    }

    @Test
    void convergedReplicationPlansNothing() {
        assertEquals(List.of(), Planner.plan(NID, Optional.of(desired(true, B)),
                actual(List.of(flood(REMOTE)), Optional.of(false))));
        assertEquals(List.of(), Planner.plan(NID, Optional.of(desired(true, B)),
                actual(List.of(flood(REMOTE)), Optional.empty())), "flood switch not read in this pass: left alone");
    }

    @Test
    void aReplicationEntryIsNeverTakenForAStalePeerEntry() {
        // Before replication existed, every self entry whose MAC no peer has was deleted: the zero MAC too.
        List<Action> plan = Planner.plan(NID, Optional.of(desired(true, B)),
                actual(List.of(flood(REMOTE)), Optional.of(false)));
        assertTrue(plan.stream().noneMatch(a -> a instanceof FdbDelete), plan::toString);
    }

    @Test
    void aNewHostIsAppendedOnceHoweverManyEndpointsItHas() {
        Peer c2 = new Peer("epC2", MacAddress.parse("02:42:0a:14:00:05"), REMOTE2, List.of(ip("10.20.0.5")));
        List<Action> plan = Planner.plan(NID, Optional.of(desired(true, B, C, c2)),
                actual(List.of(flood(REMOTE)), Optional.of(false)));
        assertEquals(1, plan.stream().filter(a -> a instanceof FloodAppend).count(), plan::toString);
        assertTrue(plan.contains(new FloodAppend(VX, REMOTE2)), plan::toString);
    }

    @Test
    void aHostWithoutEndpointsLeftLeavesTheListLast() {
        List<Action> plan = Planner.plan(NID, Optional.of(desired(true, B)),
                actual(List.of(fdb(MAC_C, REMOTE2), flood(REMOTE), flood(REMOTE2)), Optional.of(false)));
        assertEquals(new FdbDelete(VX, MAC_C, Optional.of(REMOTE2)), plan.get(0), plan::toString);
        assertEquals(new FdbDelete(VX, ZERO, Optional.of(REMOTE2)), plan.get(plan.size() - 1), plan::toString);
        assertEquals(2, plan.size(), plan::toString);
    }

    @Test
    void withoutTheOptionReplicationEntriesGoAndUnicastFloodingIsLeftAlone() {
        assertEquals(List.of(new FdbDelete(VX, ZERO, Optional.of(REMOTE))), Planner.plan(NID,
                Optional.of(desired(false, B)), actual(List.of(flood(REMOTE)), Optional.of(true))));
    }

    @Test
    void unicastFloodingOnIsTurnedOff() {
        assertEquals(List.of(new SetUnicastFlood(VX, false)), Planner.plan(NID, Optional.of(desired(true, B)),
                actual(List.of(flood(REMOTE)), Optional.of(true))));
    }

    @Test
    void aWithdrawnPeerLeavesWithItsEntries() {
        // derive drops a withdrawn host's endpoints; the planner then removes its entries, replication last.
        List<Action> plan = Planner.plan(NID, Optional.of(desired(true)),
                actual(List.of(flood(REMOTE)), Optional.of(false)));
        assertEquals(new FdbDelete(VX, ZERO, Optional.of(REMOTE)), plan.get(plan.size() - 1), plan::toString);
        assertTrue(plan.contains(new NeighDelete(VX, IP_B, MAC_B)), plan::toString);
    }

    @Test
    void floodVtepsAreDistinctSortedAndOfOurFamilyOnly() {
        Peer v6 = new Peer("epD", MacAddress.parse("02:42:0a:14:00:06"), ip("fd00:198:18::13"), List.of());
        assertEquals(List.of(REMOTE, REMOTE2), desired(true, C, B, v6).floodVteps());
        assertEquals(List.of(), desired(false, C, B).floodVteps());
    }

    @Test
    void deriveReadsTheOptionFromTheNetworkRecord() {
        EndpointRecord b = new EndpointRecord(NID, "epB", "host-b", REMOTE, MAC_B,
                io.javaoverlay.types.IpPrefix.parse("10.20.0.3/24"), null);
        for (Map.Entry<Map<String, String>, Boolean> c : Map.of(Map.<String, String>of(), false,
                Map.of(NetworkOptions.BUM, "off"), false, Map.of(NetworkOptions.BUM, "replicate"), true).entrySet()) {
            NetworkRecord net = NetworkRecord.builder(NID).options(c.getKey()).build().withVni(VNI);
            DesiredNetwork d = DesiredNetwork.derive(Optional.of(net), List.of(b), "host-a", VTEP, 4789, 2, 1350, Set.of())
                    .orElseThrow();
            assertEquals(c.getValue(), d.replicateBum(), c.getKey().toString());
        }
    }

    @Test
    void theOptionAcceptsOffAndReplicateAndNamesBothWhenRefusing() {
        assertEquals(NetworkOptions.Bum.OFF, NetworkOptions.parse("n", Map.of()).bum());
        assertEquals(NetworkOptions.Bum.OFF, NetworkOptions.parse("n", Map.of(NetworkOptions.BUM, "off")).bum());
        assertEquals(NetworkOptions.Bum.REPLICATE,
                NetworkOptions.parse("n", Map.of(NetworkOptions.BUM, "replicate")).bum());
        OverlayException e = assertThrows(OverlayException.class,
                () -> NetworkOptions.parse("n", Map.of(NetworkOptions.BUM, "flood")));
        assertEquals(OverlayException.Kind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().startsWith("network n: option javaoverlay.bum='flood' is not one of [off, replicate]"),
                e.getMessage());
    }

    @Test
    void driftCountsTheReplicationList() {
        ActualNetwork converged = actual(List.of(flood(REMOTE)), Optional.of(false));
        DriftCheck.Drift ok = DriftCheck.count(NID, Optional.of(desired(true, B)), converged,
                Planner.plan(NID, Optional.of(desired(true, B)), converged));
        assertEquals(0, ok.tableDrift());
        assertEquals(ok.desiredFdb(), ok.actualFdb());
        ActualNetwork missing = actual(List.of(), Optional.of(false));
        DriftCheck.Drift d = DriftCheck.count(NID, Optional.of(desired(true, B)), missing,
                Planner.plan(NID, Optional.of(desired(true, B)), missing));
        assertEquals(1, d.missingFdb());
    }
}
