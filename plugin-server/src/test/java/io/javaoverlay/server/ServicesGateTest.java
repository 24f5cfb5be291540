package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.resource.ServiceUnavailableException;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Ready means ready": a store-dependent call that arrives while the daemon starts waits for the
 * services instead of failing at once, and fails only after the bound, a permanent failure or a
 * stop, with the status (store and cause) in the message.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServicesGateTest {
    final FakeIpamService ipam = new FakeIpamService();
    final RunningServices services = new RunningServices(ipam, new FakeClusterService(), List.of());

    /** Calls {@code gate.ipam()} on another thread and returns once that call is waiting in the gate. */
    static CompletableFuture<IpamService> waitingCall(ServicesGate gate) throws InterruptedException {
        CompletableFuture<IpamService> f = CompletableFuture.supplyAsync(gate::ipam);
        while (gate.waiting() == 0 && !f.isDone()) {
            Thread.sleep(5);
        }
        return f;
    }

    static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return e.getCause();
    }

    @Test
    void aCallWaitingWhileStartingGetsTheServicesWhenTheyComeUp() throws Exception {
        ServicesGate gate = new ServicesGate(Duration.ofMinutes(1));
        AtomicInteger kicks = new AtomicInteger();
        gate.onWait(kicks::incrementAndGet);
        gate.status("connecting to the store file:///var/lib/javaoverlay");
        CompletableFuture<IpamService> call = waitingCall(gate);
        assertEquals(1, gate.waiting());
        assertEquals(1, kicks.get(), "a waiting call asks the daemon to retry now");
        gate.open(services);
        assertSame(ipam, call.get());
        assertEquals(0, gate.waiting());
    }

    @Test
    void theFirstAttemptIsStartingUntilItOpensFailsOrRetries() throws Exception {
        ServicesGate opened = new ServicesGate(Duration.ofMinutes(1));
        assertTrue(opened.starting());
        assertFalse(opened.awaitFirstAttempt(Duration.ofMillis(20)), "still starting: the wait runs out");
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return opened.awaitFirstAttempt(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        opened.open(services);
        assertTrue(waiter.get(), "opening ends the wait");
        assertFalse(opened.starting());

        ServicesGate retrying = new ServicesGate(Duration.ofMinutes(1));
        retrying.retrying("the store consul://127.0.0.1:8500 is unreachable: Connection refused");
        assertFalse(retrying.starting());
        assertTrue(retrying.awaitFirstAttempt(Duration.ZERO));
        assertEquals("the store consul://127.0.0.1:8500 is unreachable: Connection refused", retrying.status());

        ServicesGate failed = new ServicesGate(Duration.ofMinutes(1));
        failed.fail("not wired");
        assertFalse(failed.starting());
        ServicesGate closed = new ServicesGate(Duration.ofMinutes(1));
        closed.close();
        assertFalse(closed.starting());
    }

    @Test
    void theWaitIsBoundedAndTheErrorNamesWhatIsMissing() throws Exception {
        ServicesGate gate = new ServicesGate(Duration.ofMillis(200));
        gate.status("the store consul://127.0.0.1:8500 is unreachable: Connection refused");
        ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class, gate::cluster);
        assertEquals("javaoverlay is not ready to serve this call (waited 0.2 s): "
                + "the store consul://127.0.0.1:8500 is unreachable: Connection refused", e.getMessage());
    }

    @Test
    void aPermanentFailureEndsTheWaitAtOnce() throws Exception {
        ServicesGate gate = new ServicesGate(Duration.ofMinutes(5));
        CompletableFuture<IpamService> call = waitingCall(gate);
        gate.fail("this build has no IPAM implementation wired in");
        Throwable t = failure(call);
        assertInstanceOf(ServiceUnavailableException.class, t);
        assertEquals("javaoverlay is not ready to serve this call: this build has no IPAM implementation wired in", t.getMessage());
        // later calls do not wait either
        assertThrows(ServiceUnavailableException.class, gate::ipam);
    }

    @Test
    void stoppingEndsTheWaitAtOnce() throws Exception {
        ServicesGate gate = new ServicesGate(Duration.ofMinutes(5));
        CompletableFuture<IpamService> call = waitingCall(gate);
        gate.close();
        assertEquals("javaoverlay is not ready to serve this call: stopping", failure(call).getMessage());
        assertTrue(!gate.open(services), "a closed gate stays closed");
    }

    @Test
    void withoutABoundCallsFailAtOnce() {
        ServicesGate gate = new ServicesGate();
        gate.status("starting");
        AtomicInteger kicks = new AtomicInteger();
        gate.onWait(kicks::incrementAndGet);
        assertEquals("javaoverlay is not ready to serve this call: starting",
                assertThrows(ServiceUnavailableException.class, gate::ipam).getMessage());
        assertEquals(0, kicks.get());
    }

    @Test
    void anOpenGateNeverWaits() {
        ServicesGate gate = new ServicesGate(Duration.ofMinutes(5));
        gate.open(services);
        assertSame(ipam, gate.ipam());
        assertEquals(0, gate.waiting());
    }
}
