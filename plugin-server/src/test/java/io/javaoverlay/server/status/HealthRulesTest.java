package io.javaoverlay.server.status;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Degraded exactly when the store is unreachable, a pass did not converge, drift is non-zero, or a host is dead. */
class HealthRulesTest {
    static StatusModel.ThisHost host(boolean reachable, String services) {
        return new StatusModel.ThisHost("h1", "10.0.0.1", "eth0", 1500, 1450, "v", "t", 1, "local", "consul://s:8500/p/",
                new StatusModel.StoreHealth(reachable, reachable ? 1.0 : null, reachable ? null : "connection refused"),
                services, Map.of());
    }

    static StatusModel.NetworkDrift drift(int missingFdb, int extraNeigh, Boolean converged, String error) {
        return new StatusModel.NetworkDrift("n".repeat(64), "blue", 3, true, 2, 2 - missingFdb, 2, 2 + extraNeigh, missingFdb, 0, 0,
                extraNeigh, 0, error, converged == null ? null
                : new StatusModel.LastPass("t", 1, 2, converged ? 2 : 1, converged ? 0 : 1, converged, null));
    }

    static StatusModel.HostView hostView(String id, String state) {
        return new StatusModel.HostView(id, state, "10.0.0.9", null, 30.0, null, 4, false);
    }

    @Test
    void healthyWhenNothingIsWrong() {
        StatusModel.Health h = HealthRules.evaluate(host(true, "ready"),
                List.of(hostView("h1", "alive"), hostView("h3", "unknown"), hostView("h4", "silent")),
                List.of(drift(0, 0, true, null), drift(0, 0, null, null)), List.of());
        assertTrue(h.healthy(), h.reasons().toString());
        assertEquals(List.of(), h.reasons());
    }

    @Test
    void aResolverThatIsNotServingDegrades() {
        StatusModel.ThisHost h = host(true, "ready");
        StatusModel.ThisHost notServing = new StatusModel.ThisHost(h.hostId(), h.vtep(), h.underlayDevice(), h.underlayMtu(),
                h.containerMtu(), h.version(), h.startedAt(), h.uptimeSeconds(), h.scope(), h.store(), h.storeHealth(),
                h.services(), Map.of("dns-addr", "auto"), new StatusModel.Names(0, 0, false, 0L, 0L, 0L, 0L, 0L, null));
        assertEquals(List.of("container DNS is not served on --dns-addr auto (cannot bind; see the daemon's log);"
                + " containers resolve no names of other hosts"),
                HealthRules.evaluate(notServing, List.of(), List.of(), List.of()).reasons());
        StatusModel.ThisHost serving = new StatusModel.ThisHost(h.hostId(), h.vtep(), h.underlayDevice(), h.underlayMtu(),
                h.containerMtu(), h.version(), h.startedAt(), h.uptimeSeconds(), h.scope(), h.store(), h.storeHealth(),
                h.services(), Map.of("dns-addr", "auto"), new StatusModel.Names(0, 0, true, 0L, 0L, 0L, 0L, 0L, 1));
        assertTrue(HealthRules.evaluate(serving, List.of(), List.of(), List.of()).healthy());
    }

    @Test
    void whileTheFirstStartAttemptRunsTheOneReasonIsStartingNotUnreachable() {
        StatusModel.ThisHost h = host(false, "connecting to the store consul://s:8500/p/");
        StatusModel.Health starting = HealthRules.evaluate(h, List.of(), List.of(), List.of(), true);
        assertFalse(starting.healthy());
        assertTrue(starting.starting());
        assertEquals(List.of("the daemon is starting (up 1 s): connecting to the store consul://s:8500/p/;"
                + " run status again in a moment"), starting.reasons());
        // Once the first attempt has failed, the same view is a fault with both causes named.
        StatusModel.Health failed = HealthRules.evaluate(h, List.of(), List.of(), List.of(), false);
        assertFalse(failed.starting());
        assertEquals(List.of("store consul://s:8500/p/ is unreachable: connection refused",
                "services are not running: connecting to the store consul://s:8500/p/"), failed.reasons());
        // Services that are up are judged as usual, whatever the start flag says.
        StatusModel.Health up = HealthRules.evaluate(host(true, "ready"), List.of(), List.of(), List.of(), true);
        assertTrue(up.healthy());
        assertFalse(up.starting());
    }

    @Test
    void eachRuleDegradesOnItsOwn() {
        assertEquals(List.of("store consul://s:8500/p/ is unreachable: connection refused"),
                HealthRules.evaluate(host(false, "ready"), List.of(), List.of(), List.of()).reasons());
        assertEquals(List.of("services are not running: connecting to the store consul://s:8500/p/"),
                HealthRules.evaluate(host(true, "connecting to the store consul://s:8500/p/"), List.of(), List.of(), List.of()).reasons());
        assertEquals(List.of("network blue (nnnnnnnnnnnn): the last reconcile pass did not converge (1 of 2 changes failed)"),
                HealthRules.evaluate(host(true, "ready"), List.of(), List.of(drift(0, 0, false, null)), List.of()).reasons());
        assertEquals(List.of("network blue (nnnnnnnnnnnn): 3 FDB/neighbour entries differ from the store (1 FDB missing, 0 FDB extra,"
                        + " 0 neighbour missing, 2 neighbour extra)"),
                HealthRules.evaluate(host(true, "ready"), List.of(), List.of(drift(1, 2, true, null)), List.of()).reasons());
        assertEquals(List.of("network blue (nnnnnnnnnnnn): drift check failed: dump failed"),
                HealthRules.evaluate(host(true, "ready"), List.of(), List.of(drift(0, 0, null, "dump failed")), List.of()).reasons());
        assertEquals(List.of("host h2 is dead (no beat for 30 s); it still owns 4 endpoint records"),
                HealthRules.evaluate(host(true, "ready"), List.of(hostView("h2", "dead")), List.of(), List.of()).reasons());
        StatusModel.Health all = HealthRules.evaluate(host(false, "ready"), List.of(hostView("h2", "dead")),
                List.of(drift(1, 0, false, null)), List.of("hosts: unreadable"));
        assertFalse(all.healthy());
        assertEquals(5, all.reasons().size(), all.reasons().toString());
    }
}
