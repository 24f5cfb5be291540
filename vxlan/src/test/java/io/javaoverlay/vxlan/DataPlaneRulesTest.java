package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.vxlan.testing.LogRecorder;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.javaoverlay.vxlan.testing.TwoHosts.WAIT;
import static io.javaoverlay.vxlan.testing.TwoHosts.await;
import static io.javaoverlay.vxlan.testing.TwoHosts.config;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-plane rules (package design note of {@code vxlan.reconcile}) on the in-memory kernel and
 * store: host a has endpoint ea, host b has eb, both in n1.
 */
class DataPlaneRulesTest extends TwoHostsBase {
    static final MacAddress MAC_A = MacAddress.parse("02:42:0a:14:00:05");
    static final MacAddress MAC_B = MacAddress.parse("02:42:0a:14:00:06");
    static final IpAddress VTEP_B = IpAddress.parse("198.18.0.2");

    @BeforeEach
    void twoEndpoints() {
        a.createNetwork(hosts.net("n1", Map.of()));
        a.createEndpoint("n1", "n1", ep("ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        b.createEndpoint("n1", "n1", ep("eb", "10.20.0.6/24"));
        b.join("n1", "eb", "k");
    }

    ReconcileReport passA() {
        return a.reconcilers().of("n1").reconcileNow(WAIT);
    }

    int vxA() {
        return nlA.findLinkByName("jo-vx-1").orElseThrow().index();
    }

    List<FdbEntry> selfA() {
        return nlA.fdbList(vxA()).stream().filter(FdbEntry::isSelf).toList();
    }

    List<FdbEntry> bridgeA() {
        return nlA.fdbList(vxA()).stream().filter(e -> !e.isSelf()).toList();
    }

    List<String> linksA() {
        return nlA.linkList().stream().map(l -> l.name()).filter(n -> n.startsWith("jo-")).sorted().toList();
    }

    void assertPeerB() {
        assertEquals(List.of(FdbEntry.toVtep(vxA(), MAC_B, VTEP_B)), selfA());
        assertEquals(List.of(MAC_B), bridgeA().stream().filter(FdbEntry::isStatic).map(FdbEntry::mac).toList());
        assertEquals(List.of(Neighbor.permanent(vxA(), IpAddress.parse("10.20.0.6"), MAC_B)), nlA.neighList(vxA(), Family.ALL));
    }

    /**
     * Issue 14: the network's first container on a host finds its peers programmed when Join returns
     * (before Docker starts the container), not a pass later: its first ARP must find the proxy entry.
     */
    @Test
    void theFirstJoinOnAHostProgramsThePeersBeforeItReturns() throws Exception {
        // b joined last in twoEndpoints(), its first container in n1; nothing has run since its Join returned
        int vxB = nlB.findLinkByName("jo-vx-1").orElseThrow().index();
        assertEquals(List.of(FdbEntry.toVtep(vxB, MAC_A, IpAddress.parse("198.18.0.1"))),
                nlB.fdbList(vxB).stream().filter(FdbEntry::isSelf).toList());
        assertEquals(List.of(Neighbor.permanent(vxB, IpAddress.parse("10.20.0.5"), MAC_A)), nlB.neighList(vxB, Family.ALL));
    }

    /**
     * The VTEPs this host sends to follow its peers, and count only where it has a port: the VXLAN ingress
     * filter admits them before the membership reads the new host's heartbeat.
     */
    @Test
    void theVtepsAHostSendsToFollowItsPeersAndItsPorts() throws Exception {
        List<Set<IpAddress>> told = new CopyOnWriteArrayList<>();
        a.addPeerVtepListener(told::add);
        assertTrue(passA().converged());
        assertEquals(Set.of(VTEP_B), a.reconcilers().peerVteps());
        assertEquals(Set.of(IpAddress.parse("198.18.0.1")), b.reconcilers().peerVteps());
        await("a's listener heard {b}", () -> !told.isEmpty() && told.get(told.size() - 1).equals(Set.of(VTEP_B)));
        told.clear();

        b.deleteEndpoint("n1", "eb");
        assertTrue(passA().converged());
        assertEquals(Set.of(), a.reconcilers().peerVteps(), "b's last endpoint went");
        await("a's listener heard that", () -> told.equals(List.of(Set.of())));

        b.createEndpoint("n1", "n1", ep("eb2", "10.20.0.7/24"));
        b.join("n1", "eb2", "k");
        assertTrue(passA().converged());
        assertEquals(Set.of(VTEP_B), a.reconcilers().peerVteps());
        a.deleteEndpoint("n1", "ea");
        await("a has no port left, so it sends to nobody", () -> a.reconcilers().peerVteps().isEmpty());
        await("a's listener heard each change once", () -> told.equals(List.of(Set.of(), Set.of(VTEP_B), Set.of())));
    }

    /** Issue 10.6: a static bridge entry per peer next to its vxlan entry, learning off; withdrawal removes both. */
    @Test
    void aPeerHasAVxlanAndAStaticBridgeEntryAndLosesBothWhenItGoes() throws Exception {
        assertTrue(passA().converged());
        assertPeerB();
        assertFalse(nlA.learning(vxA()), "no learning on the vxlan port");
        b.deleteEndpoint("n1", "eb");
        assertTrue(nlB.findLinkByName("jo-h-eb").isEmpty());
        await("B's last port gone: its bridge and vxlan device go", () -> nlB.findLinkByName("jo-vx-1").isEmpty()
                && nlB.findLinkByName("jo-br-1").isEmpty());
        assertTrue(passA().converged());
        assertEquals(List.of(), selfA());
        assertEquals(List.of(), bridgeA());
        assertEquals(List.of(), nlA.neighList(vxA(), Family.ALL));
        b.deleteEndpoint("n1", "eb"); // repeated: success
        b.leave("n1", "eb");
    }

    @Test
    void entriesTheBridgeLearnedOnTheVxlanPortAreRemovedOrMadeStatic() {
        passA();
        MacAddress stranger = MacAddress.parse("02:42:0a:14:00:63");
        nlA.learn(vxA(), stranger);
        nlA.learn(vxA(), MAC_B); // turns B's static entry into a learned one
        ReconcileReport r = passA();
        assertEquals(List.of("BridgeFdbReplace[device=jo-vx-1, mac=" + MAC_B + "]",
                "BridgeFdbDelete[device=jo-vx-1, mac=" + stranger + ", learned=true]"),
                r.planned().stream().map(Object::toString).toList());
        assertPeerB();
        assertEquals(List.of(), passA().planned());
    }

    @Test
    void learningTurnedOnByHandIsTurnedOffAgain() throws Exception {
        passA();
        nlA.bridgePortSet(vxA(), io.javaoverlay.netlink.BridgePortSettings.builder().learning(true).build());
        passA();
        assertFalse(nlA.learning(vxA()));
    }

    @Test
    void withdrawnHostsLoseTheirPeersEverywhereAndGetThemBack() throws Exception {
        passA();
        a.setWithdrawnHosts(Set.of("host-b"));
        await("host-b's peer withdrawn", () -> selfA().isEmpty() && bridgeA().isEmpty()
                && nlA.neighList(vxA(), Family.ALL).isEmpty());
        assertTrue(nlA.findLinkByName("jo-h-ea").isPresent(), "local ports are untouched");
        a.setWithdrawnHosts(Set.of());
        await("host-b's peer back", () -> selfA().size() == 1 && bridgeA().size() == 1);
    }

    /** Issue 10.4: the store losing everything (wipe, wrong prefix, ACL) is no instruction to tear down. */
    @Test
    void aStoreThatLostTheNetworkFreezesItsDataPlaneWithOneErrorAndRecovers() throws Exception {
        passA();
        List<KvEntry> backup = kv.list("");
        List<String> before = linksA();
        try (LogRecorder log = new LogRecorder("io.javaoverlay.vxlan.reconcile")) {
            kv.deletePrefix("");
            nlA.clearMutations();
            ReconcileReport frozen = passA();
            assertEquals(List.of(), frozen.planned());
            assertTrue(frozen.frozen().isPresent() && !frozen.converged(), frozen.summary());
            passA();
            assertEquals(List.of(), nlA.mutations(), "nothing in the kernel changed");
            assertEquals(before, linksA());
            assertPeerB();
            assertEquals(1, log.errors().size(), "one loud error per network: " + log.errors());
            assertTrue(log.errors().get(0).contains("the store has no record of network n1")
                    && log.errors().get(0).contains(kv.describe()), log.errors().get(0));
            for (KvEntry e : backup) {
                kv.put(e.key(), e.value());
            }
            ReconcileReport back = passA();
            assertTrue(back.converged(), back.summary());
            assertTrue(log.infos().stream().anyMatch(m -> m.contains("has its records again")), log.infos().toString());
        }
    }

    @Test
    void noEndpointRecordAtAllWhileThisHostHasPortsFreezesToo() throws Exception {
        passA();
        kv.deletePrefix(NetworkKeys.ENDPOINTS);
        nlA.clearMutations();
        assertTrue(passA().frozen().isPresent());
        assertEquals(List.of(), nlA.mutations());
        assertPeerB();
    }

    /** A port goes only by DeleteEndpoint (or deleteStaleEndpoint), never because its record is absent. */
    @Test
    void aPortWhoseRecordIsGoneStaysOnTheBridge() throws Exception {
        passA();
        kv.delete(NetworkKeys.endpoint("n1", "ea")); // B's record stays, so this is no data loss
        ReconcileReport r = passA();
        assertTrue(r.converged() && r.frozen().isEmpty(), r.summary());
        int br = nlA.linkByName("jo-br-1").index();
        assertEquals(br, nlA.linkByName("jo-h-ea").attrs().masterIndex());
        assertPeerB();
    }

    /** The devices exist exactly while a port does: a container's interface that vanished takes them along. */
    @Test
    void theDevicesGoWithTheLastPortWhateverTheStoreSays() throws Exception {
        passA();
        nlA.linkDel("jo-h-ea"); // the container's namespace went, and with it the pair
        passA();
        assertEquals(List.of(), linksA());
        assertTrue(new OverlayStore(kv).findEndpoint("n1", "ea").isPresent(), "the record is the cluster layer's to judge");
        await("the reconciler of a network with nothing left here retires",
                () -> a.reconcilers().existing().stream().noneMatch(r -> r.networkId().equals("n1")));
    }

    /** Bounded work: store changes of a network without state here start no reconciler. */
    @Test
    void storeChangesOfNetworksWithoutLocalStateCostNothing() throws Exception {
        a.start();
        b.start();
        a.createNetwork(hosts.net("n2", Map.of()));
        b.createEndpoint("n2", "n2", ep("eb2", "10.21.2.6/24"));
        b.join("n2", "eb2", "k");
        await("b programs n2", () -> nlB.findLinkByName("jo-br-2").isPresent());
        Thread.sleep(300); // a's watch has seen the change by now (watch wait 200 ms)
        assertTrue(a.reconcilers().existing().stream().noneMatch(r -> r.networkId().equals("n2")),
                "host a has nothing of n2: " + a.reconcilers().existing().stream().map(r -> r.networkId()).toList());
        assertTrue(nlA.findLinkByName("jo-br-2").isEmpty());
    }

    @Test
    void staleEndpointsRepublishAndTheOwnersView() throws Exception {
        passA();
        EndpointRecord ea = a.endpointsOfHost("host-a").get(0);
        assertEquals(List.of("ea"), a.endpointsOfHost("host-a").stream().map(EndpointRecord::endpointId).toList());
        a.deleteStaleEndpoint(ea.withOwner(ea.localNetworkId(), ea.createdAt() + 1));
        assertTrue(nlA.findLinkByName("jo-h-ea").isPresent(), "another creation time: not the record judged stale");
        a.deleteStaleEndpoint(ea);
        assertTrue(nlA.findLinkByName("jo-h-ea").isEmpty(), "a stale endpoint of this host loses its port");
        assertEquals(Optional.empty(), a.endpointHolding("n1", IpAddress.parse("10.20.0.5")));
        assertEquals(List.of(), a.endpointsOfHost("host-a"));
        a.republishEndpoint(ea);
        a.republishEndpoint(ea); // idempotent
        assertEquals(Optional.of("ea"), a.endpointHolding("n1", IpAddress.parse("10.20.0.5")));
        EndpointRecord thief = new EndpointRecord("n1", "ez", "host-b", VTEP_B, MacAddress.parse("02:00:00:00:00:42"),
                ea.ipv4(), null, "n1", 5);
        io.javaoverlay.types.OverlayException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.javaoverlay.types.OverlayException.class, () -> b.republishEndpoint(thief));
        assertEquals("endpoint ez: address 10.20.0.5 is already used by endpoint ea on host host-a", e.getMessage());
    }

    @Test
    void brokenKernelStateIsRepairedAndAnOutageKeepsState() throws Exception {
        passA();
        nlA.linkDel("jo-vx-1");
        ReconcileReport repair = passA();
        assertTrue(repair.converged(), repair.summary());
        assertEquals(nlA.linkByName("jo-br-1").index(), nlA.linkByName("jo-vx-1").attrs().masterIndex());
        assertPeerB();
        assertEquals(List.of(), passA().planned());
        if (kv instanceof InMemoryKvStore mem) {
            mem.setDown(true);
            ReconcileReport down = passA();
            assertFalse(down.converged());
            assertTrue(nlA.findLinkByName("jo-vx-1").isPresent(), "a store outage never tears the data plane down");
            mem.setDown(false);
        }
        nlA.failWhen(op -> op.startsWith("fdbSet"));
        nlA.fdbDel(selfA().get(0));
        ReconcileReport failing = passA();
        assertEquals(1, failing.result().failures().size(), failing.summary());
        nlA.failWhen(op -> false);
        await("backoff retry reprograms the FDB entry", () -> selfA().size() == 1);
    }

    @Test
    void watchesAndLinkEventsTriggerPasses() throws Exception {
        a.start();
        b.start();
        await("A's watch installs B's endpoint", () -> selfA().size() == 1 && bridgeA().size() == 1);
        nlA.linkDel("jo-vx-1");
        await("link event recreates the vxlan device", () -> nlA.findLinkByName("jo-vx-1").isPresent()
                && selfA().size() == 1 && bridgeA().size() == 1);
        b.deleteEndpoint("n1", "eb");
        await("A's watch removes B's endpoint", () -> selfA().isEmpty() && bridgeA().isEmpty());
        a.deleteEndpoint("n1", "ea");
        await("A tears down with its last port", () -> linksA().isEmpty());
    }

    /** Start-up GC on the kernel's evidence only: an empty store removes nothing that carries a port. */
    @Test
    void startUpOnAnEmptyStoreKeepsPortsAndTheirDevicesAndCollectsTheRest() throws Exception {
        a.close();
        kv.deletePrefix("");
        nlA.linkAdd(new Bridge(LinkAttrs.named("jo-br-99").withAlias("not-ours")));
        nlA.linkAdd(new Bridge(LinkAttrs.named("jo-br-7").withAlias("javaoverlay:gone")));
        nlA.linkAdd(new Bridge(LinkAttrs.named("jo-br-8")));
        nlA.linkAdd(Veth.pair(LinkAttrs.named("jo-h-half"), "jo-c-half"));
        try (LogRecorder log = new LogRecorder("io.javaoverlay.vxlan.reconcile");
             VxlanNetworkService again = new VxlanNetworkService(nlA, kv, config("host-a", "198.18.0.1", 10))) {
            again.start();
            await("the freeze is reported", () -> !log.errors().isEmpty());
            assertEquals(List.of("jo-br-1", "jo-br-99", "jo-c-ea", "jo-h-ea", "jo-vx-1"), linksA(),
                    "ports and their devices stay; port-less devices and unfinished Joins go; foreign ones stay");
            await("the report says frozen", () -> Optional.ofNullable(again.lastReports().get("n1"))
                    .map(r -> r.frozen().isPresent()).orElse(false));
        }
    }

    @Test
    void forgetLocalNetworkLeavesPortsAlone() throws Exception {
        passA();
        a.forgetLocalNetwork("n1");
        passA();
        assertTrue(nlA.findLinkByName("jo-h-ea").isPresent() && nlA.findLinkByName("jo-vx-1").isPresent());
    }
}
