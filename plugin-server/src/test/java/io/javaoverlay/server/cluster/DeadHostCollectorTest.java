package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamConfig;
import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.ipam.KvIpamService;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of design-core §5: who collects, when, what goes, and the operator's {@code host forget}.
 * Three hosts share an in-memory store: h1 and h2 alive, h3 dead. c1 is on h1 and h3; c3 only on h3.
 */
class DeadHostCollectorTest {
    static final Duration RETENTION = Duration.ofHours(1);
    static final IpPrefix POOL1 = IpPrefix.parse("198.18.20.0/24");
    static final IpPrefix POOL3 = IpPrefix.parse("198.18.23.0/24");

    final FakeTime time = new FakeTime();
    final InMemoryKvStore kv = new InMemoryKvStore();
    final OverlayStore store = new OverlayStore(kv);
    final FakeOverlay overlay = new FakeOverlay();
    final FakeMembershipView membership = new FakeMembershipView();
    final KvIpamService ipam1 = new KvIpamService(kv, IpamConfig.defaults("h1"), time);
    final KvIpamService ipam3 = new KvIpamService(kv, IpamConfig.defaults("h3"), time);
    final List<String> hooked = new ArrayList<>();
    DeadHostCollector collector;

    @BeforeEach
    void setUp() throws Exception {
        String pool1 = ipam1.requestPool(request(POOL1)).poolId();
        ipam1.requestAddress(new IpamService.AddressRequest(pool1, Optional.empty(), IpamService.AddressKind.GATEWAY, Map.of()));
        ipam3.requestPool(request(POOL1));
        String pool3 = ipam3.requestPool(request(POOL3)).poolId();
        ipam3.requestAddress(new IpamService.AddressRequest(pool3, Optional.empty(), IpamService.AddressKind.GATEWAY, Map.of()));
        network("c1", POOL1);
        network("c3", POOL3);
        alias("h1", "d1", "c1");
        alias("h3", "d3", "c1");
        alias("h3", "d33", "c3");
        endpoint(ipam1, pool1, "e1", "h1", "198.18.20.4");
        endpoint(ipam3, pool1, "e3", "h3", "198.18.20.5");
        endpoint(ipam3, pool3, "e33", "h3", "198.18.23.5");
        kv.put(ClusterKeys.host("h3"), ClusterKeys.encodeHost(new HostRecord("h3", "198.18.0.13", "", "", 1, 7)));
        membership.host("h1", Liveness.ALIVE).host("h2", Liveness.ALIVE).dead("h3", RETENTION.plusSeconds(1));
        collector = collector("h1");
    }

    @AfterEach
    void tearDown() {
        collector.close();
    }

    DeadHostCollector collector(String self) {
        NetworkIdentity identity = new NetworkIdentity(kv, store, self, false);
        DeadHostCollector c = new DeadHostCollector(self, membership, overlay, ipam1, identity, kv, RETENTION,
                Duration.ofSeconds(30));
        c.addHook(hooked::add);
        return c;
    }

    static IpamService.PoolRequest request(IpPrefix pool) {
        return new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(pool), Optional.empty(), Map.of(), false);
    }

    void network(String cid, IpPrefix pool) {
        NetworkRecord r = NetworkRecord.builder(cid).ipv4(List.of(NetworkRecord.Pool.of("JavaOverlayLocal", pool,
                Optional.empty(), Map.of()))).createdBy("h1").build();
        store.claimNetwork(r, Optional.empty(), 1, 4095);
        overlay.network(store.findNetwork(cid).orElseThrow());
    }

    void alias(String host, String local, String cid) throws Exception {
        kv.put(ClusterKeys.alias(host, local), cid.getBytes(StandardCharsets.UTF_8));
    }

    void endpoint(KvIpamService ipam, String poolId, String eid, String host, String ip) {
        ipam.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse(ip)),
                IpamService.AddressKind.ORDINARY, Map.of()));
        byte[] b = IpAddress.parse(ip).bytes();
        String cid = ip.startsWith("198.18.23.") ? "c3" : "c1";
        overlay.endpoint(new EndpointRecord(cid, eid, host, IpAddress.parse("198.18.0." + host.substring(1)),
                MacAddress.of(new byte[] {2, 0x42, b[0], b[1], b[2], b[3]}), IpPrefix.parse(ip + "/24"), null,
                "d" + host.substring(1), time.millis()));
    }

    boolean claimed(IpPrefix pool, String ip) {
        return ipam1.claim(pool, IpAddress.parse(ip)).isPresent();
    }

    @Test
    void theLowestAliveHostCollectsAHostDeadForTheRetentionAndEverythingOfItGoes() throws Exception {
        List<DeadHostCollector.Collected> done = collector.pass();
        assertEquals(1, done.size());
        DeadHostCollector.Collected c = done.get(0);
        assertEquals(new DeadHostCollector.Collected("h3", 2, 2, 2, List.of(POOL3), 2, List.of("c3"), true), c);
        assertEquals(List.of("e1"), overlay.allEndpoints().stream().map(EndpointRecord::endpointId).toList());
        assertFalse(claimed(POOL1, "198.18.20.5"), "its address is free");
        assertTrue(claimed(POOL1, "198.18.20.4"), "another host's address stays");
        assertTrue(claimed(POOL1, "198.18.20.1"), "the gateway stays");
        assertEquals(List.of(POOL1), ipam1.pools().stream().map(IpamService.PoolInfo::pool).toList(),
                "the pool only h3 held is deleted");
        assertEquals(List.of("h1"), ipam1.pools().get(0).holders().stream().map(IpamService.Holder::host).toList());
        assertTrue(kv.get(ClusterKeys.alias("h3", "d3")).isEmpty());
        assertTrue(kv.get(ClusterKeys.alias("h3", "d33")).isEmpty());
        assertTrue(kv.get(NetworkKeys.network("c1")).isPresent(), "h1 still has c1");
        assertTrue(kv.get(NetworkKeys.network("c3")).isEmpty(), "c3 went with its last alias");
        assertTrue(kv.get(ClusterKeys.host("h3")).isEmpty());
        assertEquals(List.of("h3"), hooked);

        DeadHostCollector.Collected again = collector.collect("h3");
        assertEquals(new DeadHostCollector.Collected("h3", 0, 0, 0, List.of(), 0, List.of(), false), again,
                "a repeat (or a second collector) finds nothing left");
    }

    @Test
    void onlyTheLowestAliveHostCollects() {
        DeadHostCollector h2 = collector("h2");
        try {
            assertTrue(h2.pass().isEmpty());
            assertEquals(3, overlay.allEndpoints().size());
            membership.host("h1", Liveness.SILENT); // h1's plugin is down: h2 is the lowest ALIVE host now
            assertEquals(1, h2.pass().size());
        } finally {
            h2.close();
        }
    }

    @Test
    void nothingIsCollectedBeforeTheRetention() {
        membership.dead("h3", RETENTION.minusSeconds(1));
        assertTrue(collector.pass().isEmpty());
        assertEquals(3, overlay.allEndpoints().size());
        assertTrue(claimed(POOL1, "198.18.20.5"));
    }

    @Test
    void nothingIsCollectedWhileTheStoreCannotBeRead() {
        membership.judging = false;
        assertTrue(collector.pass().isEmpty());
        assertEquals(3, overlay.allEndpoints().size());
    }

    @Test
    void everyPassTellsTheMembershipWhoOwnsRecords() {
        membership.judging = false;
        collector.pass();
        assertEquals(Map.of("h1", Optional.of(IpAddress.parse("198.18.0.1")), "h3", Optional.of(IpAddress.parse("198.18.0.3"))),
                membership.owners);
    }

    @Test
    void forgetRefusesThisHostLiveHostsAndUnknownOnesAndCollectsADeadOneAtOnce() {
        OverlayException self = assertThrows(OverlayException.class, () -> collector.forget("h1"));
        assertEquals(OverlayException.Kind.CONFLICT, self.kind());
        assertTrue(self.getMessage().contains("it is this host"), self.getMessage());
        OverlayException alive = assertThrows(OverlayException.class, () -> collector.forget("h2"));
        assertEquals(OverlayException.Kind.CONFLICT, alive.kind());
        assertTrue(alive.getMessage().contains("it is alive"), alive.getMessage());
        membership.host("h2", Liveness.SILENT);
        assertEquals(OverlayException.Kind.CONFLICT, assertThrows(OverlayException.class, () -> collector.forget("h2")).kind());
        assertEquals(OverlayException.Kind.NOT_FOUND, assertThrows(OverlayException.class, () -> collector.forget("h9")).kind());
        assertEquals(OverlayException.Kind.INVALID_REQUEST,
                assertThrows(OverlayException.class, () -> collector.forget("../x")).kind());

        membership.dead("h3", Duration.ofSeconds(1)); // dead, well within the retention
        assertEquals(2, collector.forget("h3").endpoints());
        assertFalse(claimed(POOL1, "198.18.20.5"));
        // An operator's quick repeat, before the membership's next look drops h3: nothing is left.
        OverlayException again = assertThrows(OverlayException.class, () -> collector.forget("h3"));
        assertEquals(OverlayException.Kind.NOT_FOUND, again.kind());
        assertTrue(again.getMessage().contains("host h3 is not known"), again.getMessage());
    }
}
