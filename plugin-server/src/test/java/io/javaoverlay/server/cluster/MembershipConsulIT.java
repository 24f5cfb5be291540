package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three {@link Membership}s in one JVM, each with its own Consul client, on one prefix of a real
 * {@code consul agent -dev}. The prober always says "unreachable", so only the heartbeat logic
 * protects a live host.
 */
@Tag("consul")
class MembershipConsulIT {
    private static final Membership.Settings SETTINGS = Membership.Settings.DEFAULT;
    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();

    private final String prefix = ConsulAgentExtension.uniquePrefix("jo-it-members");
    private final List<KvStore> stores = new ArrayList<>();
    private final Map<String, Membership> members = new ConcurrentHashMap<>();
    /** Every change every observer saw: observer, change, System.nanoTime(). */
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    record Seen(String observer, Membership.Change change, long at) {}

    @AfterEach
    void closeAll() {
        members.values().forEach(Membership::close);
        stores.forEach(KvStore::close);
    }

    private Membership start(String id) throws Exception {
        KvStore store = CONSUL.openStore(prefix);
        stores.add(store);
        Membership m = new Membership(store, new HostRecord(id, "198.18.0." + (10 + Integer.parseInt(id.substring(1))),
                id, "it", System.currentTimeMillis(), 0), SETTINGS, (vtep, timeout) -> false);
        m.addListener((hosts, changes) -> changes.forEach(c -> seen.add(new Seen(id, c, System.nanoTime()))));
        members.put(id, m);
        m.start();
        return m;
    }

    private void awaitAllAlive(List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean all = members.values().stream().allMatch(m -> ids.stream().allMatch(id ->
                    m.snapshot().containsKey(id) && m.snapshot().get(id).state() == Liveness.ALIVE));
            if (all) {
                return;
            }
            Thread.sleep(50);
        }
        fail("not every member saw " + ids + " ALIVE within 10 s: " + members.keySet());
    }

    private List<Seen> transitions() {
        return seen.stream().filter(s -> s.change().before().isPresent()).toList();
    }

    @Test
    void aHostThatStopsBeatingIsDeadWithinDeadAfterPlusTwoSecondsAndARestartDoesNotFlap() throws Exception {
        for (String id : List.of("h1", "h2", "h3")) {
            start(id);
        }
        awaitAllAlive(List.of("h1", "h2", "h3"));
        Thread.sleep(2000);
        assertEquals(List.of(), transitions(), "a steady cluster is steady");

        // A quick restart (same key, beat counter from 0): nobody notices.
        members.remove("h2").close();
        Thread.sleep(1500);
        start("h2");
        Thread.sleep(SETTINGS.deadAfter().toMillis() + 2000);
        assertEquals(List.of(), transitions(), "a restart within deadAfter changes nobody's state");

        long stopped = System.nanoTime();
        members.remove("h2").close();
        long bound = SETTINGS.deadAfter().plusSeconds(2).toNanos();
        long deadline = stopped + bound + TimeUnit.SECONDS.toNanos(5);
        Map<String, Long> deadAt = new ConcurrentHashMap<>();
        while (System.nanoTime() < deadline && deadAt.size() < 2) {
            for (Seen s : transitions()) {
                if (s.change().hostId().equals("h2") && s.change().after().orElse(null) == Liveness.DEAD) {
                    deadAt.putIfAbsent(s.observer(), s.at() - stopped);
                }
            }
            Thread.sleep(20);
        }
        System.out.printf("MembershipConsulIT: h2 stopped beating; DEAD at h1 after %s ms, at h3 after %s ms%n",
                ms(deadAt.get("h1")), ms(deadAt.get("h3")));
        assertEquals(2, deadAt.size(), "both observers see h2 DEAD: " + transitions());
        deadAt.forEach((obs, t) -> assertTrue(t <= bound, obs + " saw h2 DEAD after " + ms(t) + " ms > "
                + bound / 1_000_000 + " ms"));
        assertTrue(members.get("h1").deadFor("h2").isPresent());
        assertTrue(stores.get(0).get(ClusterKeys.host("h2")).isPresent(), "h2's record stays after its shutdown");

        // h2 comes back: ALIVE at the others' next look.
        long back = System.nanoTime();
        start("h2");
        awaitAllAlive(List.of("h1", "h2", "h3"));
        System.out.printf("MembershipConsulIT: h2 back ALIVE everywhere after %s ms%n", ms(System.nanoTime() - back));
    }

    @Test
    void pausingTheStoreForFifteenSecondsJudgesNobody() throws Exception {
        for (String id : List.of("h1", "h2", "h3")) {
            start(id);
        }
        awaitAllAlive(List.of("h1", "h2", "h3"));
        Thread.sleep(2000);
        long pid = consulPid();
        signal("STOP", pid);
        long paused = System.nanoTime();
        try {
            Thread.sleep(15_000);
            assertEquals(List.of(), transitions(), "nobody judged during the pause");
            for (Membership m : members.values()) {
                assertTrue(!m.isJudging(), "reads fail while the agent is stopped");
            }
        } finally {
            signal("CONT", pid);
        }
        System.out.printf("MembershipConsulIT: consul agent (pid %d) stopped for %d ms%n", pid,
                (System.nanoTime() - paused) / 1_000_000);
        Thread.sleep(SETTINGS.deadAfter().toMillis() * 2 + 3000);
        assertEquals(List.of(), transitions(), "nobody judged during or after the pause");
        for (Membership m : members.values()) {
            assertTrue(m.isJudging());
            m.snapshot().values().forEach(v -> assertEquals(Liveness.ALIVE, v.state(), v.toString()));
        }
    }

    /** The pid of this test's agent: our child process whose node name carries its HTTP port. */
    private static long consulPid() {
        String node = "jo-test-" + CONSUL.agent().httpAddress().getPort();
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(node)).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no consul process with -node " + node))
                .pid();
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + sig + " " + pid);
    }

    private static String ms(Long nanos) {
        return nanos == null ? "never" : Long.toString(nanos / 1_000_000);
    }
}
