package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Link;
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
import io.javaoverlay.vxlan.reconcile.PassListener;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.vxlan.testing.CountingKvStore;
import io.javaoverlay.vxlan.testing.FakeNetlinkHandle;
import io.javaoverlay.vxlan.testing.TwoHosts;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javaoverlay.vxlan.testing.TwoHosts.NOW;
import static io.javaoverlay.vxlan.testing.TwoHosts.WAIT;
import static io.javaoverlay.vxlan.testing.TwoHosts.config;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static io.javaoverlay.vxlan.testing.TwoHosts.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request path against the in-memory kernel and store: two simulated hosts share one store,
 * every call keyed by the cluster network ID. (The data-plane rules: {@code DataPlaneRulesTest}.)
 */
class VxlanNetworkServiceTest extends TwoHostsBase {
    /** Network {@code id} on its own subnet (n1: 10.20.0.0/24), see {@link TwoHosts#net(String, Map)}. */
    NetworkSpec net(String id, Map<String, String> opts) {
        return hosts.net(id, opts);
    }

    OverlayStore store() {
        return new OverlayStore(kv);
    }

    int vniOf(String nid) {
        return store().findNetwork(nid).orElseThrow().vni();
    }

    @Test
    void vnisAreAllocatedLowestFirstAndCreateIsIdempotent() {
        assertEquals(1, a.createNetwork(net("n1", Map.of())).vni());
        assertEquals(2, a.createNetwork(net("n2", Map.of())).vni());
        assertEquals(1, b.createNetwork(net("n1", Map.of())).vni(), "same spec from another host: the stored record");
        OverlayException e = fails(Kind.CONFLICT, () -> a.createNetwork(net("n1", Map.of("com.docker.network.driver.mtu", "1300"))));
        assertTrue(e.getMessage().contains("network n1 already exists"), e.getMessage());
        store().deleteNetwork("n1", List.of());
        assertEquals(1, a.createNetwork(net("n3", Map.of())).vni(), "freed VNI is reused");
    }

    @Test
    void explicitVniConflictNamesTheOtherNetwork() {
        a.createNetwork(net("n1", Map.of("javaoverlay.vni", "300")));
        assertEquals(300, vniOf("n1"));
        OverlayException e = fails(Kind.CONFLICT, () -> a.createNetwork(net("n2", Map.of("javaoverlay.vni", "300"))));
        assertEquals("VNI 300 requested for network n2 is already used by network n1", e.getMessage());
        assertTrue(store().findNetwork("n2").isEmpty(), "a refused create changes no state");
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
        assertTrue(store().networks().isEmpty());
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

    /** One MTU per network: decided once at creation, explicit or the creator's derived maximum. */
    @Test
    void theNetworksMtuIsStoredOnceAndOtherHostsGetIt() {
        assertEquals(1350, a.createNetwork(net("n1", Map.of())).mtu(), "host a's underlay 1400 - 50");
        assertEquals(1300, a.createNetwork(net("n2", Map.of("com.docker.network.driver.mtu", "1300"))).mtu());
        FakeNetlinkHandle nlC = new FakeNetlinkHandle();
        int ic = nlC.addDevice("eth0", 1500, IpPrefix.parse("198.18.0.3/24"));
        try (VxlanNetworkService c = new VxlanNetworkService(nlC, kv, config("host-c", "198.18.0.3", ic))) {
            assertEquals(1350, c.createNetwork(net("n1", Map.of())).mtu(), "the stored MTU stands, not host c's 1450");
            assertEquals(Optional.of(1350), store().findNetwork("n1").orElseThrow().storedMtu());
        }
    }

    @Test
    void createEndpointPersistsItsOwnerAndIndexKeysAndDerivesTheMac() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        EndpointGrant g = a.createEndpoint("n1", "dockernet-a", ep("e1", "10.20.0.5/24"));
        assertEquals(Optional.of(MacAddress.parse("02:42:0a:14:00:05")), g.assignedMac());
        EndpointRecord r = store().findEndpoint("n1", "e1").orElseThrow();
        assertEquals(new EndpointRecord("n1", "e1", "host-a", IpAddress.parse("198.18.0.1"), MacAddress.parse("02:42:0a:14:00:05"),
                IpPrefix.parse("10.20.0.5/24"), null, "dockernet-a", NOW), r);
        assertEquals("e1", kv.get(NetworkKeys.macIndex("n1", r.mac())).orElseThrow().valueAsString());
        assertEquals(Optional.of("e1"), a.endpointHolding("n1", IpAddress.parse("10.20.0.5")));
        assertEquals(g, a.createEndpoint("n1", "dockernet-a", ep("e1", "10.20.0.5/24")), "repeat is idempotent");
        EndpointGrant given = a.createEndpoint("n1", "dockernet-a", new EndpointSpec("e2",
                Optional.of(IpPrefix.parse("10.20.0.6/24")), Optional.empty(), Optional.of(MacAddress.parse("02:00:00:00:00:01"))));
        assertEquals(Optional.empty(), given.assignedMac(), "never echo a MAC Docker sent");
        OverlayException dup = fails(Kind.CONFLICT, () -> b.createEndpoint("n1", "dockernet-b", ep("e3", "10.20.0.5/24")));
        assertEquals("endpoint e3: MAC 02:42:0a:14:00:05 is already used by endpoint e1 on host host-a", dup.getMessage());
        OverlayException dupIp = fails(Kind.CONFLICT, () -> b.createEndpoint("n1", "dockernet-b", new EndpointSpec("e3",
                Optional.of(IpPrefix.parse("10.20.0.5/24")), Optional.empty(), Optional.of(MacAddress.parse("02:00:00:00:00:33")))));
        assertEquals("endpoint e3: address 10.20.0.5 is already used by endpoint e1 on host host-a", dupIp.getMessage());
        OverlayException other = fails(Kind.CONFLICT, () -> a.createEndpoint("n1", "dockernet-a", ep("e1", "10.20.0.9/24")));
        assertTrue(other.getMessage().contains("endpoint e1 of network n1 already exists with different addresses"),
                other.getMessage());
        fails(Kind.INVALID_REQUEST, () -> a.createEndpoint("n1", "dockernet-a", ep("e4", "10.99.0.5/24")));
        OverlayException unknown = fails(Kind.NOT_FOUND, () -> a.createEndpoint("nope", "nope", ep("e5", "10.20.0.7/24")));
        assertEquals("network nope is not known to javaoverlay", unknown.getMessage());
        fails(Kind.NOT_FOUND, () -> a.join("nope", "e5", "/var/run/docker/netns/x"));
        assertTrue(store().findEndpoint("n1", "e3").isEmpty() && store().findEndpoint("n1", "e4").isEmpty(),
                "refused creates leave nothing behind");
    }

    /**
     * Issue 11.9: one read and one write transaction, no listing of the network's endpoints. Issue 14:
     * the read is the network record alone; the create's own conditions find a repeated request.
     */
    @Test
    void createEndpointCostsOneReadAndOneWriteTransaction() throws Exception {
        CountingKvStore counting = new CountingKvStore();
        try (TwoHosts h = new TwoHosts(counting)) {
            h.a.createNetwork(h.net("n1", Map.of()));
            for (int i = 10; i < 30; i++) {
                h.b.createEndpoint("n1", "n1", ep("other" + i, "10.20.0." + i + "/24"));
            }
            counting.clearCalls();
            h.a.createEndpoint("n1", "n1", ep("e1", "10.20.0.5/24"));
            assertEquals(List.of("get networks/n1",
                    "txn [PutIfAbsent endpoints/n1/e1, PutIfAbsent eidx/n1/mac/02:42:0a:14:00:05, PutIfAbsent eidx/n1/ip/10.20.0.5]"),
                    counting.calls());
            counting.clearCalls();
            h.a.deleteEndpoint("n1", "e1");
            assertEquals(List.of("get endpoints/n1/e1", "txn [DeleteIfIndex endpoints/n1/e1, Delete eidx/n1/mac/02:42:0a:14:00:05,"
                    + " Delete eidx/n1/ip/10.20.0.5]"), counting.calls().stream().filter(c -> !c.startsWith("get networks/")
                    && !c.startsWith("list")).toList());
            assertTrue(counting.list(NetworkKeys.ENDPOINT_INDEX + "n1/").stream().noneMatch(e -> e.valueAsString().equals("e1")));
        }
    }

    /** An index key left behind by a record that is gone (a crash in another release, a hand edit) is cleaned. */
    @Test
    void aStaleIndexKeyIsRemovedAndTheCreateRetried() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        kv.put(NetworkKeys.ipIndex("n1", IpAddress.parse("10.20.0.5")), "ghost".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.createEndpoint("n1", "n1", ep("e1", "10.20.0.5/24"));
        assertEquals("e1", kv.get(NetworkKeys.ipIndex("n1", IpAddress.parse("10.20.0.5"))).orElseThrow().valueAsString());
    }

    @Test
    void joinBuildsOnlyWhatIsMissingWithoutDumpingLinks() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint("n1", "n1", ep("e1abcdef99", "10.20.0.5/24"));
        int dumps = nlA.linkDumpsOnThisThread();
        JoinResult j = a.join("n1", "e1abcdef99", "/var/run/docker/netns/abc");
        assertEquals(dumps, nlA.linkDumpsOnThisThread(), "Join looks devices up by name");
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
        assertFalse(nlA.learning(vx.index()), "the bridge never learns on the vxlan port");
        assertEquals(Optional.of("javaoverlay:n1"), vx.attrs().alias());
        assertTrue(br.attrs().up() && vx.attrs().up());
        Link host = nlA.linkByName("jo-h-e1abcdef");
        Link ctr = nlA.linkByName("jo-c-e1abcdef");
        assertEquals(br.index(), host.attrs().masterIndex());
        assertTrue(host.attrs().up());
        assertEquals(1350, host.attrs().mtu());
        assertEquals(1350, ctr.attrs().mtu());
        assertEquals(Optional.of(MacAddress.parse("02:42:0a:14:00:05")), ctr.attrs().hardwareAddr());
        a.createEndpoint("n1", "n1", ep("e2", "10.20.0.6/24"));
        nlA.clearMutations();
        a.join("n1", "e2", "/var/run/docker/netns/def");
        assertTrue(nlA.mutations().stream().noneMatch(m -> m.contains("jo-br-1") || m.contains("jo-vx-1")),
                "the second Join leaves the devices alone: " + nlA.mutations());
        assertEquals(j, a.join("n1", "e1abcdef99", "/var/run/docker/netns/abc"), "repeated Join adopts the pair");
        assertEquals(List.of(), a.reconcilers().of("n1").reconcileNow(WAIT).planned(), "a pass plans nothing");
    }

    /** One MTU per network: a host whose underlay cannot carry it refuses Join with both numbers and the fix. */
    @Test
    void joinOnAHostWhoseUnderlayCannotCarryTheMtuIsRefusedWithTheNumbers() {
        a.createNetwork(net("n1", Map.of()));
        FakeNetlinkHandle nlC = new FakeNetlinkHandle();
        int ic = nlC.addDevice("eth0", 1300, IpPrefix.parse("198.18.0.3/24"));
        VxlanConfig small = VxlanConfig.builder("host-c", new Underlay(IpAddress.parse("198.18.0.3"), ic, "eth0", 1300)).build();
        try (VxlanNetworkService c = new VxlanNetworkService(nlC, kv, small, PassListener.NONE, TwoHosts.CLOCK)) {
            c.createEndpoint("n1", "n1", ep("ec", "10.20.0.7/24"));
            OverlayException e = fails(Kind.INVALID_REQUEST, () -> c.join("n1", "ec", "k"));
            assertEquals("network n1 has MTU 1350, but this host's underlay device eth0 has MTU 1300 and VXLAN needs 50"
                    + " bytes, so containers here can have at most 1250. Raise the MTU of eth0 to at least 1400 on this"
                    + " host, or use a network created with -o com.docker.network.driver.mtu=1250 (or less)", e.getMessage());
            assertTrue(nlC.findLinkByName("jo-h-ec").isEmpty() && nlC.findLinkByName("jo-br-1").isEmpty(),
                    "nothing is built");
        }
    }

    @Test
    void joinFailsClearlyWhenAForeignVxlanHoldsTheVniAndLeavesNothingBehind() throws Exception {
        nlA.linkAdd(Vxlan.builder(io.javaoverlay.netlink.LinkAttrs.named("vxlan0"), 1).build());
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint("n1", "n1", ep("ea", "10.20.0.5/24"));
        OverlayException e = fails(Kind.UNAVAILABLE, () -> a.join("n1", "ea", "k"));
        assertTrue(e.getMessage().contains("VNI 1 on UDP port 4789 is already used by device vxlan0"), e.getMessage());
        assertTrue(nlA.findLinkByName("jo-h-ea").isEmpty(), "no half-plumbed veth is left behind");
        TwoHosts.await("the pass removes the bridge Join made", () -> nlA.findLinkByName("jo-br-1").isEmpty());
        assertTrue(nlA.findLinkByName("vxlan0").isPresent(), "the foreign device is untouched");
    }

    @Test
    void restartWithANewAdvertiseAddressRepublishesTheVtep() throws Exception {
        a.createNetwork(net("n1", Map.of()));
        a.createEndpoint("n1", "n1", ep("ea", "10.20.0.5/24"));
        a.close();
        try (VxlanNetworkService moved = new VxlanNetworkService(nlA, kv, config("host-a", "198.18.0.99", 10))) {
            moved.start();
            assertEquals(IpAddress.parse("198.18.0.99"), store().findEndpoint("n1", "ea").orElseThrow().vtep());
        }
    }

    @Test
    void unknownAndBadIdsOfTheOtherCalls() {
        a.deleteEndpoint("never-seen", "e1");
        a.leave("never-seen", "e1");
        a.forgetLocalNetwork("never-seen");
        fails(Kind.INVALID_REQUEST, () -> a.deleteEndpoint("bad id", "e1"));
        fails(Kind.INVALID_REQUEST, () -> a.join("n1", "bad id", "k"));
        assertEquals(Optional.empty(), a.network("never-seen"));
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
        // Through the service: the grant, the index key and the container end Join plumbs carry the derived MAC.
        a.createNetwork(new NetworkSpec("n6", List.of(), List.of(NetworkRecord.Pool.of("JavaOverlayLocal",
                IpPrefix.parse("fd00::/64"), Optional.of(IpPrefix.parse("fd00::1/64")), Map.of())), Map.of(), true, false));
        EndpointGrant g = a.createEndpoint("n6", "n6", new EndpointSpec("e6abcdef99", Optional.empty(),
                Optional.of(IpPrefix.parse("fd00::5/64")), Optional.empty()));
        assertEquals(Optional.of(derived), g.assignedMac());
        assertEquals(Optional.of("e6abcdef99"), a.endpointHolding("n6", IpAddress.parse("fd00::5")));
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
        assertEquals(2, store().networks().size(), "two networks, each with its own VNI");
        assertEquals(java.util.Set.of(1, 2), java.util.Set.of(vniOf("n2"), vniOf("n123")));
    }
}
