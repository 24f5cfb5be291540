package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.e2e.Requirements;
import io.javaoverlay.server.e2e.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DockerView} against a real Docker 26 (one testbed host). The plugin is not involved: the
 * view watches networks of Docker's own {@code bridge} driver (driver setting {@code bridge}). Every
 * step is cross-checked against {@code docker network inspect}, and the event-to-snapshot latency is
 * measured against a second, independent events stream.
 */
@Tag("docker")
@Tag("privileged")
class DockerViewIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LATENCY_BOUND = Duration.ofSeconds(1);
    private static Testbed tb;

    private record Seen(long at, DockerView.Snapshot snapshot) {}

    private record Event(long at, String type, String action, String id, String container) {}

    private final List<Seen> history = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> latencies = new ArrayList<>();
    private volatile boolean watching;

    @BeforeAll
    static void up() {
        Requirements.requireTestbed();
        tb = Testbed.up(1, Testbed.DockerVersion.V26, false);
    }

    @AfterAll
    static void down() {
        if (tb != null) {
            tb.close();
        }
    }

    @Test
    void tracksConnectDisconnectDieAndSurvivesADockerdRestart() throws Exception {
        tb.dockerOk("h1", "network", "create", "-d", "bridge", "--subnet", "198.19.100.0/24", "viewnet");
        String netId = tb.dockerOk("h1", "network", "inspect", "-f", "{{.Id}}", "viewnet");
        Thread watcher = watchEvents();
        while (!watching) {
            Thread.sleep(10);
        }
        try (DockerView view = new DockerView(new DockerView.Settings(Testbed.dockerSocket("h1"), "bridge",
                Duration.ofSeconds(30), Duration.ofSeconds(10)))) {
            view.addListener(s -> history.add(new Seen(System.nanoTime(), s)));
            view.start();
            DockerView.Snapshot s = await(view, "viewnet listed", x -> x.complete() && x.networks().containsKey(netId));
            assertEquals("viewnet", s.networks().get(netId).name());
            assertEquals("local", s.networks().get(netId).scope());
            assertEquals("198.19.100.0/24", s.networks().get(netId).ipam().get(0).subnet());

            long before = System.nanoTime();
            String c1 = tb.dockerOk("h1", "run", "-d", "--name", "c1", "--network", "viewnet", "--network-alias", "web",
                    "--network-alias", "www", "jo-test", "sleep", "1d");
            s = awaitEvent(view, before, "connect", c1, "c1 attached", x -> endpointOf(x, netId, c1).isPresent());
            LocalEndpoint e = endpointOf(s, netId, c1).get();
            assertEquals("c1", e.containerName());
            assertEquals(List.of("web", "www"), e.aliases());
            assertTrue(e.ipv4().startsWith("198.19.100.") && e.ipv4().endsWith("/24"), e.ipv4());
            assertNull(s.containers().get(c1).gwbridgeAddress(), "no docker_gwbridge without an overlay");
            assertTrue(s.containers().get(c1).running());
            assertMatchesDocker(s, netId);

            before = System.nanoTime();
            tb.dockerOk("h1", "network", "disconnect", "viewnet", "c1");
            s = awaitEvent(view, before, "disconnect", c1, "c1 detached", x -> endpointOf(x, netId, c1).isEmpty());
            assertMatchesDocker(s, netId);

            before = System.nanoTime();
            tb.dockerOk("h1", "network", "connect", "--alias", "api", "viewnet", "c1");
            s = awaitEvent(view, before, "connect", c1, "c1 attached again",
                    x -> endpointOf(x, netId, c1).map(p -> p.aliases().equals(List.of("api"))).orElse(false));
            assertMatchesDocker(s, netId);

            before = System.nanoTime();
            String c2 = tb.dockerOk("h1", "run", "-d", "--name", "c2", "--network", "viewnet", "jo-test", "sleep", "1d");
            awaitEvent(view, before, "connect", c2, "c2 attached", x -> endpointOf(x, netId, c2).isPresent());
            before = System.nanoTime();
            tb.dockerOk("h1", "kill", "c2");
            s = awaitEvent(view, before, "die", c2, "c2 gone after it died", x -> endpointOf(x, netId, c2).isEmpty()
                    && !x.containers().containsKey(c2));
            assertMatchesDocker(s, netId);

            before = System.nanoTime();
            String c3 = tb.dockerOk("h1", "run", "-d", "--name", "c3", "--restart", "always", "--network", "viewnet",
                    "jo-test", "sleep", "1d");
            awaitEvent(view, before, "connect", c3, "c3 attached", x -> endpointOf(x, netId, c3).isPresent());

            // dockerd killed and started again: the view goes incomplete, then lists Docker's new truth
            // (c1 stopped by the restart without live-restore, c3 restarted by its policy).
            long restart = System.nanoTime();
            tb.dockerdRestart("h1", true);
            assertTrue(history.stream().anyMatch(h -> h.at() > restart && !h.snapshot().complete()),
                    "the view was incomplete while dockerd was away");
            s = await(view, "c3 back, c1 gone", x -> x.complete() && endpointOf(x, netId, c3).isPresent()
                    && endpointOf(x, netId, c1).isEmpty());
            long incomplete = history.stream().filter(h -> h.at() > restart && !h.snapshot().complete())
                    .mapToLong(Seen::at).min().orElseThrow();
            long complete = history.stream().filter(h -> h.at() > incomplete && h.snapshot().complete())
                    .mapToLong(Seen::at).min().orElseThrow();
            System.out.printf("DockerViewIT: incomplete %d ms after dockerd-restart --kill began, complete again %d ms"
                    + " after that%n", (incomplete - restart) / 1_000_000, (complete - incomplete) / 1_000_000);
            assertMatchesDocker(s, netId);
            // The stream works after the restart too.
            before = System.nanoTime();
            tb.dockerOk("h1", "network", "disconnect", "viewnet", "c3");
            s = awaitEvent(view, before, "disconnect", c3, "c3 detached after the restart", x -> endpointOf(x, netId, c3).isEmpty());
            assertMatchesDocker(s, netId);
        } finally {
            watcher.interrupt();
            System.out.println("DockerViewIT: event-to-snapshot latencies: " + latencies);
        }
    }

    private static Optional<LocalEndpoint> endpointOf(DockerView.Snapshot s, String netId, String cid) {
        return Optional.ofNullable(s.networks().get(netId))
                .flatMap(n -> n.endpoints().values().stream().filter(e -> e.containerId().equals(cid)).findFirst());
    }

    /** The view's endpoints of {@code netId} equal {@code docker network inspect}'s (ID, MAC, IPv4, name). */
    private void assertMatchesDocker(DockerView.Snapshot s, String netId) throws IOException {
        JsonNode containers = JSON.readTree(tb.dockerOk("h1", "network", "inspect", "-f", "{{json .Containers}}", netId));
        Map<String, String> docker = new TreeMap<>();
        containers.fields().forEachRemaining(f -> docker.put(f.getValue().path("EndpointID").asText(),
                f.getKey() + " " + f.getValue().path("Name").asText() + " " + f.getValue().path("MacAddress").asText()
                        + " " + f.getValue().path("IPv4Address").asText()));
        Map<String, String> ours = new TreeMap<>();
        s.networks().get(netId).endpoints().values().forEach(e -> ours.put(e.endpointId(),
                e.containerId() + " " + e.containerName() + " " + e.mac() + " " + e.ipv4()));
        assertEquals(docker, ours, "the view matches docker network inspect");
    }

    /** Waits for the view (liveness bound 60 s), returns the first snapshot that satisfies {@code p}. */
    private DockerView.Snapshot await(DockerView view, String what, Predicate<DockerView.Snapshot> p)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (p.test(view.snapshot())) {
                return view.snapshot();
            }
            Thread.sleep(10);
        }
        fail("the view never showed " + what + "; last: " + view.snapshot());
        return null;
    }

    /**
     * Waits for {@code p} and checks that the first snapshot showing it came at most {@link #LATENCY_BOUND}
     * after the independent stream saw the event ({@code action} about {@code container}) that happened
     * after {@code before}.
     */
    private DockerView.Snapshot awaitEvent(DockerView view, long before, String action, String container, String what,
                                           Predicate<DockerView.Snapshot> p) throws InterruptedException {
        DockerView.Snapshot s = await(view, what, p);
        long shown = history.stream().filter(h -> h.at() > before && p.test(h.snapshot())).mapToLong(Seen::at)
                .min().orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Optional<Event> ev = Optional.empty();
        while (ev.isEmpty() && System.nanoTime() < deadline) {
            ev = events.stream().filter(x -> x.at() > before && x.action().startsWith(action)
                    && (x.id().equals(container) || x.container().equals(container))).findFirst();
            Thread.sleep(10);
        }
        assertTrue(ev.isPresent(), "the independent stream saw " + action + " of " + container + ": " + events);
        long latency = shown - ev.get().at();
        latencies.add(what + ": " + latency / 1_000_000 + " ms");
        assertTrue(latency <= LATENCY_BOUND.toNanos(), what + ": the view showed it " + latency / 1_000_000
                + " ms after the event (bound " + LATENCY_BOUND.toMillis() + " ms)");
        return s;
    }

    /** A second events stream (reopened after dockerd restarts), to timestamp each event as it arrives. */
    private Thread watchEvents() {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (UnixHttpStream stream = UnixHttpStream.open(Testbed.dockerSocket("h1"), "/events",
                        Duration.ofSeconds(10))) {
                    watching = true;
                    while (!Thread.currentThread().isInterrupted()) {
                        Optional<String> line = stream.readLine(Duration.ofMillis(200));
                        if (line.isPresent() && !line.get().isBlank()) {
                            JsonNode e = JSON.readTree(line.get());
                            events.add(new Event(System.nanoTime(), e.path("Type").asText(), e.path("Action").asText(),
                                    e.path("Actor").path("ID").asText(),
                                    e.path("Actor").path("Attributes").path("container").asText("")));
                        }
                    }
                } catch (IOException e) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "it-events");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
