package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OverlayStore} against a real backend: the endpoint index keys (written and deleted with their
 * record, conflicts named, stale keys cleaned) and the network operations the cluster layer composes
 * its own keys with. Subclassed once per backend (in-memory, local file store, Consul).
 */
public abstract class OverlayStoreContract {
    static final IpAddress VTEP_A = IpAddress.parse("198.18.0.1");
    static final IpAddress VTEP_B = IpAddress.parse("198.18.0.2");

    protected KvStore kv;
    protected OverlayStore store;

    /** A fresh, empty store for one test; closed after it. */
    protected abstract KvStore createStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        kv = createStore();
        store = new OverlayStore(kv);
        store.claimNetwork(NetworkRecord.builder("n1").mtu(Optional.of(1350)).build(), Optional.of(7), 1, 100);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    static EndpointRecord ep(String eid, String host, String mac, String v4, String v6, long createdAt) {
        return new EndpointRecord("n1", eid, host, host.equals("host-a") ? VTEP_A : VTEP_B, MacAddress.parse(mac),
                v4 == null ? null : IpPrefix.parse(v4), v6 == null ? null : IpPrefix.parse(v6), "docker-" + host, createdAt);
    }

    String value(String key) throws Exception {
        return kv.get(key).map(e -> e.valueAsString()).orElse(null);
    }

    static OverlayException fails(Kind kind, Runnable r) {
        OverlayException e = assertThrows(OverlayException.class, r::run);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    @Test
    void aRecordAndItsIndexKeysAreWrittenAndDeletedTogether() throws Exception {
        EndpointRecord e1 = ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.5/24", "fd00::5/64", 100);
        assertEquals(e1, store.createEndpoint(e1));
        assertEquals("e1", value("eidx/n1/mac/02:42:0a:14:00:05"));
        assertEquals("e1", value("eidx/n1/ip/10.20.0.5"));
        assertEquals("e1", value("eidx/n1/ip/fd00::5"));
        assertEquals(Optional.of("e1"), store.endpointHolding("n1", IpAddress.parse("fd00::5")));
        assertEquals(new OverlayStore.NetworkAndEndpoint(store.findNetwork("n1"), Optional.of(e1)), store.read("n1", "e1"));
        assertEquals(Optional.of(e1), store.deleteEndpoint("n1", "e1"));
        assertEquals(List.of(), kv.list(NetworkKeys.ENDPOINT_INDEX));
        assertEquals(Optional.empty(), store.findEndpoint("n1", "e1"));
        assertEquals(Optional.empty(), store.deleteEndpoint("n1", "e1"), "absent is fine");
    }

    @Test
    void aRepeatedCreateReturnsTheFirstRecordAndOtherValuesConflict() {
        EndpointRecord e1 = ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.5/24", null, 100);
        store.createEndpoint(e1);
        assertEquals(e1, store.createEndpoint(e1.withOwner("docker-host-a", 999)), "the first creation time stands");
        assertEquals(e1, store.createEndpoint(e1.withVtep(IpAddress.parse("198.18.0.99"))),
                "the host restarted with another advertise address: still the same request (refreshVteps rewrites it)");
        OverlayException e = fails(Kind.CONFLICT, () -> store.createEndpoint(
                ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.9/24", null, 100)));
        assertEquals("endpoint e1 of network n1 already exists with different addresses, MAC or host (host-a)", e.getMessage());
    }

    @Test
    void aMacOrAddressOfAnotherLiveEndpointIsAConflictNamingItAndItsHost() throws Exception {
        store.createEndpoint(ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.5/24", "fd00::5/64", 100));
        OverlayException mac = fails(Kind.CONFLICT, () -> store.createEndpoint(
                ep("e2", "host-b", "02:42:0a:14:00:05", "10.20.0.6/24", null, 100)));
        assertEquals("endpoint e2: MAC 02:42:0a:14:00:05 is already used by endpoint e1 on host host-a", mac.getMessage());
        OverlayException v6 = fails(Kind.CONFLICT, () -> store.createEndpoint(
                ep("e2", "host-b", "02:42:0a:14:00:06", "10.20.0.6/24", "fd00::5/64", 100)));
        assertEquals("endpoint e2: address fd00::5 is already used by endpoint e1 on host host-a", v6.getMessage());
        assertEquals(Optional.empty(), store.findEndpoint("n1", "e2"), "a refused create writes nothing");
        assertEquals(3, kv.list(NetworkKeys.ENDPOINT_INDEX).size());
    }

    @Test
    void indexKeysLeftByRecordsThatAreGoneAreRemovedAndTheCreateRetried() throws Exception {
        kv.put(NetworkKeys.ipIndex("n1", IpAddress.parse("10.20.0.5")), "ghost".getBytes(StandardCharsets.UTF_8));
        kv.put(NetworkKeys.macIndex("n1", MacAddress.parse("02:42:0a:14:00:05")), "e1".getBytes(StandardCharsets.UTF_8));
        EndpointRecord e1 = ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.5/24", null, 100);
        assertEquals(e1, store.createEndpoint(e1));
        assertEquals("e1", value("eidx/n1/ip/10.20.0.5"));
        assertEquals("e1", value("eidx/n1/mac/02:42:0a:14:00:05"));
    }

    @Test
    void aRecordOfThePreviousReleaseTakesOnlyIndexKeysThatAreItsOwn() throws Exception {
        EndpointRecord old = new EndpointRecord("n1", "old", "host-a", VTEP_A, MacAddress.parse("02:42:0a:14:00:05"),
                IpPrefix.parse("10.20.0.5/24"), null);
        kv.put(NetworkKeys.endpoint("n1", "old"), NetworkKeys.encode(old)); // no index keys, as it was written
        assertTrue(old.isLegacy());
        EndpointRecord newer = ep("new", "host-b", "02:42:0a:14:00:07", "10.20.0.5/24", null, 100);
        store.createEndpoint(newer); // nothing indexed the old record's address
        store.deleteEndpoint("n1", "old");
        assertEquals("new", value("eidx/n1/ip/10.20.0.5"), "the newer endpoint keeps its index key");
    }

    @Test
    void aStaleEndpointIsDeletedOnlyWhileItIsStillTheSameRecord() throws Exception {
        EndpointRecord e1 = ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.5/24", null, 100);
        store.createEndpoint(e1);
        assertEquals(false, store.deleteStaleEndpoint(e1.withOwner("docker-host-a", 50)), "judged on another creation");
        assertTrue(store.findEndpoint("n1", "e1").isPresent());
        assertEquals(true, store.deleteStaleEndpoint(e1));
        assertEquals(List.of(), kv.list(NetworkKeys.ENDPOINT_INDEX));
        assertEquals(false, store.deleteStaleEndpoint(e1), "gone already");
    }

    @Test
    void theOwnersViewListsEveryNetworkEvenOneWhoseRecordIsGone() {
        store.createEndpoint(ep("e1", "host-a", "02:42:0a:14:00:05", "10.20.0.5/24", null, 100));
        store.createEndpoint(ep("e2", "host-b", "02:42:0a:14:00:06", "10.20.0.6/24", null, 100));
        store.deleteNetwork("n1", List.of());
        assertEquals(List.of("e1"), store.endpointsOfHost("host-a").stream().map(EndpointRecord::endpointId).toList());
        assertEquals(List.of("e2"), store.endpointsOfHost("host-b").stream().map(EndpointRecord::endpointId).toList());
    }

    @Test
    void joinRewritesTheRecordTogetherWithTheCallersKeys() throws Exception {
        long before = kv.get(NetworkKeys.network("n1")).orElseThrow().modifyIndex();
        NetworkRecord joined = store.joinNetwork("n1", List.of(new TxnOp.Set("netalias/host-b/dockerB",
                "n1".getBytes(StandardCharsets.UTF_8))));
        assertEquals(7, joined.vni());
        assertEquals("n1", value("netalias/host-b/dockerB"));
        assertTrue(kv.get(NetworkKeys.network("n1")).orElseThrow().modifyIndex() > before, "the record was rewritten");
        OverlayException gone = fails(Kind.NOT_FOUND, () -> store.joinNetwork("n9", List.of(
                new TxnOp.Set("netalias/host-b/dockerC", "n9".getBytes(StandardCharsets.UTF_8)))));
        assertEquals("javaoverlay network n9 does not exist (any more)", gone.getMessage());
        OverlayException cond = fails(Kind.CONFLICT, () -> store.joinNetwork("n1", List.of(
                new TxnOp.CheckNotExists("netalias/host-b/dockerB"),
                new TxnOp.Set("netalias/host-b/dockerD", "n1".getBytes(StandardCharsets.UTF_8)))));
        assertTrue(cond.getMessage().contains("netalias/host-b/dockerB"), cond.getMessage());
        assertEquals(null, value("netalias/host-b/dockerC"));
        assertEquals(null, value("netalias/host-b/dockerD"), "nothing of a failed join is written");
    }

    @Test
    void deletingANetworkTakesItsRecordAndVniButNeverEndpointRecords() throws Exception {
        store.createEndpoint(ep("e2", "host-b", "02:42:0a:14:00:06", "10.20.0.6/24", null, 100));
        assertEquals(7, store.deleteNetwork("n1", List.of()).orElseThrow().vni());
        assertEquals(Optional.empty(), store.findNetwork("n1"));
        assertEquals(Map.of(), store.vniTable());
        assertTrue(store.findEndpoint("n1", "e2").isPresent(), "another host's container may still run");
        assertEquals(Optional.empty(), store.deleteNetwork("n1", List.of()), "unknown: empty");
    }

    @Test
    void aFailingConditionDeletesNothing() throws Exception {
        kv.put("netalias/host-b/dockerB", "n1".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), store.deleteNetwork("n1", List.of(new TxnOp.CheckNotExists("netalias/host-b/dockerB"))));
        assertTrue(store.findNetwork("n1").isPresent());
        assertEquals(Map.of(7, "n1"), store.vniTable());
    }

    @Test
    void theVniClaimGoesOnlyIfItStillPointsAtTheNetwork() throws Exception {
        kv.put(NetworkKeys.vni(7), "other".getBytes(StandardCharsets.UTF_8));
        store.deleteNetwork("n1", List.of());
        assertEquals(Map.of(7, "other"), store.vniTable());
    }

    /** The guard reads after the record: a join between its read and the delete makes it decide again. */
    @Test
    void aJoinThatRacesADeleteEitherIsSeenOrMakesTheDeleteFail() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Optional<NetworkRecord> deleted = store.deleteNetwork("n1", current -> {
            if (asked.incrementAndGet() == 1) {
                // Another host joins right after this delete read the record (and found no alias).
                store.joinNetwork("n1", List.of(new TxnOp.Set("netalias/host-b/dockerB",
                        "n1".getBytes(StandardCharsets.UTF_8))));
                return Optional.of(List.of());
            }
            return kv.list("netalias/").isEmpty() ? Optional.of(List.of()) : Optional.empty();
        });
        assertEquals(Optional.empty(), deleted);
        assertEquals(2, asked.get(), "asked again after the lost race");
        assertTrue(store.findNetwork("n1").isPresent(), "the joined network stays");
    }

    @Test
    void ofConcurrentCreatesOfOneAddressExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    try {
                        store.createEndpoint(ep("e" + n, n % 2 == 0 ? "host-a" : "host-b",
                                String.format("02:00:00:00:00:%02x", n), "10.20.0.5/24", null, 100));
                        return "ok";
                    } catch (OverlayException e) {
                        return e.kind().toString();
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            assertEquals(1, outcomes.stream().filter("ok"::equals).count(), outcomes.toString());
            assertEquals(5, outcomes.stream().filter("CONFLICT"::equals).count(), outcomes.toString());
            assertEquals(1, kv.list(NetworkKeys.ENDPOINTS).size());
            assertEquals(2, kv.list(NetworkKeys.ENDPOINT_INDEX).size(), "one MAC and one address key");
        } finally {
            pool.shutdownNow();
        }
    }
}
