package io.javaoverlay.vxlan;

import io.javaoverlay.vxlan.reconcile.DriftCheck;
import io.javaoverlay.vxlan.testing.TwoHostsBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.vxlan.testing.TwoHosts.await;
import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code javaoverlay status} reports as drift: not the moment between a store change and the pass
 * that follows it, but drift that outlasts the work in flight ({@link DriftCheck#settled}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DriftSettleTest extends TwoHostsBase {

    /** Host a with a container in n1, and its pass done. */
    void localContainerOnA() throws Exception {
        n1OnBothWithContainerOnA();
        await("a's pass after the Join", () -> !a.reconcilers().busy("n1")
                && DriftCheck.settled(a.reconcilers()).get(0).tableDrift() == 0);
    }

    @Test
    void driftWhileAPassIsOnItsWayIsWaitedForNotReported() throws Exception {
        localContainerOnA();
        // Hold a's network executor, so that the pass the watch starts for b's new endpoint must queue.
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        CompletableFuture<Object> blocker = CompletableFuture.supplyAsync(() -> a.reconcilers().exclusive("n1",
                "the test's hold", Duration.ofSeconds(30), () -> {
                    held.countDown();
                    return hold.await(30, TimeUnit.SECONDS);
                }));
        assertTrue(held.await(10, TimeUnit.SECONDS));
        b.createEndpoint("n1", "dn-b", ep("eb", "10.20.0.6/24"));
        b.join("n1", "eb", "/var/run/docker/netns/b");
        DriftCheck.Drift now = DriftCheck.inspect(a.reconcilers().of("n1"));
        assertTrue(now.missingFdb() > 0, "the moment itself: a lacks b's entry " + now);
        assertTrue(a.reconcilers().busy("n1"), "the hold, and the pass a's watch queues behind it");

        CompletableFuture<List<DriftCheck.Drift>> status = CompletableFuture.supplyAsync(() -> DriftCheck.settled(a.reconcilers()));
        Thread.sleep(500);
        assertFalse(status.isDone(), "status waits while the pass is queued");
        hold.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        DriftCheck.Drift settled = status.get(10, TimeUnit.SECONDS).get(0);
        assertEquals(0, settled.tableDrift(), "after the pass: " + settled);
    }

    @Test
    void driftThatOutlastsTheWorkInFlightIsReported() throws Exception {
        localContainerOnA();
        b.createEndpoint("n1", "dn-b", ep("eb", "10.20.0.6/24"));
        b.join("n1", "eb", "/var/run/docker/netns/b");
        await("a programs b's endpoint", () -> DriftCheck.settled(a.reconcilers()).get(0).tableDrift() == 0);
        await("a's network idle", () -> !a.reconcilers().busy("n1"));
        // Someone deletes a's FDB entries by hand: nothing is in flight, and the drift is reported.
        int vx = nlA.findLinkByName("jo-vx-1").orElseThrow().index();
        nlA.fdbList(vx).forEach(e -> {
            try {
                nlA.fdbDel(e);
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        });
        DriftCheck.Drift d = DriftCheck.settled(a.reconcilers()).get(0);
        assertTrue(d.missingFdb() > 0, "reported: " + d);
    }
}
