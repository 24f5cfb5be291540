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
import io.javaoverlay.vxlan.reconcile.Action.SetMtu;
import io.javaoverlay.vxlan.reconcile.Action.SetUp;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.LocalPort;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.Peer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table-driven tests of the pure planner: each case is (desired, actual) → exact action list. */
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
            List.of(new LocalPort("epA", "jo-h-epA")),
            List.of(new Peer("epB", MAC_B, REMOTE, List.of(IP_B, IP6_B))));

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

    static Neighbor neigh(IpAddress ip, MacAddress mac) {
        return Neighbor.permanent(101, ip, mac);
    }

    /** The kernel state a converged DESIRED leaves, plus a foreign device. */
    static ActualNetwork converged() {
        return new ActualNetwork(List.of(bridge(), vxlan(a -> a, false), port(a -> a)),
                List.of(fdb(MAC_B, REMOTE), new FdbEntry(101, MacAddress.parse("0a:00:00:00:00:09"),
                        Optional.empty(), Neighbor.NUD_PERMANENT, FdbEntry.NTF_MASTER, 0, 100)),
                List.of(neigh(IP_B, MAC_B), neigh(IP6_B, MAC_B)));
    }

    static ActualNetwork with(ActualNetwork base, List<Link> links, List<FdbEntry> fdb, List<Neighbor> neigh) {
        return new ActualNetwork(links == null ? base.links() : links, fdb == null ? base.fdb() : fdb,
                neigh == null ? base.neighbors() : neigh);
    }

    static Arguments tc(String name, Optional<DesiredNetwork> desired, ActualNetwork actual, List<Action> expected) {
        return Arguments.of(Named.of(name, desired), actual, expected);
    }

    static Stream<Arguments> cases() {
        ActualNetwork ok = converged();
        List<Action> fullTables = List.of(new FdbReplace(VX, MAC_B, REMOTE), new NeighReplace(VX, IP_B, MAC_B),
                new NeighReplace(VX, IP6_B, MAC_B));
        List<Action> fresh = new ArrayList<>(List.of(new CreateBridge(BR, 1350, ALIAS), WANT_VX,
                new SetMaster(VX, BR), new SetUp(BR), new SetUp(VX)));
        fresh.addAll(fullTables);
        List<Action> vxRecreated = new ArrayList<>(List.of(
                new DeleteLink(VX, 101, "jo-vx-7 has learning on"), WANT_VX, new SetMaster(VX, BR), new SetUp(VX)));
        vxRecreated.addAll(fullTables);
        List<Action> vxMissing = new ArrayList<>(List.of(WANT_VX, new SetMaster(VX, BR), new SetUp(VX)));
        vxMissing.addAll(fullTables);
        Link foreignBr = new Bridge(attrs(100, BR, 0, "docker-thing"));
        Link otherNetBr = new Bridge(attrs(100, BR, 0, "javaoverlay:old"));
        return Stream.of(
                tc("converged state plans nothing", Optional.of(DESIRED), ok, List.of()),
                tc("empty kernel: bridge, vxlan, master, up, FDB, neigh", Optional.of(DESIRED),
                        ActualNetwork.empty(), fresh),
                tc("missing FDB entry is replaced", Optional.of(DESIRED), with(ok, null, List.of(), null),
                        List.of(new FdbReplace(VX, MAC_B, REMOTE))),
                tc("FDB entry to the wrong VTEP is replaced, stale one deleted", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, VTEP)), null),
                        List.of(new FdbReplace(VX, MAC_B, REMOTE), new FdbDelete(VX, MAC_B, Optional.of(VTEP)))),
                tc("entries of a departed peer are removed", Optional.of(DESIRED),
                        with(ok, null, List.of(fdb(MAC_B, REMOTE), fdb(MAC_C, REMOTE)),
                                List.of(neigh(IP_B, MAC_B), neigh(IP6_B, MAC_B), neigh(IP_C, MAC_C))),
                        List.of(new NeighDelete(VX, IP_C, MAC_C), new FdbDelete(VX, MAC_C, Optional.of(REMOTE)))),
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
                tc("host end of a departed endpoint is deleted last", Optional.of(DESIRED),
                        with(ok, List.of(bridge(), vxlan(a -> a, false), port(a -> a), new Veth(
                                attrs(104, "jo-h-epZ", 100, "javaoverlay:net1/epZ"), "", Optional.empty(), 0)),
                                null, null),
                        List.of(new DeleteLink("jo-h-epZ", 104, "endpoint epZ is no longer on this host"))),
                tc("bridge with a foreign alias is refused, never deleted", Optional.of(DESIRED),
                        with(ok, List.of(foreignBr), List.of(), List.of()),
                        List.of(new Refuse(BR, "jo-br-7 exists and belongs to someone else (alias 'docker-thing')"))),
                tc("bridge left over from another network is recreated, ports re-enslaved", Optional.of(DESIRED),
                        with(ok, List.of(otherNetBr, vxlan(a -> a, false), port(a -> a)), null, null),
                        List.of(new DeleteLink(BR, 100, "jo-br-7 is left over from network old"),
                                new CreateBridge(BR, 1350, ALIAS), new SetMaster(VX, BR), new SetMaster("jo-h-epA", BR),
                                new SetUp(BR))),
                tc("no desired state: tear down ports, vxlan, bridge; foreign devices untouched", Optional.empty(),
                        with(ok, List.of(bridge(), vxlan(a -> a, false), port(a -> a),
                                new Device(attrs(5, "eth0", 0, null)), new Bridge(attrs(6, "docker0", 0, "x"))),
                                null, null),
                        List.of(new DeleteLink("jo-h-epA", 102, "network net1 is gone or has no local endpoint"),
                                new DeleteLink(VX, 101, "network net1 is gone or has no local endpoint"),
                                new DeleteLink(BR, 100, "network net1 is gone or has no local endpoint"))),
                tc("no desired state and nothing in the kernel plans nothing", Optional.empty(),
                        ActualNetwork.empty(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(Optional<DesiredNetwork> desired, ActualNetwork actual, List<Action> expected) {
        assertEquals(expected, Planner.plan(NID, desired, actual));
    }

    @Test
    void duplicateMacOrIpFirstEndpointWins() {
        DesiredNetwork d = new DesiredNetwork(NID, VNI, 1350, VTEP, 4789, 2, List.of(), List.of(
                new Peer("a", MAC_B, REMOTE, List.of(IP_B)), new Peer("b", MAC_B, ip("198.18.0.9"), List.of(IP_B))));
        List<Action> plan = Planner.plan(NID, Optional.of(d), converged());
        assertTrue(plan.stream().noneMatch(a -> a instanceof FdbReplace f && f.vtep().equals(ip("198.18.0.9"))), plan::toString);
    }
}
