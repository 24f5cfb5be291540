package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

import static io.javaoverlay.server.cluster.Liveness.ALIVE;
import static io.javaoverlay.server.cluster.Liveness.DEAD;
import static io.javaoverlay.server.cluster.Liveness.SILENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership on a real local store with a hand-driven clock, direct executors and a fake prober.
 * Each {@link #step} advances one heartbeat (1 s) and ticks the beating hosts, the observer h1 last.
 */
class MembershipTest {
    @TempDir
    Path dir;
    private LocalKvStore store;
    private final FakeTime time = new FakeTime();
    /** Probe answer per VTEP, by the probe's ordinal (0, 1, ...) for that VTEP. */
    private final Map<String, IntPredicate> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> probes = new ConcurrentHashMap<>();
    private final Map<String, Membership> members = new LinkedHashMap<>();
    private final Map<String, FlakyStore> paths = new LinkedHashMap<>();
    private final List<Membership.Change> seenByH1 = new ArrayList<>();
    private Membership.Settings settings = Membership.Settings.DEFAULT;

    @BeforeEach
    void open() throws Exception {
        store = LocalKvStore.open(dir);
    }

    @AfterEach
    void close() {
        members.values().forEach(Membership::close);
        store.close();
    }

    /** A fake probe for one observer: answers by VTEP, counted per observer. */
    private VtepProber proberOf(String observer) {
        return (vtep, timeout) -> {
            String a = vtep.getHostAddress();
            int n = probes.merge(observer + ">" + a, 1, Integer::sum) - 1;
            return answers.getOrDefault(a, i -> true).test(n);
        };
    }

    private int probeCount(String observer, String target) {
        return probes.getOrDefault(observer + ">" + vtep(target), 0);
    }

    private Membership start(String id) {
        FlakyStore path = paths.computeIfAbsent(id, k -> new FlakyStore(store));
        Membership m = new Membership(path, new HostRecord(id, vtep(id), "host-" + id, "test", 0, 0), settings, proberOf(id),
                time, time, Runnable::run, Runnable::run);
        members.put(id, m);
        if (id.equals("h1")) {
            m.addListener((hosts, changes) -> seenByH1.addAll(changes));
        }
        return m;
    }

    private static String vtep(String id) {
        return "198.18.0." + (10 + Integer.parseInt(id.substring(1)));
    }

    /** Advances one heartbeat and ticks every running member but those in {@code quiet}; h1 last. */
    private void step(int seconds, String... quiet) {
        Set<String> q = Set.of(quiet);
        for (int i = 0; i < seconds; i++) {
            time.advance(Duration.ofSeconds(1));
            members.forEach((id, m) -> {
                if (!id.equals("h1") && !q.contains(id)) {
                    m.tick();
                }
            });
            if (members.containsKey("h1") && !q.contains("h1")) {
                members.get("h1").tick();
            }
        }
    }

    private Liveness state(String id) {
        return members.get("h1").snapshot().get(id).state();
    }

    private List<Membership.Change> changesOf(String id) {
        return seenByH1.stream().filter(c -> c.hostId().equals(id) && c.before().isPresent()).toList();
    }

    private static Membership.Change change(String id, Liveness from, Liveness to) {
        return new Membership.Change(id, Optional.of(from), Optional.of(to));
    }

    private void cluster(String... ids) {
        for (String id : ids) {
            start(id);
        }
        step(3);
        for (String id : ids) {
            assertEquals(ALIVE, state(id), id);
        }
    }

    @Test
    void silentHostWhoseVtepAnswersIsKeptAndBeatsBackToAlive() {
        cluster("h1", "h2", "h3");
        step(5, "h2");
        assertEquals(ALIVE, state("h2"), "5 s of silence is within deadAfter");
        step(1, "h2");
        assertEquals(SILENT, state("h2"));
        step(30, "h2");
        assertEquals(SILENT, state("h2"), "its VTEP answers: never DEAD");
        assertTrue(probeCount("h1", "h2") >= 30, "probed once per heartbeat: " + probes);
        step(1);
        assertEquals(ALIVE, state("h2"));
        assertEquals(List.of(change("h2", ALIVE, SILENT), change("h2", SILENT, ALIVE)), changesOf("h2"));
        assertEquals(List.of(), changesOf("h3"));
    }

    @Test
    void silentHostWhoseVtepDoesNotAnswerIsDeadAfterDeadAfterAndTwoFailedProbes() {
        cluster("h1", "h2", "h3");
        answers.put(vtep("h2"), i -> false);
        step(5, "h2");
        assertEquals(ALIVE, state("h2"));
        assertEquals(2, probeCount("h1", "h2"), "probing starts 2 heartbeats before deadAfter");
        assertTrue(members.get("h1").deadFor("h2").isEmpty());
        step(1, "h2");
        assertEquals(DEAD, state("h2"));
        assertEquals(List.of(change("h2", ALIVE, DEAD)), changesOf("h2"));
        step(10, "h2");
        assertEquals(Optional.of(Duration.ofSeconds(10)), members.get("h1").deadFor("h2"));
        assertEquals(Optional.of(Duration.ofSeconds(16)), Optional.of(members.get("h1").snapshot().get("h2").lastBeatAge()));
        step(1);
        assertEquals(ALIVE, state("h2"), "a beat revives at once");
        assertTrue(members.get("h1").deadFor("h2").isEmpty());
    }

    @Test
    void probeOffDeclaresDeadOnSilenceAlone() {
        settings = new Membership.Settings(Duration.ofSeconds(1), Duration.ofSeconds(6), false, Duration.ofSeconds(1));
        cluster("h1", "h2");
        step(5, "h2");
        assertEquals(ALIVE, state("h2"));
        step(1, "h2");
        assertEquals(DEAD, state("h2"));
        assertTrue(probes.isEmpty(), "no probe sent: " + probes);
    }

    @Test
    void restartTakesTheRecordOverWithoutAFlap() throws Exception {
        answers.put(vtep("h2"), i -> false);
        cluster("h1", "h2", "h3");
        members.remove("h2").close();
        assertTrue(store.get(ClusterKeys.host("h2")).isPresent(), "a clean shutdown leaves the record");
        step(2);
        start("h2"); // beat counter from 0 again, same key
        step(20);
        assertEquals(List.of(), changesOf("h2"));
        assertEquals(ALIVE, state("h2"));
    }

    @Test
    void storeOutageNeverWithdrawsAnyone() {
        answers.put(vtep("h2"), i -> false);
        answers.put(vtep("h3"), i -> false);
        cluster("h1", "h2", "h3");
        paths.values().forEach(p -> p.down(true));
        step(30);
        assertFalse(members.get("h1").isJudging());
        paths.values().forEach(p -> p.down(false));
        step(20);
        assertTrue(members.get("h1").isJudging());
        assertEquals(List.of(), seenByH1.stream().filter(c -> c.before().isPresent()).toList());
    }

    @Test
    void clocksRestartAfterOurOwnOutage() {
        answers.put(vtep("h2"), i -> false);
        cluster("h1", "h2", "h3");
        paths.get("h1").down(true);
        step(20, "h2"); // h2 dies while h1 cannot see
        assertEquals(ALIVE, state("h2"), "nothing judged while our reads fail");
        paths.get("h1").down(false);
        step(6, "h2"); // the first good read restarts the clocks: 5 s of silence since
        assertEquals(ALIVE, state("h2"), "after the outage every host gets deadAfter again");
        step(1, "h2");
        assertEquals(DEAD, state("h2"));
        assertEquals(List.of(), changesOf("h3"));
    }

    @Test
    void evenOneFailedReadRestartsTheClocks() {
        answers.put(vtep("h2"), i -> false);
        cluster("h1", "h2");
        step(3, "h2");
        paths.get("h1").readsDown = true;
        step(1, "h2");
        paths.get("h1").readsDown = false;
        step(1, "h2"); // 5 s after h2's last beat, but the first good read after a failure: clocks restart
        step(5, "h2");
        assertEquals(ALIVE, state("h2"));
        step(1, "h2");
        assertEquals(DEAD, state("h2"));
    }

    @Test
    void aStalledObserverRestartsItsClocksInsteadOfJudging() {
        answers.put(vtep("h2"), i -> false);
        cluster("h1", "h2");
        step(10, "h1", "h2"); // h1 does not look for 10 s (paused JVM, hung store call), h2 is gone
        step(1, "h2");
        assertEquals(ALIVE, state("h2"));
        step(5, "h2");
        assertEquals(ALIVE, state("h2"));
        step(1, "h2");
        assertEquals(DEAD, state("h2"));
    }

    @Test
    void wipedHostsIsHarmless() throws Exception {
        answers.put(vtep("h2"), i -> false);
        answers.put(vtep("h3"), i -> false);
        cluster("h1", "h2", "h3");
        store.deletePrefix(ClusterKeys.HOSTS);
        step(1, "h1"); // the others rewrite theirs before h1 looks
        step(20);
        assertEquals(List.of(), seenByH1.stream().filter(c -> c.before().isPresent()).toList());
        store.deletePrefix(ClusterKeys.HOSTS);
        members.get("h1").tick(); // h1 looks first: a missing record is "no beat", the rewrite is a beat
        assertFalse(members.get("h1").snapshot().get("h2").hasRecord());
        step(20);
        assertEquals(List.of(), seenByH1.stream().filter(c -> c.before().isPresent()).toList());
    }

    @Test
    void ownersWithoutRecordAreNoBeatAndJudgedByTheirVtep() throws Exception {
        cluster("h1");
        answers.put("198.18.0.18", i -> false);
        members.get("h1").noteOwners(Map.of("h8", Optional.of(InetAddress.getByName("198.18.0.18")),
                "h9", Optional.of(InetAddress.getByName("198.18.0.19")), "h7", Optional.empty()));
        step(1);
        assertEquals(SILENT, state("h8"));
        assertFalse(members.get("h1").snapshot().get("h8").hasRecord());
        step(5);
        assertEquals(SILENT, state("h8"), "judged only deadAfter after it was first noted");
        step(1);
        assertEquals(DEAD, state("h8"));
        assertEquals(SILENT, state("h9"), "machine answers");
        assertEquals(DEAD, state("h7"), "nothing to probe: heartbeat only");
        members.get("h1").noteOwners(Map.of("h9", Optional.of(InetAddress.getByName("198.18.0.19")), "h7", Optional.empty()));
        step(1);
        assertFalse(members.get("h1").snapshot().containsKey("h8"), "DEAD, no record, owns nothing: forgotten");
        assertTrue(members.get("h1").snapshot().containsKey("h9"));
        assertTrue(seenByH1.contains(new Membership.Change("h8", Optional.of(DEAD), Optional.empty())));
        assertEquals(DEAD, state("h7"), "still an owner: kept");
        start("h7"); // its record appears: a beat, ALIVE at h1's next look
        step(1);
        assertEquals(ALIVE, state("h7"));
    }

    @Test
    void lossyProbeDoesNotFlap() {
        cluster("h1", "h2");
        int firstAnswers = 5;
        // Answers first (a silent but up host), then loses 2 of every 3 echoes, then nothing, then 2 of 3 again.
        answers.put(vtep("h2"), i -> i < firstAnswers || (i < 102 && i % 3 == 2) || (i >= 120 && i % 3 != 0));
        // Probe n is sent at n + 4 s of silence.
        step(60, "h2");
        assertEquals(List.of(change("h2", ALIVE, SILENT)), changesOf("h2"));
        step(50, "h2"); // probes up to 106: 102..106 failed, five in a row
        assertEquals(SILENT, state("h2"), "five failures in a row of a host that answered before are not enough");
        step(1, "h2"); // probe 107: the sixth
        assertEquals(DEAD, state("h2"));
        int deadAt = seenByH1.size();
        step(20, "h2"); // probes 108..127: F up to 120, then T,T,F,T,T,F,T
        assertEquals(DEAD, state("h2"), "a lossy answer pattern does not revive");
        answers.put(vtep("h2"), i -> true);
        step(3, "h2");
        assertEquals(SILENT, state("h2"), "three answers in a row do");
        assertEquals(List.of(change("h2", SILENT, DEAD), change("h2", DEAD, SILENT)),
                seenByH1.subList(deadAt - 1, seenByH1.size()));
    }

    @Test
    void ourOwnFailingWritesMakeUsSilentNeverDead() {
        answers.put(vtep("h1"), i -> false);
        cluster("h1");
        paths.get("h1").writesDown = true;
        step(20);
        assertEquals(SILENT, state("h1"));
        assertEquals(0, probeCount("h1", "h1"), "we never probe ourselves");
        start("h2");
        step(7);
        assertEquals(DEAD, members.get("h2").snapshot().get("h1").state(), "the others judge us by our VTEP");
    }

    @Test
    void aListenerGetsTheCurrentViewWhenAddedAndTheCloseLeavesTheRecord() throws Exception {
        cluster("h1", "h2");
        List<Map<String, HostView>> calls = new ArrayList<>();
        members.get("h2").addListener((hosts, changes) -> {
            assertEquals(List.of(), changes);
            calls.add(hosts);
        });
        assertEquals(Set.of("h1", "h2"), calls.get(0).keySet());
        HostView v = calls.get(0).get("h1");
        assertEquals(Optional.of(InetAddress.getByName("198.18.0.11")), v.vtep());
        assertEquals("host-h1", v.hostname());
        assertEquals("test", v.version());
        assertTrue(v.hasRecord());
        members.get("h2").close();
        assertTrue(store.get(ClusterKeys.host("h2")).isPresent());
        assertEquals(2, ClusterKeys.decodeHost("k", store.get(ClusterKeys.host("h2")).get().value()).beat(),
                "beats 0, 1, 2 were written, one per tick");
    }
}
