package io.javaoverlay.vxlan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Pins the FORWARD rule that lets bridged overlay frames past Docker's DROP policy (see ClusterStoreE2EIT). */
class BridgeForwardRuleTest {

    private static final List<String> CHECK =
            List.of("iptables", "-w", "-C", "FORWARD", "-i", "jo-br-+", "-o", "jo-br-+", "-j", "ACCEPT");
    private static final List<String> INSERT =
            List.of("iptables", "-w", "-I", "FORWARD", "-i", "jo-br-+", "-o", "jo-br-+", "-j", "ACCEPT");

    @Test
    void ruleAlreadyPresentIsNotInsertedAgain() {
        List<List<String>> calls = new ArrayList<>();
        assertTrue(new BridgeForwardRule(c -> { calls.add(c); return 0; }).ensure());
        assertEquals(List.of(CHECK), calls);
    }

    @Test
    void missingRuleIsInsertedAtTheTopOfForward() {
        List<List<String>> calls = new ArrayList<>();
        assertTrue(new BridgeForwardRule(c -> { calls.add(c); return c.contains("-C") ? 1 : 0; }).ensure());
        assertEquals(List.of(CHECK, INSERT), calls);
    }

    @Test
    void failingInsertIsAWarningNotAnError() {
        assertFalse(new BridgeForwardRule(c -> 4).ensure());
    }

    @Test
    void missingIptablesBinaryIsAWarningNotAnError() {
        assertFalse(new BridgeForwardRule(c -> { throw new IOException("No such file or directory"); }).ensure());
    }
}
