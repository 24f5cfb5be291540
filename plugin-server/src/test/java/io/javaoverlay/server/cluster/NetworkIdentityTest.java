package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which cluster network a host's Docker network is: joining, resolving, and leaving atomically with
 * the network record. Hosts h1..h3 share one in-memory store; c1 was created on h1 as Docker network c1.
 */
class NetworkIdentityTest {
    static final IpPrefix POOL = IpPrefix.parse("198.18.40.0/24");
    final InMemoryKvStore kv = new InMemoryKvStore();
    final OverlayStore overlay = new OverlayStore(kv);
    final NetworkIdentity h1 = new NetworkIdentity(kv, overlay, "h1", false);
    final NetworkIdentity h2 = new NetworkIdentity(kv, overlay, "h2", false);
    final NetworkIdentity h3 = new NetworkIdentity(kv, overlay, "h3", false);

    @BeforeEach
    void setUp() {
        overlay.claimNetwork(wanted("c1", Map.of()), Optional.empty(), 1, 4095);
        h1.created("c1", "c1");
    }

    static NetworkRecord wanted(String id, Map<String, String> options) {
        return NetworkRecord.builder(id).ipv4(List.of(NetworkRecord.Pool.of("JavaOverlayLocal", POOL, Optional.empty(),
                Map.of()))).options(options).createdBy("h1").build();
    }

    static NetworkOptions opts(Map<String, String> o) {
        return NetworkOptions.parse("x", o);
    }

    @Test
    void aReplicatedNetworkJoinsByOptionOrSamePoolAndResolvesToTheClusterId() {
        assertEquals(Optional.of("c1"), h2.joinTarget(wanted("d2", Map.of()), opts(Map.of(NetworkOptions.CLUSTER_ID, "c1"))));
        assertEquals(Optional.of("c1"), h2.joinTarget(wanted("d2", Map.of()), opts(Map.of())), "the same subnet is one network");
        h2.join(wanted("d2", Map.of()), "c1", Optional.empty());
        assertEquals("c1", h2.clusterIdOf("d2"));
        assertEquals(Optional.of("c1"), h2.joinTarget(wanted("d2", Map.of()), opts(Map.of())), "a repeat finds its alias");
        assertEquals(Set.of("h1", "h2"), h1.hostsWith("c1"));
        assertEquals(Map.of("d2", "c1"), h2.localAliases());
        assertEquals("zz", h2.clusterIdOf("zz"), "without an alias a Docker ID is its own cluster ID");
    }

    @Test
    void aJoinWhoseDefinitionDiffersOrThatDuplicatesALocalNetworkIsRefused() {
        OverlayException differs = assertThrows(OverlayException.class,
                () -> h2.join(wanted("d2", Map.of("com.docker.network.driver.mtu", "1300")), "c1", Optional.empty()));
        assertEquals(OverlayException.Kind.CONFLICT, differs.kind());
        assertTrue(differs.getMessage().contains("option com.docker.network.driver.mtu: unset there, '1300' here"),
                differs.getMessage());
        h2.join(wanted("d2", Map.of()), "c1", Optional.empty());
        OverlayException twice = assertThrows(OverlayException.class,
                () -> h2.join(wanted("d2b", Map.of()), "c1", Optional.empty()));
        assertTrue(twice.getMessage().contains("network d2 on this host already is javaoverlay network c1"), twice.getMessage());
        assertEquals(OverlayException.Kind.NOT_FOUND, assertThrows(OverlayException.class,
                () -> h3.join(wanted("d3", Map.of()), "gone", Optional.empty())).kind());
    }

    @Test
    void leavingKeepsTheNetworkUntilTheLastHostLeavesThenItsRecordGoesWithTheAlias() throws Exception {
        h2.join(wanted("d2", Map.of()), "c1", Optional.empty());
        assertEquals(Optional.of(new NetworkIdentity.Left("c1", false)), h1.leave("c1"));
        assertTrue(kv.get(NetworkKeys.network("c1")).isPresent());
        assertEquals(Optional.of(new NetworkIdentity.Left("c1", true)), h2.leave("d2"));
        assertTrue(kv.get(NetworkKeys.network("c1")).isEmpty());
        assertTrue(kv.list(NetworkKeys.VNIS).isEmpty(), "its VNI is free");
        assertTrue(kv.list(ClusterKeys.ALIASES).isEmpty());
        assertEquals(Optional.empty(), h2.leave("d2"), "a repeat is a no-op");
    }

    @Test
    void twoHostsLeavingAtOnceNeverLeaveTheRecordBehind() {
        h2.join(wanted("d2", Map.of()), "c1", Optional.empty());
        // h2 lists the aliases (and sees h1's); before it writes, h1 leaves too.
        KvStore racing = onceAfterList(kv, () -> h1.leave("c1"));
        NetworkIdentity h2racing = new NetworkIdentity(racing, new OverlayStore(racing), "h2", false);
        h2racing.leave("d2");
        assertTrue(overlay.findNetwork("c1").isEmpty(), "the last one out deleted it");
        assertTrue(h1.aliases().isEmpty());
    }

    @Test
    void twoHostsLeavingAtOnceNeverLeaveTheRecordBehindWhicheverListingTheyRaceWith() {
        // As above, but h1 leaves after h2's second listing, right before h2 drops its alias.
        h2.join(wanted("d2", Map.of()), "c1", Optional.empty());
        KvStore racing = afterList(kv, 2, () -> h1.leave("c1"));
        new NetworkIdentity(racing, new OverlayStore(racing), "h2", false).leave("d2");
        assertTrue(overlay.findNetwork("c1").isEmpty(), "the last one out deleted it");
        assertTrue(h1.aliases().isEmpty());
    }

    @Test
    void aHostJoiningWhileTheLastOneLeavesKeepsTheNetwork() {
        // h1 (the only host) lists no other alias; before it deletes, h2 joins.
        KvStore racing = onceAfterList(kv, () -> h2.join(wanted("d2", Map.of()), "c1", Optional.empty()));
        new NetworkIdentity(racing, new OverlayStore(racing), "h1", false).leave("c1");
        assertTrue(overlay.findNetwork("c1").isPresent(), "h2 has it");
        assertEquals(Set.of("h2"), h1.hostsWith("c1"));
    }

    @Test
    void scopeGlobalUsesDockersIdAndKeepsNoAlias() {
        NetworkIdentity g = new NetworkIdentity(kv, overlay, "h2", true);
        assertEquals("c1", g.clusterIdOf("c1"));
        g.created("c1", "c1");
        assertEquals(Set.of("h1"), g.hostsWith("c1"));
        assertEquals(Optional.empty(), g.joinTarget(wanted("c9", Map.of()), opts(Map.of())));
    }

    /** {@code kv}, except that the first listing of {@code netalias/} runs {@code between} after it was read. */
    static KvStore onceAfterList(KvStore kv, Runnable between) {
        return afterList(kv, 1, between);
    }

    /** {@code kv}, except that the {@code nth} listing of {@code netalias/} runs {@code between} after it was read. */
    static KvStore afterList(KvStore kv, int nth, Runnable between) {
        int[] seen = {0};
        return (KvStore) Proxy.newProxyInstance(NetworkIdentityTest.class.getClassLoader(), new Class<?>[] {KvStore.class},
                (p, m, args) -> {
                    Object out;
                    try {
                        out = m.invoke(kv, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (m.getName().equals("list") && ClusterKeys.ALIASES.equals(args[0]) && ++seen[0] == nth) {
                        between.run();
                    }
                    return out;
                });
    }
}
