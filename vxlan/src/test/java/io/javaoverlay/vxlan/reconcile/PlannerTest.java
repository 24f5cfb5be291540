package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Device;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.Action.BridgeFdbDelete;
import io.javaoverlay.vxlan.reconcile.Action.BridgeFdbReplace;
import io.javaoverlay.vxlan.reconcile.Action.CreateBridge;
import io.javaoverlay.vxlan.reconcile.Action.CreateVxlan;
import io.javaoverlay.vxlan.reconcile.Action.DeleteLink;
import io.javaoverlay.vxlan.reconcile.Action.FdbDelete;
import io.javaoverlay.vxlan.reconcile.Action.FdbReplace;
import io.javaoverlay.vxlan.reconcile.Action.NeighDelete;
import io.javaoverlay.vxlan.reconcile.Action.NeighReplace;
import io.javaoverlay.vxlan.reconcile.Action.Refuse;
import io.javaoverlay.vxlan.reconcile.Action.SetAlias;
import io.javaoverlay.vxlan.reconcile.Action.SetMaster;
import io.javaoverlay.vxlan.reconcile.Action.SetLearning;
import io.javaoverlay.vxlan.reconcile.Action.SetMtu;
import io.javaoverlay.vxlan.reconcile.Action.SetUp;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.Peer;
import io.javaoverlay.vxlan.state.EndpointRecord;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table-driven tests of the pure planner: each case is (desired, actual) → exact action list, one
 * case per rule of the package design note (freeze, ports never removed by absence, devices follow
 * ports, static bridge entries, learned entries, withdrawn peers).
 */
class PlannerTest {
    static final String NID = "net1";
    static final int VNI = 7;
    static final String BR = "jo-br-7";
    static final String VX = "jo-vx-7";
    static final String ALIAS = "javaoverlay:net1";
    static final IpAddress VTEP = ip("198.18.0.1");
    static final IpAddress REMOTE = ip("198.18.0.2");
    static final MacAddress MAC_B = MacAddress.parse("02:42:0a:14:00:03");
    static final MacAddress MAC_C = MacAddress.parse("02:42:0a:14:00:04");
    static final IpAddress IP_B = ip("10.20.0.3");
    static final IpAddress IP_C = ip("10.20.0.4");
    static final IpAddress IP6_B = ip("fd00::3");

    static final DesiredNetwork DESIRED = new DesiredNetwork(NID, VNI, 1350, VTEP, 4789, 2,
            List.of(new Peer("epB", MAC_B, REMOTE, List.of(IP_B, IP6_B))), 2);

    static final CreateVxlan WANT_VX = new CreateVxlan(VX, VNI, VTEP, 4789, 2, 1350, ALIAS);

    static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    static LinkAttrs attrs(int idx, String name, int master, String alias) {
        return new LinkAttrs(idx, name, 1350, Optional.empty(), master, true, true, Optional.ofNullable(alias));
    }

    static Bridge bridge() {
        return new Bridge(attrs(100, BR, 0, ALIAS));
    }

    static Vxlan vxlan(UnaryOperator<LinkAttrs> f, boolean learning) {
        return Vxlan.builder(f.apply(attrs(101, VX, 100, ALIAS)), VNI).local(VTEP).learning(learning).proxy(true)
                .underlayIndex(2).build();
    }

    static Veth port(UnaryOperator<LinkAttrs> f) {
        return new Veth(f.apply(attrs(102, "jo-h-epA", 100, "javaoverlay:net1/epA")), "", Optional.empty(), 103);
    }

    static FdbEntry fdb(MacAddress mac, IpAddress dst) {
        return FdbEntry.toVtep(101, mac, dst);
    }

    /** A bridge entry on the vxlan port as the kernel reports it (no NTF flag, NDA_MASTER = the bridge). */
    static FdbEntry bridgeEntry(MacAddress mac, boolean learned) {
        return new FdbEntry(101, mac, Optional.empty(), learned ? Neighbor.NUD_REACHABLE : Neighbor.NUD_NOARP, 0, 0, 100);
    }

    /** The bridge's own local entry for the vxlan port's MAC: permanent, never ours to touch. */
    static final FdbEntry LOCAL = new FdbEntry(101, MacAddress.parse("0a:00:00:00:00:09"), Optional.empty(),
            Neighbor.NUD_PERMANENT, 0, 0, 100);

    static Neighbor neigh(IpAddress ip, MacAddress mac) {
        return Neighbor.permanent(101, ip, mac);
    }

    /** The kernel state a converged DESIRED leaves (one local port), plus the bridge's local entry. */
    static ActualNetwork converged() {
        return new ActualNetwork(List.of(bridge(), vxlan(a -> a, false), port(a -> a)),
                List.of(fdb(MAC_B, REMOTE), bridgeEntry(MAC_B, false), LOCAL),
                List.of(neigh(IP_B, MAC_B), neigh(IP6_B, MAC_B)), Optional.of(false));
    }

    static ActualNetwork with(ActualNetwork base, List<Link> links, List<FdbEntry> fdb, List<Neighbor> neigh) {
        return new ActualNetwork(links == null ? base.links() : links, fdb == null ? base.fdb() : fdb,
                neigh == null ? base.neighbors() : neigh, base.vxlanLearning());
    }

    static ActualNetwork learning(ActualNetwork base, Optional<Boolean> on) {
        return new ActualNetwork(base.links(), base.fdb(), base.neighbors(), on);
    }

    static Arguments tc(String name, Optional<DesiredNetwork> desired, ActualNetwork actual, List<Action> expected) {
        return Arguments.of(Named.of(name, desired), actual, expected);
    }

    static List<Action> concat(List<Action> a, List<Action> b) {
        List<Action> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static Stream<Arguments> cases() {
        ActualNetwork ok = converged();
        List<Action> fullTables = List.of(new FdbReplace(VX, MAC_B, REMOTE), new BridgeFdbReplace(VX, MAC_B),
                new NeighReplace(VX, IP_B, MAC_B), new NeighReplace(VX, IP6_B, MAC_B));
        List<Action> fresh = concat(List.of(new CreateBridge(BR, 1350, ALIAS), WANT_VX, new SetMaster(VX, BR),
                new SetMaster("jo-h-epA", BR), new SetUp(BR), new SetUp(VX), new SetLearning(VX, false)), fullTables);
        List<Action> vxRecreated = concat(List.of(new DeleteLink(VX, 101, "jo-vx-7 has learning on"), WANT_VX,
                new SetMaster(VX, BR), new SetUp(VX), new SetLearning(VX, false)), fullTables);
        List<Action> vxMissing = concat(List.of(WANT_VX, new SetMaster(VX, BR), new SetUp(VX),
                new SetLearning(VX, false)), fullTables);
        Link foreignBr = new Bridge(attrs(100, BR, 0, "docker-thing"));
        Link otherNetBr = new Bridge(attrs(100, BR, 0, "javaoverlay:old"));
        MacAddress stranger = MacAddress.parse("02:42:0a:14:00:63");
        String gone = "no local endpoint of network net1 is left on this host";
        return Stream.of(
                tc("converged state plans nothing", Optional.of(DESIRED), ok, List.of()),
                tc("only a port in the kernel: bridge, vxlan, master, up, learning off, tables", Optional.of(DESIRED),
                        new ActualNetwork(List.of(port(a -> a.withMaster(0))), List.of(), List.of()), fresh),
                tc("missing vxlan entry is replaced", Optional.of(DESIRED),
                        with(ok, null, List.of(bridgeEntry(MAC_B, false), LOCAL), null),
                        List.of(new FdbReplace(VX, MAC_B, REMOTE))),
                tc("missing static bridge entry is added", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, REMOTE), LOCAL), null),
                        List.of(new BridgeFdbReplace(VX, MAC_B))),
                tc("vxlan entry to the wrong VTEP is replaced, stale one deleted", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, VTEP), bridgeEntry(MAC_B, false)), null),
                        List.of(new FdbReplace(VX, MAC_B, REMOTE), new FdbDelete(VX, MAC_B, Optional.of(VTEP)))),
                tc("a withdrawn or departed peer loses its vxlan, bridge and neighbour entries", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, REMOTE), fdb(MAC_C, REMOTE), bridgeEntry(MAC_B, false),
                                        bridgeEntry(MAC_C, false)),
                                List.of(neigh(IP_B, MAC_B), neigh(IP6_B, MAC_B), neigh(IP_C, MAC_C))),
                        List.of(new NeighDelete(VX, IP_C, MAC_C), new FdbDelete(VX, MAC_C, Optional.of(REMOTE)),
                                new BridgeFdbDelete(VX, MAC_C, false))),
                tc("a learned entry of a peer's MAC is made static", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, REMOTE), bridgeEntry(MAC_B, true), LOCAL), null),
                        List.of(new BridgeFdbReplace(VX, MAC_B))),
                tc("a learned entry of any other MAC is removed", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, REMOTE), bridgeEntry(MAC_B, false), bridgeEntry(stranger, true),
                                LOCAL), null),
                        List.of(new BridgeFdbDelete(VX, stranger, true))),
                tc("learning on at the vxlan port is turned off", Optional.of(DESIRED), learning(ok, Optional.of(true)),
                        List.of(new SetLearning(VX, false))),
                tc("learning not read in this pass: left as it is", Optional.of(DESIRED), learning(ok, Optional.empty()),
                        List.of()),
                tc("non-permanent neighbours of the kernel are left alone", Optional.of(DESIRED),
                        with(ok, null, null, List.of(neigh(IP_B, MAC_B), neigh(IP6_B, MAC_B),
                                new Neighbor(101, ip("ff02::1"), MAC_C, Neighbor.NUD_NOARP, 0))), List.of()),
                tc("neighbour with the wrong MAC is replaced", Optional.of(DESIRED),
                        with(ok, null, null, List.of(neigh(IP_B, MAC_C), neigh(IP6_B, MAC_B))),
                        List.of(new NeighReplace(VX, IP_B, MAC_B))),
                tc("vxlan with learning on is recreated and reprogrammed", Optional.of(DESIRED),
                        with(ok, List.of(bridge(), vxlan(a -> a, true), port(a -> a)), null, null), vxRecreated),
                tc("deleted vxlan is recreated and reprogrammed", Optional.of(DESIRED),
                        with(ok, List.of(bridge(), port(a -> a)), List.of(), List.of()), vxMissing),
                tc("MTU and alias drift are fixed in place", Optional.of(DESIRED),
                        with(ok, List.of(new Bridge(new LinkAttrs(100, BR, 1500, Optional.empty(), 0, true, true,
                                Optional.empty())), vxlan(a -> a, false), port(a -> a.withMtu(1400))), null, null),
                        List.of(new SetMtu(BR, 1350), new SetAlias(BR, ALIAS), new SetMtu("jo-h-epA", 1350))),
                tc("host end off the bridge and down is re-enslaved and brought up", Optional.of(DESIRED),
                        with(ok, List.of(bridge(), vxlan(a -> a, false), port(a -> a.withMaster(0).withUp(false))),
                                null, null),
                        List.of(new SetMaster("jo-h-epA", BR), new SetUp("jo-h-epA"))),
                tc("vxlan down is brought up", Optional.of(DESIRED),
                        with(ok, List.of(bridge(), vxlan(a -> a.withUp(false), false), port(a -> a)), null, null),
                        List.of(new SetUp(VX))),
                tc("a port whose endpoint record is gone stays on the bridge (only DeleteEndpoint removes it)",
                        Optional.of(DESIRED), with(ok, List.of(bridge(), vxlan(a -> a, false), port(a -> a), new Veth(
                                attrs(104, "jo-h-epZ", 100, "javaoverlay:net1/epZ"), "", Optional.empty(), 0)),
                                null, null), List.of()),
                tc("bridge with a foreign alias is refused, never deleted", Optional.of(DESIRED),
                        with(ok, List.of(foreignBr, port(a -> a)), List.of(), List.of()),
                        List.of(new Refuse(BR, "jo-br-7 exists and belongs to someone else (alias 'docker-thing')"))),
                tc("bridge left over from another network is recreated, ports re-enslaved", Optional.of(DESIRED),
                        with(ok, List.of(otherNetBr, vxlan(a -> a, false), port(a -> a)), null, null),
                        List.of(new DeleteLink(BR, 100, "jo-br-7 is left over from network old"),
                                new CreateBridge(BR, 1350, ALIAS), new SetMaster(VX, BR), new SetMaster("jo-h-epA", BR),
                                new SetUp(BR), new SetLearning(VX, false))),
                tc("devices of the network under an earlier VNI go; the port moves to the new bridge",
                        Optional.of(DESIRED), with(ok, List.of(new Bridge(attrs(90, "jo-br-3", 0, ALIAS)),
                                port(a -> a.withMaster(90))), List.of(), List.of()),
                        concat(List.of(new DeleteLink("jo-br-3", 90, "stale device of network net1"),
                                new CreateBridge(BR, 1350, ALIAS), WANT_VX, new SetMaster(VX, BR),
                                new SetMaster("jo-h-epA", BR), new SetUp(BR), new SetUp(VX), new SetLearning(VX, false)),
                                fullTables)),
                tc("record present but no port left: vxlan then bridge go", Optional.of(DESIRED),
                        with(ok, List.of(bridge(), vxlan(a -> a, false)), null, null),
                        List.of(new DeleteLink(VX, 101, gone), new DeleteLink(BR, 100, gone))),
                tc("no record and no port: the devices go, foreign ones stay", Optional.empty(),
                        with(ok, List.of(bridge(), vxlan(a -> a, false), new Device(attrs(5, "eth0", 0, null)),
                                new Bridge(attrs(6, "docker0", 0, "x"))), null, null),
                        List.of(new DeleteLink(VX, 101, gone), new DeleteLink(BR, 100, gone))),
                tc("no record while a port exists: frozen, nothing changes", Optional.empty(), ok, List.of()),
                tc("no endpoint record at all while a port exists: frozen, nothing changes",
                        Optional.of(new DesiredNetwork(NID, VNI, 1350, VTEP, 4789, 2, List.of(), 0)),
                        learning(ok, Optional.of(true)), List.of()),
                tc("no record and nothing in the kernel plans nothing", Optional.empty(), ActualNetwork.empty(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(Optional<DesiredNetwork> desired, ActualNetwork actual, List<Action> expected) {
        assertEquals(expected, Planner.plan(NID, desired, actual));
    }

    @Test
    void duplicateMacOrIpFirstEndpointWins() {
        DesiredNetwork d = new DesiredNetwork(NID, VNI, 1350, VTEP, 4789, 2, List.of(
                new Peer("a", MAC_B, REMOTE, List.of(IP_B)), new Peer("b", MAC_B, ip("198.18.0.9"), List.of(IP_B))), 2);
        List<Action> plan = Planner.plan(NID, Optional.of(d), converged());
        assertTrue(plan.stream().noneMatch(a -> a instanceof FdbReplace f && f.vtep().equals(ip("198.18.0.9"))), plan::toString);
    }

    @Test
    void aFreezeSaysWhy() {
        assertEquals(Optional.of("the store has no record of network net1 while this host has 1 container interface(s)"
                + " on it"), Planner.freezeReason(NID, Optional.empty(), converged()));
        assertEquals(Optional.of("the store has no endpoint record of network net1 (not even this host's) while this"
                + " host has 1 container interface(s) on it"), Planner.freezeReason(NID,
                Optional.of(new DesiredNetwork(NID, VNI, 1350, VTEP, 4789, 2, List.of(), 0)), converged()));
        assertEquals(Optional.empty(), Planner.freezeReason(NID, Optional.empty(), ActualNetwork.empty()));
        assertEquals(Optional.empty(), Planner.freezeReason(NID, Optional.of(DESIRED), converged()));
    }

    static EndpointRecord rec(String eid, String host, String vtep, String mac) {
        return new EndpointRecord(NID, eid, host, ip(vtep), MacAddress.parse(mac),
                io.javaoverlay.types.IpPrefix.parse("10.20.0." + eid.length() + "/24"), null);
    }

    static Stream<Arguments> peerCases() {
        EndpointRecord mine = rec("a", "host-a", "198.18.0.1", "02:00:00:00:00:0a");
        EndpointRecord b = rec("bb", "host-b", "198.18.0.2", "02:00:00:00:00:0b");
        EndpointRecord c = rec("ccc", "host-c", "198.18.0.3", "02:00:00:00:00:0c");
        EndpointRecord ownVtep = rec("dddd", "host-d", "198.18.0.1", "02:00:00:00:00:0d");
        return Stream.of(
                Arguments.of(Named.of("every other host is a peer", Set.of()), List.of(mine, b, c), List.of("bb", "ccc")),
                Arguments.of(Named.of("a withdrawn host's endpoints are no peers", Set.of("host-c")), List.of(mine, b, c),
                        List.of("bb")),
                Arguments.of(Named.of("every host withdrawn", Set.of("host-b", "host-c")), List.of(mine, b, c), List.of()),
                Arguments.of(Named.of("an endpoint behind our own VTEP is no peer", Set.of()), List.of(mine, ownVtep),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peerCases")
    void peersAreTheOtherHostsEndpointsExceptWithdrawnOnes(Set<String> withdrawn, List<EndpointRecord> records,
                                                           List<String> peers) {
        io.javaoverlay.vxlan.state.NetworkRecord net = io.javaoverlay.vxlan.state.NetworkRecord.builder(NID).build()
                .withVni(VNI);
        DesiredNetwork d = DesiredNetwork.derive(Optional.of(net), records, "host-a", VTEP, 4789, 2, 1350, withdrawn)
                .orElseThrow();
        assertEquals(peers, d.peers().stream().map(Peer::endpointId).toList());
        assertEquals(records.size(), d.records());
        assertEquals(Optional.empty(), DesiredNetwork.derive(Optional.empty(), records, "host-a", VTEP, 4789, 2, 1350,
                withdrawn), "no network record: nothing desired");
    }
}
