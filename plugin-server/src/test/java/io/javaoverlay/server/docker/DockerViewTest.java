package io.javaoverlay.server.docker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link DockerView} against a fake dockerd that serves listings and streams events. */
class DockerViewTest {
    private static final String C1 = "c1c1c1c1c1c1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String C2 = "c2c2c2c2c2c2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String C3 = "c3c3c3c3c3c3cccccccccccccccccccccccccccccccccccccccccccccccccccc";
    @TempDir
    Path dir;
    private FakeEngine docker;
    private DockerView view;

    @AfterEach
    void stop() throws Exception {
        if (view != null) {
            view.close();
        }
        if (docker != null) {
            docker.close();
        }
    }

    private DockerView start(Duration resync) throws Exception {
        view = new DockerView(new DockerView.Settings(dir.resolve("docker.sock"), "javaoverlay", resync,
                Duration.ofSeconds(2)));
        view.start();
        return view;
    }

    private void dockerd() throws Exception {
        docker = new FakeEngine(dir.resolve("docker.sock"));
    }

    /** Waits (liveness bound, not a timing assertion) until the snapshot satisfies {@code p}. */
    private DockerView.Snapshot await(String what, Predicate<DockerView.Snapshot> p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            DockerView.Snapshot s = view.snapshot();
            if (p.test(s)) {
                return s;
            }
            Thread.sleep(10);
        }
        fail("the view never showed " + what + "; last snapshot: " + view.snapshot());
        return null;
    }

    private void oneNetworkTwoContainers() {
        docker.network("n1", "net1", "javaoverlay");
        docker.network("n2", "net2", "bridge");
        docker.network("gw", "docker_gwbridge", "bridge");
        docker.container(C1, "web1").with("State").putObject("Health").put("Status", "healthy");
        docker.containerJson(C1).with("Config").with("Labels").put("javaoverlay.service", "web").put("other", "x")
                .put("SERVICE_NAME", "w");
        docker.containerJson(C1).with("Config").withArray("Env").add("SERVICE_TAGS=a,b").add("SECRET=hunter2");
        docker.container(C2, "db");
        docker.container(C3, "elsewhere");
        docker.attach("n1", C1, "e1", "10.9.0.2", C1.substring(0, 12), "web");
        docker.attach("gw", C1, "egw", "172.18.0.3");
        docker.attach("n1", C2, "e2", "10.9.0.3");
        docker.attach("n2", C3, "e3", "10.9.1.3");
        docker.remoteEndpoint("n1", "e99");
    }

    @Test
    void listsTheDriversNetworksWithTheirLocalEndpointsOnly() throws Exception {
        dockerd();
        oneNetworkTwoContainers();
        start(Duration.ofHours(1));
        DockerView.Snapshot s = await("a complete listing", DockerView.Snapshot::complete);
        assertEquals(List.of("n1"), List.copyOf(s.networks().keySet()), "exact driver match only");
        LocalNetwork n = s.networks().get("n1");
        assertEquals("net1", n.name());
        assertEquals("local", n.scope());
        assertEquals(Map.of("com.example.opt", "1"), n.options());
        assertEquals(List.of(new DockerNetwork.IpamConfig("10.9.0.0/24", null, "10.9.0.1")), n.ipam());
        assertEquals(java.util.Set.of("e1", "e2"), n.endpoints().keySet(), "the remote ep-e99 is not local");
        LocalEndpoint e1 = n.endpoints().get("e1");
        assertEquals(new LocalEndpoint("e1", C1, "web1", "02:42:0a:09:00:2", "10.9.0.2/24", null, List.of("web")), e1);
        assertEquals(java.util.Set.of(C1, C2), s.containers().keySet());
        LocalContainer c1 = s.containers().get(C1);
        assertEquals("web1", c1.name());
        assertTrue(c1.running());
        assertEquals("healthy", c1.health());
        assertEquals("172.18.0.3", c1.gwbridgeAddress());
        assertEquals(Map.of("javaoverlay.service", "web", "SERVICE_NAME", "w"), c1.labels());
        assertEquals(Map.of("SERVICE_TAGS", "a,b"), c1.serviceEnv(), "no other environment variable is kept");
        assertFalse(docker.server.requests.stream().anyMatch(r -> r.path().contains("ep-")),
                "a remote endpoint is never inspected: " + docker.server.requests);
        assertNull(s.containers().get(C2).gwbridgeAddress());
        assertEquals("", s.containers().get(C2).health());
    }

    @Test
    void eventsKeepTheViewCurrent() throws Exception {
        dockerd();
        oneNetworkTwoContainers();
        List<DockerView.Snapshot> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        start(Duration.ofHours(1)).addListener(s -> {
            seen.add(s);
            threads.add(Thread.currentThread().getName());
        });
        await("a complete listing", DockerView.Snapshot::complete);
        String c4 = "c4c4c4c4c4c4dddddddddddddddddddddddddddddddddddddddddddddddddddd";
        docker.container(c4, "new");
        docker.attach("n1", c4, "e4", "10.9.0.4", "api");
        docker.event("network", "connect", "n1", Map.of("container", c4, "name", "net1", "type", "javaoverlay"));
        await("e4 after connect", s -> s.endpoint("n1", "e4").map(e -> e.aliases().equals(List.of("api"))).orElse(false));

        docker.detach("n1", c4);
        docker.event("network", "disconnect", "n1", Map.of("container", c4, "name", "net1", "type", "javaoverlay"));
        await("e4 gone after disconnect", s -> s.endpoint("n1", "e4").isEmpty() && !s.containers().containsKey(c4));

        // A connect event read before the container shows its endpoint: the start event brings it in.
        String c6 = "c6c6c6c6c6c6eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        docker.container(c6, "starting");
        docker.attach("n1", c6, "e6", "10.9.0.6");
        docker.containerJson(c6).with("NetworkSettings").with("Networks").with("net1").put("EndpointID", "");
        int inspected = inspections(c6);
        docker.event("network", "connect", "n1", Map.of("container", c6, "name", "net1", "type", "javaoverlay"));
        while (inspections(c6) == inspected) {
            Thread.sleep(5);
        }
        docker.containerJson(c6).with("NetworkSettings").with("Networks").with("net1").put("EndpointID", "e6");
        docker.event("container", "start", c6, Map.of("name", "starting"));
        await("e6 after start", s -> s.endpoint("n1", "e6").isPresent());

        docker.containerJson(C1).with("State").with("Health").put("Status", "unhealthy");
        docker.event("container", "health_status: unhealthy", C1, Map.of("name", "web1"));
        await("C1 unhealthy", s -> s.containers().get(C1).health().equals("unhealthy"));

        docker.containerJson(C2).with("State").put("Running", false);
        docker.event("container", "die", C2, Map.of("name", "db"));
        await("C2 not running", s -> !s.containers().get(C2).running());
        docker.detach("n1", C2);
        docker.event("network", "disconnect", "n1", Map.of("container", C2, "name", "net1", "type", "javaoverlay"));
        await("e2 gone", s -> s.endpoint("n1", "e2").isEmpty());

        docker.network("n3", "net3", "javaoverlay");
        docker.event("network", "create", "n3", Map.of("name", "net3", "type", "javaoverlay"));
        await("n3 created", s -> s.networks().containsKey("n3"));
        docker.removeNetwork("n3");
        docker.event("network", "destroy", "n3", Map.of("name", "net3", "type", "javaoverlay"));
        await("n3 destroyed", s -> !s.networks().containsKey("n3"));

        // Another driver's events change nothing, and nothing unchanged is published.
        long gen = view.snapshot().generation();
        docker.event("network", "connect", "n2", Map.of("container", C3, "name", "net2", "type", "bridge"));
        docker.containerJson(C1).with("State").with("Health").put("Status", "healthy");
        docker.event("container", "health_status: healthy", C1, Map.of("name", "web1"));
        DockerView.Snapshot last = await("C1 healthy", s -> s.containers().get(C1).health().equals("healthy"));
        assertEquals(gen + 1, last.generation());
        assertTrue(last.complete());
        assertEquals("jo-docker-view", threads.get(threads.size() - 1));
        assertEquals(last, seen.get(seen.size() - 1));
    }

    @Test
    void aMissedEventIsRepairedByTheResync() throws Exception {
        dockerd();
        oneNetworkTwoContainers();
        start(Duration.ofMillis(200));
        await("a complete listing", DockerView.Snapshot::complete);
        docker.detach("n1", C2); // no event
        await("e2 gone without an event", s -> s.complete() && s.endpoint("n1", "e2").isEmpty());
    }

    @Test
    void relistOnRequest() throws Exception {
        dockerd();
        oneNetworkTwoContainers();
        start(Duration.ofHours(1));
        await("a complete listing", DockerView.Snapshot::complete);
        docker.network("n5", "net5", "javaoverlay"); // no event
        view.relist();
        await("n5", s -> s.networks().containsKey("n5"));
    }

    @Test
    void aBrokenStreamMakesTheViewIncompleteUntilItReconnectsAndListsAgain() throws Exception {
        dockerd();
        oneNetworkTwoContainers();
        start(Duration.ofHours(1));
        await("a complete listing", DockerView.Snapshot::complete);
        docker.apiBroken = true;
        docker.eventsBroken = true;
        docker.server.dropStreams(); // dockerd goes away
        DockerView.Snapshot down = await("incomplete", s -> !s.complete());
        assertEquals(java.util.Set.of("e1", "e2"), down.networks().get("n1").endpoints().keySet(), "last contents kept");
        docker.detach("n1", C2); // changes while nobody listens: the events are lost
        Thread.sleep(600); // a few reconnect attempts fail
        assertFalse(view.snapshot().complete());
        int before = docker.server.requests.size();
        docker.apiBroken = false;
        docker.eventsBroken = false;
        DockerView.Snapshot up = await("complete again", s -> s.complete());
        assertEquals(java.util.Set.of("e1"), up.networks().get("n1").endpoints().keySet(), "repaired by the listing");
        List<FakeDockerServer.Request> after = docker.server.requests.subList(before, docker.server.requests.size());
        int events = indexOf(after, "/events");
        int listing = indexOf(after, "/networks?");
        assertTrue(events >= 0 && listing > events, "subscribed first, then listed: " + after);
    }

    @Test
    void aFailedListingIsNeverComplete() throws Exception {
        dockerd();
        oneNetworkTwoContainers();
        docker.inspectBroken = true;
        start(Duration.ofHours(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (docker.server.requests.stream().filter(r -> r.path().startsWith("/events")).count() < 3
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(docker.server.requests.stream().filter(r -> r.path().startsWith("/events")).count() >= 3,
                "retried with a new subscription: " + docker.server.requests);
        assertFalse(view.snapshot().complete());
        docker.inspectBroken = false;
        await("complete once inspect works", DockerView.Snapshot::complete);
    }

    private int inspections(String cid) {
        return (int) docker.server.requests.stream().filter(r -> r.path().equals("/containers/" + cid + "/json")).count();
    }

    private static int indexOf(List<FakeDockerServer.Request> rs, String prefix) {
        for (int i = 0; i < rs.size(); i++) {
            if (rs.get(i).path().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
