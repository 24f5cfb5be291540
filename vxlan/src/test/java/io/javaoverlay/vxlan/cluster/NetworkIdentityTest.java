package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.state.NetworkAlias;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.javaoverlay.vxlan.testing.TwoHosts.WAIT;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static io.javaoverlay.vxlan.testing.TwoHosts.fails;
import static io.javaoverlay.vxlan.testing.TwoHosts.net;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Docker 24+ with Scope local: each host has its own Docker network ID for one overlay. Two
 * simulated hosts share one store; host b's Docker IDs differ from host a's. The Docker-ID calls go
 * through the deprecated {@link LegacyDockerIdDriver} (until plugin-server's cluster layer has them).
 */
@SuppressWarnings("removal")
class NetworkIdentityTest extends TwoHostsBase {
    OverlayStore store;
    LegacyDockerIdDriver la;
    LegacyDockerIdDriver lb;
    NetworkIdentity idB;

    @BeforeEach
    void openStoreView() {
        store = new OverlayStore(kv);
        la = new LegacyDockerIdDriver(a, store, "host-a");
        lb = new LegacyDockerIdDriver(b, store, "host-b");
        idB = new NetworkIdentity(store, "host-b");
    }

    @Test
    void replicatedNetworkJoinsTheClusterIdAndEndpointsMeetThere() {
        la.createNetwork(net("na", "198.18.8.0/24", "198.18.8.1/24", Map.of("com.docker.network.driver.mtu", "1300")));
        lb.createNetwork(net("nb", "198.18.8.0/24", "198.18.8.1/24",
                Map.of("com.docker.network.driver.mtu", "1300", "javaoverlay.cluster-id", "na")));
        lb.createNetwork(net("nb", "198.18.8.0/24", "198.18.8.1/24",
                Map.of("com.docker.network.driver.mtu", "1300", "javaoverlay.cluster-id", "na"))); // repeat: idempotent
        assertEquals("na", idB.clusterIdOf("nb"));
        assertEquals(1, store.networks().size(), "one overlay, one VNI");
        assertEquals(List.of(new NetworkAlias("host-a", "na", "na"), new NetworkAlias("host-b", "nb", "na")),
                store.aliases());

        la.createEndpoint("na", ep("ea", "198.18.8.5/24"));
        la.join("na", "ea", "k");
        lb.createEndpoint("nb", ep("eb", "198.18.8.6/24"));
        lb.join("nb", "eb", "k");
        assertEquals(2, store.endpoints("na").size(), "endpoints are keyed by the cluster ID");
        a.reconcilers().of("na").reconcileNow(WAIT);
        int vxA = nlA.findLinkByName("jo-vx-1").orElseThrow().index();
        assertEquals(List.of(FdbEntry.toVtep(vxA, MacAddress.parse("02:42:c6:12:08:06"), IpAddress.parse("198.18.0.2"))),
                nlA.fdbList(vxA).stream().filter(FdbEntry::isSelf).toList());
        assertEquals("nb", store.findEndpoint("na", "eb").orElseThrow().localNetworkId(), "the owner's Docker network ID");
        lb.deleteEndpoint("nb", "eb");
        assertTrue(store.endpoints("na").stream().noneMatch(e -> e.endpointId().equals("eb")));
    }

    @Test
    void handCreatedNetworkWithTheSameSubnetJoinsInsteadOfAllocating() {
        la.createNetwork(net("na", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        lb.createNetwork(net("nb", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        assertEquals("na", idB.clusterIdOf("nb"));
        assertEquals(1, store.vniTable().size());
    }

    @Test
    void differentDefinitionIsRefusedSayingWhatDiffersAndChangesNothing() {
        la.createNetwork(net("na", "198.18.8.0/24", "198.18.8.1/24", Map.of("com.docker.network.driver.mtu", "1300")));
        OverlayException byId = fails(Kind.CONFLICT, () -> lb.createNetwork(net("nb", "198.18.9.0/24", "198.18.9.1/24",
                Map.of("javaoverlay.cluster-id", "na"))));
        assertEquals("network nb cannot join javaoverlay network na (named by option javaoverlay.cluster-id), because the"
                + " definitions differ: IPv4 pools [198.18.8.0/24 gateway 198.18.8.1/24] there, [198.18.9.0/24 gateway"
                + " 198.18.9.1/24] here; option com.docker.network.driver.mtu: '1300' there, unset here", byId.getMessage());
        OverlayException bySubnet = fails(Kind.CONFLICT, () -> lb.createNetwork(net("nc", "198.18.8.0/24", "198.18.8.1/24",
                Map.of("com.docker.network.driver.mtu", "1200"))));
        assertTrue(bySubnet.getMessage().contains("(same subnet 198.18.8.0/24, and a subnet is one network on every host),"
                + " because the definitions differ: option com.docker.network.driver.mtu: '1300' there, '1200' here"),
                bySubnet.getMessage());
        OverlayException vni = fails(Kind.CONFLICT, () -> lb.createNetwork(net("nd", "198.18.8.0/24", "198.18.8.1/24",
                Map.of("com.docker.network.driver.mtu", "1300", "javaoverlay.vni", "77"))));
        assertTrue(vni.getMessage().contains("javaoverlay.vni: 1 there, 77 here"), vni.getMessage());
        assertEquals(List.of(new NetworkAlias("host-a", "na", "na")), store.aliases(), "nothing half-created");
        assertEquals(1, store.networks().size());
    }

    @Test
    void secondDockerNetworkForTheSameOverlayOnOneHostIsRefused() {
        la.createNetwork(net("na", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        lb.createNetwork(net("nb", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        OverlayException e = fails(Kind.CONFLICT, () -> lb.createNetwork(net("nb2", "198.18.8.0/24", "198.18.8.1/24", Map.of())));
        assertTrue(e.getMessage().contains("network nb on this host already is javaoverlay network na"), e.getMessage());
    }

    @Test
    void theOverlayGoesWithTheLastHostAndCanBeCreatedAgain() {
        la.createNetwork(net("na", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        lb.createNetwork(net("nb", "198.18.8.0/24", "198.18.8.1/24", Map.of("javaoverlay.cluster-id", "na")));
        la.deleteNetwork("na"); // the creator leaves first
        assertEquals(1, store.networks().size(), "host b still maps it");
        assertEquals("na", idB.clusterIdOf("nb"));
        lb.deleteNetwork("nb");
        assertEquals(List.of(), store.networks());
        assertEquals(List.of(), store.aliases());
        assertEquals(Map.of(), store.vniTable());
        // The cluster's definition (kept by the replicator) can bring the overlay back under its ID.
        lb.createNetwork(net("nb2", "198.18.8.0/24", "198.18.8.1/24", Map.of("javaoverlay.cluster-id", "na")));
        assertEquals("na", idB.clusterIdOf("nb2"));
        assertEquals(Map.of(1, "na"), store.vniTable());
        lb.deleteNetwork("nb2");
        assertEquals(List.of(), store.networks());
        lb.createNetwork(net("nb3", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        assertEquals("nb3", idB.clusterIdOf("nb3"));
    }

    @Test
    void withoutAliasesDeleteRemovesTheNetworkEverywhere() {
        // 20.10 cluster store: one network ID on every host, CreateNetwork only on the creator.
        la.createNetwork(net("n1", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
        lb.deleteNetwork("n1");
        assertEquals(List.of(), store.networks());
        assertEquals(List.of(), store.aliases());
    }
}
