package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamConfig;
import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.ipam.KvIpamService;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.server.docker.DockerNetwork;
import io.javaoverlay.server.docker.DockerView;
import io.javaoverlay.server.docker.LocalContainer;
import io.javaoverlay.server.docker.LocalEndpoint;
import io.javaoverlay.server.docker.LocalNetwork;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;
import io.javaoverlay.vxlan.state.OverlayStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of design-core §3 on host h1, one test per rule and per guard: a hand-built Docker view,
 * the overlay's records in memory ({@link FakeOverlay}), the real IPAM and aliases on an in-memory
 * store, and a hand-driven clock. G = 60 s.
 */
class EndpointReconcilerTest {
    static final Duration G = Duration.ofSeconds(60);
    static final IpPrefix POOL = IpPrefix.parse("198.18.10.0/24");
    static final IpPrefix GW = IpPrefix.parse("198.18.10.1/24");
    static final IpPrefix AUX = IpPrefix.parse("198.18.10.250/24");
    static final IpAddress VTEP1 = IpAddress.parse("198.18.0.11");

    final FakeTime time = new FakeTime();
    final InMemoryKvStore kv = new InMemoryKvStore();
    final FakeOverlay overlay = new FakeOverlay();
    final AtomicInteger sweeps = new AtomicInteger();
    final KvIpamService ipam1 = new KvIpamService(kv, IpamConfig.defaults("h1"), time);
    final KvIpamService ipam2 = new KvIpamService(kv, IpamConfig.defaults("h2"), time);
    final NetworkIdentity identity = new NetworkIdentity(kv, new OverlayStore(kv), "h1", false);
    final Map<String, LocalNetwork> dockerNetworks = new TreeMap<>();
    final Map<String, LocalContainer> containers = new TreeMap<>();
    boolean complete = true;
    String poolId;
    EndpointReconciler reconciler;
    final List<String> logged = new ArrayList<>();
    /** Held strongly: the log manager keeps loggers weakly, and a collected one would lose the capture handler. */
    final Logger julLogger = Logger.getLogger(EndpointReconciler.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r.getLevel() + " " + r.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void setUp() {
        julLogger.addHandler(capture);
        poolId = ipam1.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(POOL), Optional.empty(),
                Map.of(), false)).poolId();
        ipam1.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(GW.address()),
                IpamService.AddressKind.GATEWAY, Map.of()));
        overlay.network(NetworkRecord.builder("c1").ipv4(List.of(NetworkRecord.Pool.of("JavaOverlayLocal", POOL,
                Optional.of(GW), Map.of("aux", AUX)))).createdBy("h1").build());
        identity.created("d1", "c1");
        reconciler = reconciler(true);
    }

    @AfterEach
    void tearDown() {
        julLogger.removeHandler(capture);
        reconciler.close();
    }

    /** What Docker answers for a network ID when rule 4 asks (by default: 404 for every ID). */
    EndpointReconciler.NetworkLookup dockerAnswers = id -> Optional.empty();
    final List<String> asked = new ArrayList<>();

    EndpointReconciler reconciler(boolean scopeLocal) {
        IpamService counting = (IpamService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {IpamService.class}, (p, m, args) -> {
                    if (m.getName().equals("sweepTombstones")) {
                        sweeps.incrementAndGet();
                    }
                    try {
                        return m.invoke(ipam1, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new EndpointReconciler("h1", VTEP1, this::snapshot, overlay, counting, identity,
                new EndpointReconciler.Settings(G, Duration.ofSeconds(30), scopeLocal), time, "consul://198.18.0.1:8500", null,
                id -> {
                    asked.add(id);
                    return dockerAnswers.driverOf(id);
                });
    }

    DockerView.Snapshot snapshot() {
        return new DockerView.Snapshot(1, time.instant(), complete, dockerNetworks, containers);
    }

    /** Docker network d1 (cluster network c1) with these local endpoints. */
    void docker(LocalEndpoint... eps) {
        Map<String, LocalEndpoint> m = new TreeMap<>();
        for (LocalEndpoint e : eps) {
            m.put(e.endpointId(), e);
            containers.putIfAbsent(e.containerId(), new LocalContainer(e.containerId(), e.containerName(), true, "", null,
                    Map.of(), Map.of()));
        }
        dockerNetworks.put("d1", new LocalNetwork("d1", "net", "javaoverlay", "local", Map.of(), "javaoverlay", Map.of(),
                List.of(new DockerNetwork.IpamConfig(POOL.toString(), null, GW.address().toString())), false, false, m));
    }

    static LocalEndpoint dockerEndpoint(String eid, String ip) {
        return new LocalEndpoint(eid, "ctr-" + eid, "name-" + eid, mac(ip).toString(), ip + "/24", null, List.of());
    }

    static MacAddress mac(String ip) {
        byte[] b = IpAddress.parse(ip).bytes();
        return MacAddress.of(new byte[] {2, 0x42, b[0], b[1], b[2], b[3]});
    }

    /** RequestAddress on host {@code ipam} now, then a record of this host (unless ipam is another host's). */
    EndpointRecord endpoint(String eid, String ip, String host, KvIpamService ipam) {
        ipam.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse(ip)),
                IpamService.AddressKind.ORDINARY, Map.of()));
        EndpointRecord r = new EndpointRecord("c1", eid, host, VTEP1, mac(ip), IpPrefix.parse(ip + "/24"), null, "d1",
                time.millis());
        overlay.endpoint(r);
        return r;
    }

    boolean claimed(String ip) {
        return ipam1.claim(POOL, IpAddress.parse(ip)).isPresent();
    }

    boolean loggedLine(String level, String text) {
        synchronized (logged) {
            return logged.stream().anyMatch(l -> l.startsWith(level) && l.contains(text));
        }
    }

    @Test
    void anIncompleteDockerViewJudgesNothing() {
        endpoint("e1", "198.18.10.5", "h1", ipam1);
        time.advance(G.plusSeconds(1));
        complete = false;
        assertEquals("the Docker view is incomplete", reconciler.pass().skipped());
        assertTrue(overlay.find("c1", "e1").isPresent());
        assertTrue(claimed("198.18.10.5"));
    }

    // ---- rule 1 -----------------------------------------------------------------------------------

    @Test
    void rule1ARecordDockerDoesNotShowIsDeletedAfterTheGraceAndItsAddressReleased() {
        docker(dockerEndpoint("live", "198.18.10.4"));
        endpoint("live", "198.18.10.4", "h1", ipam1);
        endpoint("gone", "198.18.10.5", "h1", ipam1);
        time.advance(G.minusSeconds(1));
        assertTrue(reconciler.pass().quiet(), "younger than G: a create in flight");
        assertTrue(overlay.find("c1", "gone").isPresent());

        time.advance(Duration.ofSeconds(1));
        EndpointReconciler.Report r = reconciler.pass();
        assertEquals(List.of("gone"), r.staleDeleted());
        assertEquals(List.of("198.18.10.5"), r.released());
        assertTrue(overlay.find("c1", "gone").isEmpty());
        assertFalse(claimed("198.18.10.5"));
        assertTrue(overlay.find("c1", "live").isPresent(), "what Docker shows stays");
        assertTrue(claimed("198.18.10.4"));
        assertTrue(reconciler.pass().quiet(), "converged");
    }

    @Test
    void rule1ARecordOfThePreviousReleaseCountsAsOld() {
        docker(dockerEndpoint("live", "198.18.10.4"));
        endpoint("live", "198.18.10.4", "h1", ipam1);
        ipam1.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse("198.18.10.6")),
                IpamService.AddressKind.ORDINARY, Map.of()));
        overlay.endpoint(new EndpointRecord("c1", "legacy", "h1", VTEP1, mac("198.18.10.6"),
                IpPrefix.parse("198.18.10.6/24"), null));
        time.advance(G);
        assertEquals(List.of("legacy"), reconciler.pass().staleDeleted());
        assertFalse(claimed("198.18.10.6"));
    }

    @Test
    void rule1AClaimMadeAfterTheStaleRecordIsNotReleased() {
        docker(dockerEndpoint("live", "198.18.10.4"));
        endpoint("live", "198.18.10.4", "h1", ipam1);
        EndpointRecord gone = endpoint("gone", "198.18.10.5", "h1", ipam1);
        // The address was released and claimed again since the record was written (a new container's,
        // whose CreateEndpoint has not run yet).
        time.advance(G.minusSeconds(2));
        ipam1.releaseAddress(poolId, IpAddress.parse("198.18.10.5"));
        ipam1.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse("198.18.10.5")),
                IpamService.AddressKind.ORDINARY, Map.of()));
        time.advance(Duration.ofSeconds(2));
        assertEquals(List.of("gone"), reconciler.pass().staleDeleted());
        assertTrue(claimed("198.18.10.5"), "the newer claim is not the stale record's: " + gone);
    }

    @Test
    void rule1ADockerViewWithoutAnyNetworkOfTheDriverIsNotEvidence() {
        endpoint("e1", "198.18.10.5", "h1", ipam1);
        time.advance(G.plusSeconds(10));
        EndpointReconciler.Report r = reconciler.pass();
        assertTrue(r.staleDeleted().isEmpty());
        assertTrue(overlay.find("c1", "e1").isPresent());
        assertTrue(loggedLine("WARNING", "fix --driver-name"), logged.toString());
    }

    @Test
    void rule1OtherHostsRecordsAreNeverJudged() {
        docker(dockerEndpoint("live", "198.18.10.4"));
        endpoint("live", "198.18.10.4", "h1", ipam1);
        endpoint("theirs", "198.18.10.7", "h2", ipam2);
        time.advance(G.plusSeconds(10));
        assertTrue(reconciler.pass().quiet());
        assertTrue(overlay.find("c1", "theirs").isPresent());
        assertTrue(claimed("198.18.10.7"));
    }

    // ---- rule 2 -----------------------------------------------------------------------------------

    @Test
    void rule2AnEndpointDockerShowsWithoutARecordIsRepublishedOnceSettledWithItsClaim() {
        docker(dockerEndpoint("e1", "198.18.10.5"));
        assertTrue(reconciler.pass().republished().isEmpty(), "a DeleteEndpoint may be under way: not yet");
        time.advance(EndpointReconciler.SETTLE);
        EndpointReconciler.Report r = reconciler.pass();
        assertEquals(List.of("e1"), r.republished());
        EndpointRecord rec = overlay.find("c1", "e1").orElseThrow();
        assertEquals(new EndpointRecord("c1", "e1", "h1", VTEP1, mac("198.18.10.5"), IpPrefix.parse("198.18.10.5/24"), null,
                "d1", time.millis()), rec);
        assertEquals("h1", ipam1.claim(POOL, IpAddress.parse("198.18.10.5")).orElseThrow().host(), "the claim is made again");
        time.advance(G);
        assertTrue(reconciler.pass().quiet(), "converged");
    }

    @Test
    void rule2AStoppedContainersEndpointIsNotRepublished() {
        docker(dockerEndpoint("e1", "198.18.10.5"));
        containers.put("ctr-e1", new LocalContainer("ctr-e1", "name-e1", false, "", null, Map.of(), Map.of()));
        reconciler.pass();
        time.advance(EndpointReconciler.SETTLE);
        assertTrue(reconciler.pass().republished().isEmpty());
        assertTrue(overlay.find("c1", "e1").isEmpty());
    }

    @Test
    void rule2AnAddressClaimedByAnotherHostIsALoudErrorAndNothingIsWritten() {
        docker(dockerEndpoint("e1", "198.18.10.5"));
        ipam2.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse("198.18.10.5")),
                IpamService.AddressKind.ORDINARY, Map.of()));
        reconciler.pass();
        time.advance(EndpointReconciler.SETTLE);
        assertTrue(reconciler.pass().republished().isEmpty());
        assertTrue(overlay.find("c1", "e1").isEmpty());
        assertTrue(loggedLine("SEVERE", "gives that address to host h2"), logged.toString());
    }

    @Test
    void rule2AnIndexHeldByAnotherEndpointIsALoudError() {
        docker(dockerEndpoint("e1", "198.18.10.5"));
        endpoint("other", "198.18.10.5", "h2", ipam1); // same address, recorded for another endpoint
        reconciler.pass();
        time.advance(EndpointReconciler.SETTLE);
        assertTrue(reconciler.pass().republished().isEmpty());
        assertTrue(loggedLine("SEVERE", "cannot be republished: address/MAC of endpoint e1 is already used by endpoint"
                + " other on host h2"), logged.toString());
    }

    // ---- rule 3 -----------------------------------------------------------------------------------

    @Test
    void rule3AClaimNoEndpointHoldsIsReleasedAfterTheGraceButNotTheGatewayAuxOrOthers() {
        docker(dockerEndpoint("live", "198.18.10.4"));
        endpoint("live", "198.18.10.4", "h1", ipam1);
        for (String ip : List.of("198.18.10.8", "198.18.10.250")) { // a leak, and the aux address
            ipam1.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse(ip)),
                    IpamService.AddressKind.ORDINARY, Map.of()));
        }
        ipam2.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(IpAddress.parse("198.18.10.9")),
                IpamService.AddressKind.ORDINARY, Map.of()));
        time.advance(G.minusSeconds(1));
        assertTrue(reconciler.pass().released().isEmpty(), "younger than G: a RequestAddress before its CreateEndpoint");
        time.advance(Duration.ofSeconds(1));
        assertEquals(List.of("198.18.10.8"), reconciler.pass().released());
        assertFalse(claimed("198.18.10.8"));
        assertTrue(claimed("198.18.10.1"), "the gateway");
        assertTrue(claimed("198.18.10.250"), "an aux address");
        assertTrue(claimed("198.18.10.9"), "another host's claim");
        assertTrue(claimed("198.18.10.4"), "held by an endpoint");
    }

    // ---- rule 4 -----------------------------------------------------------------------------------

    @Test
    void rule4AnExtraHolderOfThisHostIsRemovedAfterTheGrace() {
        docker();
        ipam1.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(POOL), Optional.empty(), Map.of(),
                false)); // a retried RequestPool: two holders for one Docker network
        assertEquals(2, holders("h1"));
        reconciler.pass();
        assertEquals(2, holders("h1"), "younger than G");
        time.advance(G);
        assertEquals(List.of(POOL.toString()), reconciler.pass().holdersRemoved());
        assertEquals(1, holders("h1"));
        assertTrue(reconciler.pass().holdersRemoved().isEmpty(), "converged");
    }

    @Test
    void rule4AMissingHolderIsAddedBackOnceSettled() {
        docker();
        ipam2.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(POOL), Optional.empty(), Map.of(),
                false)); // h2 holds it too
        ipam1.removeHolder(POOL, "h1", Long.MAX_VALUE); // h1's holder was lost
        assertEquals(0, holders("h1"));
        assertTrue(reconciler.pass().holdersAdded().isEmpty(), "a ReleasePool may be under way: not yet");
        time.advance(EndpointReconciler.SETTLE);
        assertEquals(List.of(POOL.toString()), reconciler.pass().holdersAdded());
        assertEquals(1, holders("h1"));
    }

    @Test
    void rule4HoldersOfANetworkRemovedHereGoAndTheLastDeletesThePool() {
        dockerNetworks.put("dx", new LocalNetwork("dx", "other", "javaoverlay", "local", Map.of(), "javaoverlay", Map.of(),
                List.of(), false, false, Map.of())); // Docker has a network of the driver, but not d1 any more
        time.advance(G);
        assertEquals(List.of(POOL.toString()), reconciler.pass().holdersRemoved());
        assertTrue(ipam1.pools().isEmpty());
    }

    @Test
    void rule4KeepsTheHolderWhileDockerStillHasTheNetworkTheViewDoesNotList() {
        // A wrong --driver-name: the view (of that name) is empty, but Docker has d1 under its real name.
        dockerAnswers = id -> id.equals("d1") ? Optional.of("javaoverlay:latest") : Optional.empty();
        time.advance(G);
        assertTrue(reconciler.pass().holdersRemoved().isEmpty());
        assertEquals(1, holders("h1"), "the pool of a network Docker still has is kept");
        assertEquals(List.of("d1"), asked);
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("WARNING pool 198.18.10.0/24: h1 holds it 1 time(s) and Docker"
                + " lists 0 network(s) of --driver-name on it, but Docker still has network d1 with driver"
                + " 'javaoverlay:latest'; the holder is kept")), logged.toString());
        // Docker cannot answer: kept as well.
        dockerAnswers = id -> {
            throw new java.io.IOException("connection refused");
        };
        assertTrue(reconciler.pass().holdersRemoved().isEmpty());
        assertEquals(1, holders("h1"));
        // Docker answers 404: the network is really gone here, and its holder goes (the last deletes the pool).
        dockerAnswers = id -> Optional.empty();
        assertEquals(List.of(POOL.toString()), reconciler.pass().holdersRemoved());
        assertTrue(ipam1.pools().isEmpty());
    }

    @Test
    void rule4AsksDockerOnlyWhenAHolderWouldBeRemovedAndNotForNetworksInTheView() {
        docker();
        reconciler.pass();
        time.advance(G);
        reconciler.pass();
        assertEquals(List.of(), asked, "converged holders: no question to Docker");
        ipam1.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(POOL), Optional.empty(), Map.of(),
                false)); // a retried RequestPool: two holders for d1, which the view lists
        time.advance(G);
        assertEquals(List.of(POOL.toString()), reconciler.pass().holdersRemoved());
        assertEquals(List.of(), asked, "d1 is in the view: nothing to ask");
    }

    @Test
    void rule4IsOffInScopeGlobal() {
        reconciler.close();
        reconciler = reconciler(false);
        docker();
        ipam1.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(POOL), Optional.empty(), Map.of(),
                false));
        time.advance(G);
        assertTrue(reconciler.pass().holdersRemoved().isEmpty());
        assertEquals(2, holders("h1"));
    }

    long holders(String host) {
        return ipam1.pools().stream().filter(p -> p.pool().equals(POOL)).flatMap(p -> p.holders().stream())
                .filter(h -> h.host().equals(host)).count();
    }

    // ---- rule 5 -----------------------------------------------------------------------------------

    @Test
    void rule5TombstonesAreSweptOnEveryPass() {
        docker();
        reconciler.pass();
        reconciler.pass();
        assertEquals(2, sweeps.get());
    }

    // ---- the store lost what it knew --------------------------------------------------------------

    @Test
    void aStoreThatLostTheNetworkIsOneLoudErrorNamingItAndNothingIsJudgedUntilItIsBack() {
        docker(dockerEndpoint("e1", "198.18.10.5"));
        EndpointRecord r = endpoint("e1", "198.18.10.5", "h1", ipam1);
        NetworkRecord net = overlay.networks.remove("c1"); // wiped (a wrong prefix looks the same)
        overlay.endpoints.clear();
        time.advance(G.plusSeconds(10));
        reconciler.pass();
        time.advance(EndpointReconciler.SETTLE);
        EndpointReconciler.Report rep = reconciler.pass();
        assertTrue(rep.republished().isEmpty(), "no network record: nothing to republish into");
        long errors;
        synchronized (logged) {
            errors = logged.stream().filter(l -> l.startsWith("SEVERE") && l.contains("consul://198.18.0.1:8500")
                    && l.contains("net (1 container)")).count();
        }
        assertEquals(1, errors, "one ERROR naming the store, not one per pass: " + logged);

        overlay.network(net); // restored (consul kv import)
        overlay.endpoint(r);
        assertTrue(reconciler.pass().quiet());
        assertTrue(loggedLine("INFO", "has the records of this host's javaoverlay networks again"), logged.toString());
    }

    // ---- rule 6 -----------------------------------------------------------------------------------

    /**
     * The daemon after a restart (its identity has recorded nothing, so no alias is recent), with rule 6
     * asking {@code docker} whether a network exists.
     */
    EndpointReconciler restartedWithGoneNetworks(GoneNetworksDocker docker) {
        NetworkIdentity restarted = new NetworkIdentity(kv, new OverlayStore(kv), "h1", false);
        GoneNetworks gone = new GoneNetworks(docker, restarted, overlay, ipam1, cid -> overlay.forgotten.add(cid));
        return new EndpointReconciler("h1", VTEP1, this::snapshot, overlay, ipam1, restarted,
                new EndpointReconciler.Settings(G, Duration.ofSeconds(30), true), time, "file:///var/lib/javaoverlay", gone);
    }

    @Test
    void rule6ANetworkDockerLostIsForgottenWithItsEndpointsOnceItsPoolHolderIsRepaired() {
        endpoint("e1", "198.18.10.5", "h1", ipam1);
        // dockerd lost network d1 and its container: the view is complete and empty, Docker answers 404.
        try (EndpointReconciler r = restartedWithGoneNetworks(new GoneNetworksDocker())) {
            EndpointReconciler.Report first = r.pass();
            assertEquals(List.of(), first.networksForgotten(), "h1's holder of the pool is younger than G: rule 4 first");
            assertEquals(Map.of("d1", "c1"), identity.localAliases());

            time.advance(G.plusSeconds(1));
            EndpointReconciler.Report second = r.pass();
            assertEquals(List.of(POOL.toString()), second.holdersRemoved());
            assertEquals(List.of("d1"), second.networksForgotten());
            assertEquals(Map.of(), identity.localAliases(), "the alias is gone");
            assertTrue(overlay.find("c1", "e1").isEmpty(), "the lost container's endpoint record is gone");
            assertEquals(List.of("c1"), overlay.forgotten, "its devices are told to follow the (no) ports");
            assertTrue(r.pass().quiet(), "nothing is left to do");
        }
    }

    @Test
    void rule6ANetworkDockerHasOrCannotTellAboutIsKept() {
        GoneNetworksDocker docker = new GoneNetworksDocker("d1");
        time.advance(G.plusSeconds(1));
        try (EndpointReconciler r = restartedWithGoneNetworks(docker)) {
            // The view lacks d1 (e.g. a wrong --driver-name), but Docker has it.
            assertEquals(List.of(), r.pass().networksForgotten());
            docker.networks.clear();
            docker.down = true;
            assertEquals(List.of(), r.pass().networksForgotten(), "no answer from Docker: nothing judged");
            assertEquals(Map.of("d1", "c1"), identity.localAliases());
            docker.down = false;
            assertEquals(List.of("d1"), r.pass().networksForgotten());
        }
    }

    @Test
    void rule6AnAliasThisProcessJustRecordedIsNotJudged() {
        // Docker stores a network only after CreateNetwork returns: d2 was recorded a moment ago.
        identity.created("d2", "c1");
        GoneNetworks gone = new GoneNetworks(new GoneNetworksDocker(), identity, overlay, ipam1, cid -> { });
        assertEquals(List.of(), gone.sweep(id -> true, rec -> true));
        assertEquals(Map.of("d1", "c1", "d2", "c1"), identity.localAliases());
        gone.close();
    }
}
