package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import io.javaoverlay.server.docker.DockerNetwork;
import io.javaoverlay.server.docker.NetworkCreate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replication decisions on simulated hosts (fake dockerd and aliases) sharing one real local store. */
class NetworkReplicatorTest {
    @TempDir
    Path dir;

    KvStore store;
    FakeDirectory aliases = new FakeDirectory();
    FakeHost h1;
    FakeHost h2;
    FakeHost h3;
    NetworkReplicator r1;
    NetworkReplicator r2;
    NetworkReplicator r3;
    final List<String> logged = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record.getLevel() + " " + record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void setUp() throws Exception {
        store = LocalKvStore.open(dir);
        aliases.store = store;
        h1 = new FakeHost("h1", aliases);
        h2 = new FakeHost("h2", aliases);
        h3 = new FakeHost("h3", aliases);
        r1 = replicator(h1);
        r2 = replicator(h2);
        r3 = replicator(h3);
        Logger.getLogger(NetworkReplicator.class.getName()).addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger(NetworkReplicator.class.getName()).removeHandler(capture);
        store.close();
    }

    /** A clock the tests move forward. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-22T09:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();

    NetworkReplicator replicator(FakeHost h) {
        return new NetworkReplicator(h, store, aliases.of(h.name), aliases.membership(), h.name, clock);
    }

    Optional<ClusterNetwork> record(String name) throws Exception {
        return store.get(ClusterKeys.network(name)).map(e -> ClusterKeys.decode(e.key(), e.value()));
    }

    boolean loggedLine(String text) {
        synchronized (logged) {
            return logged.stream().anyMatch(l -> l.contains(text));
        }
    }

    @Test
    void createdOnOneHostIsPublishedAndCreatedOnTheOthersWithTheClusterId() throws Exception {
        String id1 = h1.userCreate("blue", "198.18.5.0/24", Map.of("com.docker.network.driver.mtu", "1300"));
        assertEquals(List.of("blue"), r1.pass().published());
        ClusterNetwork rec = record("blue").orElseThrow();
        assertEquals(new ClusterNetwork("blue", id1, List.of(new ClusterNetwork.Pool("198.18.5.0/24", null, "198.18.5.1")),
                Map.of("com.docker.network.driver.mtu", "1300"), Map.of(), false, false, "h1",
                Instant.parse("2026-11-22T09:00:00Z").toEpochMilli(), ClusterNetwork.ACTIVE, null), rec);

        assertEquals(List.of("blue"), r2.pass().created());
        NetworkCreate sent = h2.createCalls.get(0);
        assertEquals(new NetworkCreate("blue", "javaoverlay",
                Map.of("com.docker.network.driver.mtu", "1300", "javaoverlay.cluster-id", id1), "javaoverlay",
                Map.of("javaoverlay.network", id1), List.of(new DockerNetwork.IpamConfig("198.18.5.0/24", null, "198.18.5.1")),
                false, false), sent);
        assertEquals(List.of("blue"), r3.pass().created());
        assertEquals(Optional.of(id1), aliases.clusterIdOf("h3", h3.idOf("blue")));
        for (NetworkReplicator r : List.of(r1, r2, r3)) {
            assertTrue(r.pass().quiet(), "converged: a second pass does nothing");
        }
    }

    @Test
    void anIpv6OnlyNetworkIsReplicatedIpv6OnlyAndACidrGatewayAsABareAddress() throws Exception {
        // Docker 26 prints an IPAM-allocated IPv6 gateway as fd00:142::1/64 and refuses that form in create;
        // Docker 28 needs EnableIPv4:false, or it adds an IPv4 pool the cluster's network does not have.
        String id1 = h1.userCreate("v6", "fd00:142::/64", Map.of());
        DockerNetwork made = h1.networks.get(id1);
        h1.networks.put(id1, new DockerNetwork(id1, "v6", made.driver(), Map.of(), made.ipamDriver(), Map.of(),
                List.of(new DockerNetwork.IpamConfig("fd00:142::/64", null, "fd00:142::1/64")), true, false, 0, false));
        assertEquals(List.of("v6"), r1.pass().published());
        ClusterNetwork rec = record("v6").orElseThrow();
        assertEquals(List.of(new ClusterNetwork.Pool("fd00:142::/64", null, "fd00:142::1")), rec.ipam());
        assertEquals(false, rec.enableIPv4());

        assertEquals(List.of("v6"), r2.pass().created());
        NetworkCreate sent = h2.createCalls.get(0);
        assertEquals(List.of(new DockerNetwork.IpamConfig("fd00:142::/64", null, "fd00:142::1")), sent.ipam());
        assertEquals(false, sent.enableIPv4());
        assertTrue(r2.pass().quiet(), "converged: the copy matches the cluster's definition");
        assertTrue(r1.pass().quiet(), "the creator's own network matches too");
    }

    @Test
    void aRecordWithoutEnableIpv4FromAnEarlierReleaseMeansIpv4On() {
        ClusterNetwork old = ClusterKeys.decode("clusternets/blue", ("{\"name\":\"blue\",\"clusterId\":\"abc\","
                + "\"ipam\":[{\"subnet\":\"fd00::/64\",\"gateway\":\"fd00::1/64\"}]}").getBytes());
        assertEquals(true, old.enableIPv4());
        assertEquals("fd00::1", old.ipam().get(0).gateway());
    }

    @Test
    void aManagedPluginReplicatesUnderItsTaggedNameAndSharesNetworksWithLegacyHosts() throws Exception {
        String managed = "javaoverlay:latest";
        NetworkReplicator m2 = new NetworkReplicator(h2, store, aliases.of(h2.name), aliases.membership(), h2.name, clock,
                managed);
        NetworkReplicator m3 = new NetworkReplicator(h3, store, aliases.of(h3.name), aliases.membership(), h3.name, clock,
                managed);
        h2.userCreate("legacy-named", "198.18.7.0/24", Map.of()); // -d javaoverlay on h2: not this plugin's network
        String id2 = h2.userCreate("blue", "198.18.5.0/24", Map.of(), managed);
        assertEquals(List.of("blue"), m2.pass().published());

        assertEquals(List.of("blue"), m3.pass().created());
        NetworkCreate sent = h3.createCalls.get(0);
        assertEquals(managed, sent.driver());
        assertEquals(managed, sent.ipamDriver());
        assertEquals(List.of("blue"), r1.pass().created(), "a legacy host gets it under the legacy name");
        assertEquals(NetworkReplicator.DRIVER, h1.createCalls.get(0).driver());
        assertEquals(Optional.of(id2), aliases.clusterIdOf("h1", h1.idOf("blue")));
        for (NetworkReplicator r : List.of(r1, m2, m3)) {
            assertTrue(r.pass().quiet(), "converged: a second pass does nothing");
        }
    }

    @Test
    void aHostThatJoinsLaterOrRestartsItsPluginCatchesUp() throws Exception {
        h1.userCreate("blue", "198.18.5.0/24", Map.of());
        h1.userCreate("green", "198.18.6.0/24", Map.of());
        r1.pass();
        FakeHost h4 = new FakeHost("h4", aliases);
        NetworkReplicator r4 = replicator(h4);
        h4.down = true; // dockerd still starting
        assertThrows(IOException.class, r4::pass);
        h4.down = false;
        assertEquals(List.of("blue", "green"), r4.pass().created());
        assertTrue(replicator(h4).pass().quiet(), "a restarted plugin finds everything in place");
    }

    @Test
    void sameNameWithAnotherDefinitionLosesWithAnErrorSayingWhatDiffersAndIsRemoved() throws Exception {
        h1.userCreate("blue", "198.18.5.0/24", Map.of());
        String id2 = h2.userCreate("blue", "198.18.7.0/24", Map.of("com.docker.network.driver.mtu", "1300"));
        r1.pass();
        NetworkReplicator.ReplicationReport p = r2.pass();
        assertEquals(List.of("blue"), p.conflicts());
        assertEquals(List.of("blue"), p.removed(), "the later one has no containers: removed");
        assertTrue(loggedLine("SEVERE network blue on h2 conflicts with the cluster's network blue created on h1:"
                + " subnets [198.18.5.0/24 gateway 198.18.5.1] in the cluster, [198.18.7.0/24 gateway 198.18.7.1] here;"
                + " option com.docker.network.driver.mtu: unset in the cluster, '1300' here; the later one loses"), logged.toString());
        assertNull(h2.networks.get(id2));
        assertEquals(List.of("blue"), r2.pass().created(), "then the cluster's definition is created");
        assertEquals("198.18.5.0/24", h2.networks.get(h2.idOf("blue")).ipam().get(0).subnet());
    }

    @Test
    void removalWaitsForTheHostWithContainersSaysWhichAndThenCompletes() throws Exception {
        String id1 = h1.userCreate("blue", "198.18.5.0/24", Map.of());
        r1.pass();
        r2.pass();
        r3.pass();
        String id3 = h3.idOf("blue");
        h3.containers.put(id3, 2);
        h2.userRemove(h2.idOf("blue"), r2); // docker network rm blue on h2
        ClusterNetwork deleting = record("blue").orElseThrow();
        assertTrue(deleting.deleting());
        assertEquals("h2", deleting.deleteRequestedBy());

        assertEquals(List.of("blue"), r1.pass().removed());
        assertEquals(List.of("blue"), r3.pass().waiting());
        assertTrue(loggedLine("WARNING network blue removal requested on h2 waits for host h3: 2 containers attached"),
                logged.toString());
        r2.pass();
        assertTrue(loggedLine("network blue removal requested on h2 waits for host(s) [h3]"), logged.toString());
        assertTrue(record("blue").isPresent(), "not forgotten while h3 has it");
        assertNull(h2.idOf("blue"), "h2 does not re-create a network being removed");

        aliases.dead.add("h3");
        r1.pass();
        assertTrue(loggedLine("WARNING network blue removal requested on h2 waits for host(s) [h3]; not running"
                + " javaoverlay now: [h3 (dead)]"), logged.toString());
        aliases.dead.clear();
        h3.containers.remove(id3);
        NetworkReplicator.ReplicationReport last = r3.pass();
        assertEquals(List.of("blue"), last.removed());
        assertEquals(List.of("blue"), last.forgotten(), "the last host's removal lets the record go");
        assertTrue(record("blue").isEmpty());
        assertNull(h1.networks.get(id1));

        String again = h1.userCreate("blue", "198.18.5.0/24", Map.of()); // same name again after removal
        assertEquals(List.of("blue"), r1.pass().published());
        assertEquals(again, record("blue").orElseThrow().clusterId());
        assertEquals(List.of("blue"), r3.pass().created());
    }

    @Test
    void aReplicatedNetworkWhoseRecordVanishedIsRemoved() throws Exception {
        h1.userCreate("blue", "198.18.5.0/24", Map.of());
        r1.pass();
        r2.pass();
        store.delete(ClusterKeys.network("blue"));
        assertEquals(List.of("blue"), r2.pass().removed());
        assertEquals(List.of("blue"), r1.pass().published(), "the creator's copy is published again");
    }

    @Test
    void markDeletingIgnoresNetworksThatAreNotTheClusterOne() throws Exception {
        h1.userCreate("blue", "198.18.5.0/24", Map.of());
        r1.pass();
        r2.markDeleting("unknown");
        String other = h2.userCreate("blue", "198.18.7.0/24", Map.of()); // a loser of the name race
        r2.markDeleting(other);
        assertNotNull(record("blue").orElseThrow());
        assertTrue(!record("blue").orElseThrow().deleting());
    }

    @Test
    void aDockerNetworkRemovedWhileThePluginWasDownIsForgottenAfterAGraceAndComesBack() throws Exception {
        h1.userCreate("blue", "198.18.5.0/24", Map.of());
        r1.pass();
        r2.pass();
        String gone = h2.idOf("blue");
        h2.networks.remove(gone); // docker network rm on h2 while its plugin was down: DeleteNetwork failed
        assertTrue(r2.pass().created().isEmpty(), "recorded here but not listed: maybe being removed, so not created");
        assertEquals(Optional.of(record("blue").orElseThrow().clusterId()), aliases.clusterIdOf("h2", gone),
                "the stale alias is kept for a grace period (a network being created is not listed yet)");
        assertEquals(Optional.of(NetworkReplicator.STALE_AFTER), r2.nextDeadline(),
                "the loop must look again when the grace ends, not a resync later (no event announces it)");
        clock.now = clock.now.plus(NetworkReplicator.STALE_AFTER);
        NetworkReplicator.ReplicationReport p = r2.pass();
        assertEquals(List.of(gone), p.forgotten());
        assertEquals(List.of("blue"), p.created(), "the cluster still defines it: created again");
        assertEquals(Optional.empty(), aliases.clusterIdOf("h2", gone));
        assertTrue(r2.pass().quiet());
        assertEquals(Optional.empty(), r2.nextDeadline());
    }

    @Test
    void aNetworkDockerIsRemovingHereIsNotCreatedAgainBeforeOrAfterItsDeleteNetwork() throws Exception {
        String id1 = h1.userCreate("good", "198.18.5.0/24", Map.of());
        r1.pass();
        // docker network rm good: Docker hides the network first, then calls DeleteNetwork (which marks
        // the record and drops the alias). A pass in between reads the record still active.
        DockerNetwork hidden = h1.networks.remove(id1);
        assertTrue(r1.pass().created().isEmpty(), "recorded here: being removed, not re-created");
        h1.networks.put(id1, hidden);
        h1.userRemove(id1, r1);
        assertTrue(r1.pass().created().isEmpty(), "marked for removal, and removed here");
        assertEquals(List.of(), h1.createCalls);
        assertTrue(record("good").isEmpty(), "no host has it: its definition is forgotten");
    }

    @Test
    void aRecordReadBeforeARemovalHereIsNotActedOn() throws Exception {
        String id1 = h1.userCreate("good", "198.18.5.0/24", Map.of());
        r1.pass();
        r2.pass();
        String cid = record("good").orElseThrow().clusterId();
        // h2's DeleteNetwork ran but its mark was not stored (the store hiccupped); its copy is gone.
        aliases.remove("h2", h2.idOf("good"));
        h2.networks.remove(h2.idOf("good"));
        r2.removedHere(cid);
        assertTrue(r2.pass().created().isEmpty(), "removed here: never re-created from a record read earlier");
        assertTrue(h1.networks.containsKey(id1));
    }

    @Test
    void dockerDownChangesNothing() throws Exception {
        h1.userCreate("blue", "198.18.5.0/24", Map.of());
        r1.pass();
        h2.down = true;
        assertThrows(java.net.ConnectException.class, r2::pass);
        assertTrue(h2.networks.isEmpty());
        assertTrue(record("blue").isPresent());
    }
}
