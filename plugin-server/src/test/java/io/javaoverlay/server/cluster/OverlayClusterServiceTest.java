package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge: Docker's IDs are resolved once per call and the overlay is called with the cluster ID;
 * CreateNetwork creates or joins; DeleteNetwork leaves, with the last host taking the record along.
 * Two hosts share an in-memory store; the overlay records its calls (its network records are real).
 */
class OverlayClusterServiceTest {
    static final IpPrefix POOL = IpPrefix.parse("198.18.50.0/24");
    final InMemoryKvStore kv = new InMemoryKvStore();
    final AtomicInteger aliasReads = new AtomicInteger();
    final KvStore counted = (KvStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KvStore.class},
            (p, m, args) -> {
                if (m.getName().equals("get") && ((String) args[0]).startsWith(ClusterKeys.ALIASES)) {
                    aliasReads.incrementAndGet();
                }
                try {
                    return m.invoke(kv, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    final Recording o1 = new Recording();
    final Recording o2 = new Recording();
    final ClusterService h1 = edge("h1", o1, false);
    final ClusterService h2 = edge("h2", o2, false);

    ClusterService edge(String host, Recording overlay, boolean global) {
        NetworkIdentity identity = new NetworkIdentity(counted, new OverlayStore(counted), host, global);
        return new OverlayClusterService(overlay, identity, new ReleaseGuard(new io.javaoverlay.ipam.KvIpamService(kv,
                io.javaoverlay.ipam.IpamConfig.defaults(host)), new FakeOverlay()), Optional.empty(), () -> { },
                Set.of("JavaOverlayLocal", "JavaOverlayGlobal"), false, Optional.empty(), List.of());
    }

    static NetworkService.NetworkSpec spec(String id, Map<String, String> options) {
        return new NetworkService.NetworkSpec(id, List.of(NetworkRecord.Pool.of("JavaOverlayLocal", POOL, Optional.empty(),
                Map.of())), List.of(), options, false, false);
    }

    /** The overlay: network records in the shared store, every other call recorded. */
    final class Recording implements NetworkService {
        final List<String> calls = new ArrayList<>();
        final OverlayStore store = new OverlayStore(kv);

        @Override
        public NetworkRecord createNetwork(NetworkSpec s) {
            calls.add("createNetwork " + s.networkId());
            return store.claimNetwork(NetworkRecord.builder(s.networkId()).ipv4(s.ipv4()).ipv6(s.ipv6())
                    .options(s.driverOptions()).build(), Optional.empty(), 1, 4095);
        }

        @Override
        public EndpointGrant createEndpoint(String clusterId, String localNetworkId, EndpointSpec s) {
            calls.add("createEndpoint " + clusterId + " " + localNetworkId + " " + s.endpointId());
            return new EndpointGrant(Optional.empty());
        }

        @Override
        public void deleteEndpoint(String clusterId, String endpointId) {
            calls.add("deleteEndpoint " + clusterId + " " + endpointId);
        }

        @Override
        public JoinResult join(String clusterId, String endpointId, String sandboxKey) {
            calls.add("join " + clusterId + " " + endpointId);
            return new JoinResult("jo-c-x", "eth", Optional.empty(), Optional.empty(), List.of(), false);
        }

        @Override
        public void leave(String clusterId, String endpointId) {
            calls.add("leave " + clusterId + " " + endpointId);
        }

        @Override
        public void forgetLocalNetwork(String clusterId) {
            calls.add("forgetLocalNetwork " + clusterId);
        }

        @Override
        public void setWithdrawnHosts(Set<String> hostIds) {
            calls.add("withdrawn " + hostIds);
        }

        @Override
        public void addPeerVtepListener(Consumer<Set<IpAddress>> listener) {
            calls.add("peer VTEP listener");
        }

        @Override
        public Optional<String> endpointHolding(String clusterId, IpAddress ip) {
            return Optional.empty();
        }

        @Override
        public List<EndpointRecord> endpointsOfHost(String hostId) {
            return List.of();
        }

        @Override
        public void deleteStaleEndpoint(EndpointRecord r) {
        }

        @Override
        public void republishEndpoint(EndpointRecord r) {
        }

        @Override
        public List<NetworkRecord> networks() {
            return store.networks();
        }

        @Override
        public Optional<NetworkRecord> network(String clusterId) {
            return store.findNetwork(clusterId);
        }

        @Override
        public Map<String, ReconcileReport> lastReports() {
            return Map.of();
        }

        @Override
        public void start() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aNetworkCreatedOnOneHostIsJoinedByTheOthersAndEveryCallUsesTheClusterId() throws Exception {
        h1.createNetwork(spec("c1", Map.of()));
        h2.createNetwork(spec("d2", Map.of(io.javaoverlay.vxlan.NetworkOptions.CLUSTER_ID, "c1")));
        assertEquals(List.of("createNetwork c1"), o1.calls);
        assertEquals(List.of(), o2.calls, "h2 joins: no record of its own");
        assertEquals(1, new OverlayStore(kv).networks().size());

        NetworkService.EndpointSpec ep = new NetworkService.EndpointSpec("e2", Optional.of(IpPrefix.parse("198.18.50.5/24")),
                Optional.empty(), Optional.empty());
        int reads = aliasReads.get();
        h2.createEndpoint("d2", ep);
        h2.join("d2", "e2", "key");
        h2.leave("d2", "e2");
        h2.deleteEndpoint("d2", "e2");
        assertEquals(List.of("createEndpoint c1 d2 e2", "join c1 e2", "leave c1 e2", "deleteEndpoint c1 e2"), o2.calls);
        assertEquals(reads, aliasReads.get(), "the alias is cached since the join: no store read per call");
    }

    @Test
    void theSameSubnetJoinsAndADifferentDefinitionIsRefused() {
        h1.createNetwork(spec("c1", Map.of()));
        OverlayException e = assertThrows(OverlayException.class,
                () -> h2.createNetwork(spec("d2", Map.of("com.docker.network.driver.mtu", "1300"))));
        assertEquals(OverlayException.Kind.CONFLICT, e.kind());
        h2.createNetwork(spec("d2", Map.of()));
        assertEquals(List.of(), o2.calls);
    }

    @Test
    void aPoolFromAnotherIpamIsRefusedOnASharedStore() {
        OverlayException e = assertThrows(OverlayException.class, () -> h1.createNetwork(new NetworkService.NetworkSpec("c1",
                List.of(NetworkRecord.Pool.of("LocalDefault", POOL, Optional.empty(), Map.of())), List.of(), Map.of(), false, false)));
        assertEquals(OverlayException.Kind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("--ipam-driver javaoverlay"), e.getMessage());
    }

    @Test
    void deleteNetworkLeavesAndTheLastHostTakesTheRecordAlong() throws Exception {
        h1.createNetwork(spec("c1", Map.of()));
        h2.createNetwork(spec("d2", Map.of(io.javaoverlay.vxlan.NetworkOptions.CLUSTER_ID, "c1")));
        h1.deleteNetwork("c1");
        assertTrue(kv.get(NetworkKeys.network("c1")).isPresent(), "h2 still has it");
        assertEquals(List.of("createNetwork c1", "forgetLocalNetwork c1"), o1.calls);
        h2.deleteNetwork("d2");
        assertTrue(kv.get(NetworkKeys.network("c1")).isEmpty());
        assertTrue(kv.list(ClusterKeys.ALIASES).isEmpty());
        h2.deleteNetwork("d2"); // Docker may repeat it
    }

    @Test
    void inScopeGlobalTheDockerIdIsTheClusterIdAndRmAnywhereRemovesIt() throws Exception {
        ClusterService g1 = edge("h1", o1, true);
        ClusterService g2 = edge("h2", o2, true);
        g1.createNetwork(spec("n1", Map.of()));
        g2.createNetwork(spec("n1", Map.of())); // Docker 20.10 calls it on every host with the same ID
        assertTrue(kv.list(ClusterKeys.ALIASES).isEmpty(), "no aliases in scope global");
        g2.createEndpoint("n1", new NetworkService.EndpointSpec("e", Optional.of(IpPrefix.parse("198.18.50.6/24")),
                Optional.empty(), Optional.empty()));
        assertEquals("createEndpoint n1 n1 e", o2.calls.get(1));
        g2.deleteNetwork("n1");
        assertTrue(kv.get(NetworkKeys.network("n1")).isEmpty());
    }

    /**
     * Host h1 after a daemon restart, in scope local without replication: {@link GoneNetworks} asks
     * {@code docker} whether a network still exists.
     */
    ClusterService restartedWithGoneNetworks(Recording overlay, GoneNetworksDocker docker) {
        NetworkIdentity identity = new NetworkIdentity(counted, new OverlayStore(counted), "h1", false);
        OverlayRecords records = (OverlayRecords) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {OverlayRecords.class}, (p, m, args) -> {
                    try {
                        return Recording.class.getMethod(m.getName(), m.getParameterTypes()).invoke(overlay, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        GoneNetworks gone = new GoneNetworks(docker, identity, records, new io.javaoverlay.ipam.KvIpamService(kv,
                io.javaoverlay.ipam.IpamConfig.defaults("h1")), overlay::forgetLocalNetwork);
        return new OverlayClusterService(overlay, identity, new ReleaseGuard(new io.javaoverlay.ipam.KvIpamService(kv,
                io.javaoverlay.ipam.IpamConfig.defaults("h1")), new FakeOverlay()), Optional.empty(), () -> { },
                Set.of("JavaOverlayLocal", "JavaOverlayGlobal"), true, Optional.of(gone), List.of());
    }

    @Test
    void aNetworkDockerLostGivesUpItsSubnetToANewNetworkButOneDockerHasDoesNot() throws Exception {
        h1.createNetwork(spec("c1", Map.of()));
        // Another network Docker lost, on another subnet: left to the reconciler (its pool holders first).
        h1.createNetwork(new NetworkService.NetworkSpec("c5", List.of(NetworkRecord.Pool.of("JavaOverlayLocal",
                IpPrefix.parse("198.18.51.0/24"), Optional.empty(), Map.of())), List.of(), Map.of(), false, false));
        GoneNetworksDocker docker = new GoneNetworksDocker("c1");
        ClusterService again = restartedWithGoneNetworks(o1, docker);

        OverlayException e = assertThrows(OverlayException.class, () -> again.createNetwork(spec("c3", Map.of())));
        assertEquals(OverlayException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("network c1 on this host already is javaoverlay network c1"), e.getMessage());

        docker.networks.clear(); // dockerd lost c1 (reinstalled, or its state wiped)
        again.createNetwork(spec("c3", Map.of()));
        assertTrue(kv.get(NetworkKeys.network("c1")).isEmpty(), "the lost network's record is gone");
        assertTrue(kv.get(NetworkKeys.network("c3")).isPresent(), "c3 is a network of its own");
        assertTrue(kv.get(ClusterKeys.alias("h1", "c1")).isEmpty(), "the lost network's alias is gone");
        assertEquals(List.of("createNetwork c1", "createNetwork c5", "forgetLocalNetwork c1", "createNetwork c3"), o1.calls);
        assertTrue(kv.get(ClusterKeys.alias("h1", "c5")).isPresent(), "the handler forgets only what refused the create");
    }
}
