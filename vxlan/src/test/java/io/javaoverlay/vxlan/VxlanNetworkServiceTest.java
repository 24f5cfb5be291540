package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.vxlan.testing.FakeNetlinkHandle;
import io.javaoverlay.vxlan.testing.TwoHosts;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javaoverlay.vxlan.testing.TwoHosts.WAIT;
import static io.javaoverlay.vxlan.testing.TwoHosts.await;
import static io.javaoverlay.vxlan.testing.TwoHosts.config;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static io.javaoverlay.vxlan.testing.TwoHosts.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Service logic against the in-memory kernel and store: two simulated hosts share one store. */
class VxlanNetworkServiceTest extends TwoHostsBase {
    /** Network {@code id} on its own subnet (n1: 10.20.0.0/24), see {@link TwoHosts#net(String, Map)}. */
    NetworkSpec net(String id, Map<String, String> opts) {
        return hosts.net(id, opts);
    }

    int vniOf(String nid) {
        return new OverlayStore(kv).findNetwork(nid).orElseThrow().vni();
    }

    @Test
    void vnisAreAllocatedLowestFirstAndCreateIsIdempotent() {
        a.createNetwork(net("n1", Map.of()));
        a.createNetwork(net("n2", Map.of()));
        assertEquals(1, vniOf("n1"));
        assertEquals(2, vniOf("n2"));
        b.createNetwork(net("n1", Map.of())); // same spec from another host: success
        assertEquals(1, vniOf("n1"));
        OverlayException e = fails(Kind.CONFLICT, () -> a.createNetwork(net("n1", Map.of("com.docker.network.driver.mtu", "1300"))));
        assertTrue(e.getMessage().contains("network n1 already exists"), e.getMessage());
        a.deleteNetwork("n1");
        assertEquals(1, vniOf("n1"), "host b still has n1 (each host that created it holds it)");
        b.deleteNetwork("n1");
        a.createNetwork(net("n3", Map.of()));
        assertEquals(1, vniOf("n3"), "freed VNI is reused");
    }

    @Test
    void explicitVniConflictNamesTheOtherNetwork() {
        a.createNetwork(net("n1", Map.of("javaoverlay.vni", "300")));
        assertEquals(300, vniOf("n1"));
        OverlayException e = fails(Kind.CONFLICT, () -> a.createNetwork(net("n2", Map.of("javaoverlay.vni", "300"))));
        assertEquals("VNI 300 requested for network n2 is already used by network n1", e.getMessage());
        assertTrue(new OverlayStore(kv).findNetwork("n2").isEmpty(), "a refused create changes no state");
    }

    @Test
    void badOptionsAreRefusedWithTheNumbers() {
        OverlayException mtu = fails(Kind.INVALID_REQUEST,
                () -> a.createNetwork(net("n1", Map.of("com.docker.network.driver.mtu", "1400"))));
        assertTrue(mtu.getMessage().contains("MTU 1400 and VXLAN needs 50 bytes, so the container MTU can be at most 1350"),
                mtu.getMessage());
        fails(Kind.INVALID_REQUEST, () -> a.createNetwork(net("n1", Map.of("javaoverlay.vni", "x"))));
        OverlayException typo = fails(Kind.INVALID_REQUEST, () -> a.createNetwork(net("n1", Map.of("javaoverlay.vin", "5"))));
        assertTrue(typo.getMessage().contains("javaoverlay.vin"), typo.getMessage());
        assertTrue(new OverlayStore(kv).networks().isEmpty());
    }

    @Test
    void dockerDefaultIpamIsRefusedUnlessSingleHost() {
        NetworkSpec local = new NetworkSpec("n1", List.of(NetworkRecord.Pool.of("LocalDefault", IpPrefix.parse("172.18.0.0/16"),
                Optional.empty(), Map.of())), List.of(), Map.of(), false, false);
        OverlayException e = fails(Kind.INVALID_REQUEST, () -> a.createNetwork(local));
        assertTrue(e.getMessage().contains("docker network create -d javaoverlay --ipam-driver javaoverlay [--subnet ...] NAME"),
                e.getMessage());
        VxlanConfig single = VxlanConfig.builder("solo", new Underlay(IpAddress.parse("198.18.0.1"), 1, "eth0", 1500))
                .singleHost(true).build();
        try (VxlanNetworkService s = new VxlanNetworkService(nlA, kv, single)) {
            s.createNetwork(local);
        }
    }

    @Test
    void createEndpointPersistsBeforeAnsweringAndDerivesTheMac() {
        a.createNetwork(net("n1", Map.of()));
        EndpointGrant g = a.createEndpoint(ep("n1", "e1", "10.20.0.5/24"));
        assertEquals(Optional.of(MacAddress.parse("02:42:0a:14:00:05")), g.assignedMac());
        EndpointRecord r = new OverlayStore(kv).findEndpoint("n1", "e1").orElseThrow();
        assertEquals(new EndpointRecord("n1", "e1", "host-a", IpAddress.parse("198.18.0.1"), MacAddress.parse("02:42:0a:14:00:05"),
                IpPrefix.parse("10.20.0.5/24"), null), r);
        assertEquals(g, a.createEndpoint(ep("n1", "e1", "10.20.0.5/24")), "repeat is idempotent");
        EndpointGrant given = a.createEndpoint(new EndpointSpec("n1", "e2", Optional.of(IpPrefix.parse("10.20.0.6/24")),
                Optional.empty(), Optional.of(MacAddress.parse("02:00:00:00:00:01"))));
        assertEquals(Optional.empty(), given.assignedMac(), "never echo a MAC Docker sent");
        OverlayException dup = fails(Kind.CONFLICT, () -> b.createEndpoint(ep("n1", "e3", "10.20.0.5/24")));
        assertTrue(dup.getMessage().contains("already used by endpoint e1 on host host-a"), dup.getMessage());
        fails(Kind.INVALID_REQUEST, () -> a.createEndpoint(ep("n1", "e4", "10.99.0.5/24")));
        OverlayException unknown = fails(Kind.NOT_FOUND, () -> a.createEndpoint(ep("nope", "e5", "10.20.0.7/24")));
        assertEquals("network nope is not known to javaoverlay", unknown.getMessage());
        fails(Kind.NOT_FOUND, () -> a.join("nope", "e5", "/var/run/docker/netns/x"));
    }

    @Test
    void joinBuildsBridgeVxlanAndVeth() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "e1abcdef99", "10.20.0.5/24"));
        JoinResult j = a.join("n1", "e1abcdef99", "/var/run/docker/netns/abc");
        assertEquals(new JoinResult("jo-c-e1abcdef", "eth", Optional.empty(), Optional.empty(), List.of(), false), j);
        Bridge br = assertInstanceOf(Bridge.class, nlA.linkByName("jo-br-1"));
        Vxlan vx = assertInstanceOf(Vxlan.class, nlA.linkByName("jo-vx-1"));
        assertEquals(1, vx.vni());
        assertEquals(Optional.of(IpAddress.parse("198.18.0.1")), vx.local());
        assertFalse(vx.learning());
        assertTrue(vx.proxy());
        assertEquals(4789, vx.port());
        assertEquals(1350, vx.attrs().mtu());
        assertEquals(br.index(), vx.attrs().masterIndex());
        assertEquals(Optional.of("javaoverlay:n1"), vx.attrs().alias());
        assertTrue(br.attrs().up() && vx.attrs().up());
        Link host = nlA.linkByName("jo-h-e1abcdef");
        Link ctr = nlA.linkByName("jo-c-e1abcdef");
        assertEquals(br.index(), host.attrs().masterIndex());
        assertTrue(host.attrs().up());
        assertEquals(1350, host.attrs().mtu());
        assertEquals(1350, ctr.attrs().mtu());
        assertEquals(Optional.of(MacAddress.parse("02:42:0a:14:00:05")), ctr.attrs().hardwareAddr());
        assertEquals(j, a.join("n1", "e1abcdef99", "/var/run/docker/netns/abc"), "repeated Join adopts the pair");
        assertEquals(List.of(), a.reconcilers().of("n1").reconcileNow(WAIT).planned(), "second pass plans nothing");
    }

    @Test
    void peersAreProgrammedAndRemovedAcrossHosts() {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        b.createEndpoint(ep("n1", "eb", "10.20.0.6/24"));
        b.join("n1", "eb", "k");
        a.reconcilers().of("n1").reconcileNow(WAIT);
        int vxA = nlA.findLinkByName("jo-vx-1").orElseThrow().index();
        assertEquals(List.of(FdbEntry.toVtep(vxA, MacAddress.parse("02:42:0a:14:00:06"), IpAddress.parse("198.18.0.2"))),
                nlA.fdbList(vxA));
        assertEquals(List.of(Neighbor.permanent(vxA, IpAddress.parse("10.20.0.6"), MacAddress.parse("02:42:0a:14:00:06"))),
                nlA.neighList(vxA, io.javaoverlay.netlink.Family.ALL));
        int vxB = nlB.findLinkByName("jo-vx-1").orElseThrow().index();
        assertEquals(1, nlB.fdbList(vxB).size(), "B learned A at its own Join");

        b.deleteEndpoint("n1", "eb");
        assertTrue(nlB.findLinkByName("jo-h-eb").isEmpty());
        assertTrue(nlB.findLinkByName("jo-vx-1").isEmpty(), "last local endpoint gone: B's data plane is torn down");
        assertTrue(nlB.findLinkByName("jo-br-1").isEmpty());
        a.reconcilers().of("n1").reconcileNow(WAIT);
        assertEquals(List.of(), nlA.fdbList(vxA));
        assertEquals(List.of(), nlA.neighList(vxA, io.javaoverlay.netlink.Family.ALL));
        b.deleteEndpoint("n1", "eb"); // repeated: success
        b.leave("n1", "eb");
    }

    @Test
    void brokenKernelStateIsRepairedAndOutageKeepsState() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        b.createEndpoint(ep("n1", "eb", "10.20.0.6/24"));
        nlA.linkDel("jo-vx-1");
        ReconcileReport repair = a.reconcilers().of("n1").reconcileNow(WAIT);
        assertTrue(repair.converged(), repair.summary());
        int vxA = nlA.linkByName("jo-vx-1").index();
        assertEquals(nlA.linkByName("jo-br-1").index(), nlA.linkByName("jo-vx-1").attrs().masterIndex());
        assertEquals(1, nlA.fdbList(vxA).size());
        assertEquals(List.of(), a.reconcilers().of("n1").reconcileNow(WAIT).planned());

        if (kv instanceof InMemoryKvStore mem) {
            mem.setDown(true);
            ReconcileReport down = a.reconcilers().of("n1").reconcileNow(WAIT);
            assertFalse(down.converged());
            assertTrue(nlA.findLinkByName("jo-vx-1").isPresent(), "a store outage never tears the data plane down");
            mem.setDown(false);
        }

        nlA.failWhen(op -> op.startsWith("fdbSet"));
        nlA.fdbDel(nlA.fdbList(vxA).get(0));
        ReconcileReport failing = a.reconcilers().of("n1").reconcileNow(WAIT);
        assertEquals(1, failing.result().failures().size(), failing.summary());
        nlA.failWhen(op -> false);
        await("backoff retry reprograms the FDB entry", () -> nlA.fdbList(vxA).size() == 1);
    }

    @Test
    void watchesAndLinkEventsTriggerPasses() throws Exception {
        a.start();
        b.start();
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        b.createEndpoint(ep("n1", "eb", "10.20.0.6/24"));
        await("A's watch installs B's endpoint", () -> fdbCount(nlA) == 1);
        nlA.linkDel("jo-vx-1");
        await("link event recreates the vxlan device", () -> fdbCount(nlA) == 1);
        b.deleteEndpoint("n1", "eb");
        await("A's watch removes B's endpoint (last pass: "
                + a.reconcilers().of("n1").lastReport().map(ReconcileReport::summary).orElse("none") + ")",
                () -> fdbCount(nlA) == 0);
        b.deleteNetwork("n1");
        await("A notices the deletion through the store", () -> nlA.findLinkByName("jo-br-1").isEmpty()
                && nlA.findLinkByName("jo-h-ea").isEmpty());
        assertTrue(kv.list(NetworkKeys.ENDPOINTS).isEmpty());
        assertTrue(kv.list(NetworkKeys.VNIS).isEmpty());
    }

    private static int fdbCount(FakeNetlinkHandle nl) {
        return nl.findLinkByName("jo-vx-1").map(l -> nl.fdbList(l.index()).size()).orElse(-1);
    }

    @Test
    void startupCollectsGarbageOfDeletedNetworks() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "ea", "10.20.0.5/24"));
        a.join("n1", "ea", "k");
        a.close();
        new OverlayStore(kv).deleteNetwork("n1"); // deleted while this host's plugin was down
        nlA.linkAdd(new Bridge(io.javaoverlay.netlink.LinkAttrs.named("jo-br-99").withAlias("not-ours")));
        try (VxlanNetworkService again = new VxlanNetworkService(nlA, kv, config("host-a", "198.18.0.1", 10))) {
            again.start();
            assertTrue(nlA.findLinkByName("jo-br-1").isEmpty());
            assertTrue(nlA.findLinkByName("jo-vx-1").isEmpty());
            assertTrue(nlA.findLinkByName("jo-h-ea").isEmpty());
            assertTrue(nlA.findLinkByName("jo-br-99").isPresent(), "foreign device survives");
        }
    }

    @Test
    void joinFailsClearlyWhenAForeignVxlanHoldsTheVni() throws Exception {
        nlA.linkAdd(Vxlan.builder(io.javaoverlay.netlink.LinkAttrs.named("vxlan0"), 1).build());
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "ea", "10.20.0.5/24"));
        OverlayException e = fails(Kind.UNAVAILABLE, () -> a.join("n1", "ea", "k"));
        assertTrue(e.getMessage().contains("VNI 1 on UDP port 4789 is already used by device vxlan0"), e.getMessage());
        assertTrue(nlA.findLinkByName("jo-h-ea").isEmpty(), "no half-plumbed veth is left behind");
        assertTrue(nlA.findLinkByName("vxlan0").isPresent(), "the foreign device is untouched");
    }

    @Test
    void restartWithANewAdvertiseAddressRepublishesTheVtep() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint(ep("n1", "ea", "10.20.0.5/24"));
        a.close();
        try (VxlanNetworkService moved = new VxlanNetworkService(nlA, kv, config("host-a", "198.18.0.99", 10))) {
            moved.start();
            assertEquals(IpAddress.parse("198.18.0.99"), new OverlayStore(kv).findEndpoint("n1", "ea").orElseThrow().vtep());
        }
    }

    @Test
    void deleteNetworkOfUnknownIdSucceeds() {
        a.deleteNetwork("never-seen");
        fails(Kind.INVALID_REQUEST, () -> a.deleteNetwork("bad id"));
    }

    @Test
    void underlayResolvesDefaultRouteExplicitAddressAndInterface() throws Exception {
        FakeNetlinkHandle nl = new FakeNetlinkHandle();
        nl.addDevice("lo0", 65536, IpPrefix.parse("127.0.0.1/8"));
        int eth = nl.addDevice("eth0", 1400, IpPrefix.parse("198.18.5.5/24"));
        nl.addDefaultRoute(IpAddress.parse("198.18.5.1"), eth);
        Underlay u = Underlay.resolve(nl, Optional.empty());
        assertEquals(new Underlay(IpAddress.parse("198.18.5.5"), eth, "eth0", 1400), u);
        assertEquals(u, Underlay.resolve(nl, Optional.of("198.18.5.5")));
        assertEquals(u, Underlay.resolve(nl, Optional.of("eth0")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Underlay.resolve(nl, Optional.of("198.18.9.9")));
        assertEquals("advertise address 198.18.9.9 is not configured on any interface", e.getMessage());
        assertEquals(1350, VxlanConfig.builder("h", u).build().maxContainerMtu());
    }

    @Test
    void ipv6OnlyEndpointGetsMacFromItsAddress() throws Exception {
        MacAddress derived = MacAddress.parse("02:42:00:00:00:05");
        assertEquals(derived, Macs.derive(Optional.empty(), Optional.of(IpPrefix.parse("fd00::5/64"))));
        // Through the service: the grant and the container end Join plumbs carry the derived MAC.
        a.createNetwork(new NetworkSpec("n6", List.of(), List.of(NetworkRecord.Pool.of("JavaOverlayLocal",
                IpPrefix.parse("fd00::/64"), Optional.of(IpPrefix.parse("fd00::1/64")), Map.of())), Map.of(), true, false));
        EndpointGrant g = a.createEndpoint(new EndpointSpec("n6", "e6abcdef99", Optional.empty(),
                Optional.of(IpPrefix.parse("fd00::5/64")), Optional.empty()));
        assertEquals(Optional.of(derived), g.assignedMac());
        JoinResult j = a.join("n6", "e6abcdef99", "k");
        Veth ctr = assertInstanceOf(Veth.class, nlA.linkByName(j.srcName()), "Join created a veth pair");
        assertEquals(Optional.of(derived), ctr.attrs().hardwareAddr());
    }

    /**
     * One subnet is one network cluster-wide (a second network with the same pool joins the first),
     * so the fixture must never give two IDs one subnet: "n2" and "n123" collided under the old
     * hash-derived fixture (their hashCodes agree in the low 7 bits) and became one network.
     */
    @Test
    void distinctIdsAreDistinctNetworks() {
        assertEquals("n2".hashCode() & 0x7f, "n123".hashCode() & 0x7f, "the pair collides under the old fixture");
        a.createNetwork(net("n2", Map.of()));
        a.createNetwork(net("n123", Map.of()));
        assertEquals(2, new OverlayStore(kv).networks().size(), "two networks, each with its own VNI");
        assertEquals(java.util.Set.of(1, 2), java.util.Set.of(vniOf("n2"), vniOf("n123")));
    }
}
