package io.javaoverlay.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.javaoverlay.server.CommandLineOperatorTest.run;
import static io.javaoverlay.server.CommandLineOperatorTest.usageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self-healing settings (issue 10): resync, grace, dead-host timeout, VTEP probe, ingress filter. */
class CommandLineSelfHealTest {

    @Test
    void defaults() {
        DaemonConfig c = run(Map.of(), "daemon");
        assertEquals(Duration.ofSeconds(30), c.resyncInterval());
        assertEquals(Duration.ofSeconds(60), c.endpointGrace());
        assertEquals(Duration.ofSeconds(6), c.deadHostTimeout());
        assertTrue(c.vtepProbe());
        assertTrue(c.vxlanIngressFilter());
    }

    @Test
    void flagsBeatEnvironment() {
        Map<String, String> env = Map.of("JAVAOVERLAY_RESYNC_INTERVAL", "5m", "JAVAOVERLAY_ENDPOINT_GRACE", "2m",
                "JAVAOVERLAY_DEAD_HOST_TIMEOUT", "10s", "JAVAOVERLAY_VTEP_PROBE", "false",
                "JAVAOVERLAY_VXLAN_INGRESS_FILTER", "no");
        DaemonConfig e = run(env, "daemon");
        assertEquals(Duration.ofMinutes(5), e.resyncInterval());
        assertEquals(Duration.ofMinutes(2), e.endpointGrace());
        assertEquals(Duration.ofSeconds(10), e.deadHostTimeout());
        assertFalse(e.vtepProbe());
        assertFalse(e.vxlanIngressFilter());

        DaemonConfig f = run(env, "daemon", "--resync-interval", "1500ms", "--endpoint-grace=0s", "--dead-host-timeout",
                "1h", "--vtep-probe", "true", "--vxlan-ingress-filter=TRUE");
        assertEquals(Duration.ofMillis(1500), f.resyncInterval());
        assertEquals(Duration.ZERO, f.endpointGrace());
        assertEquals(Duration.ofHours(1), f.deadHostTimeout());
        assertTrue(f.vtepProbe());
        assertTrue(f.vxlanIngressFilter());
    }

    @Test
    void bumLimitsComeFromFlagsOrTheEnvironment() {
        assertEquals(io.javaoverlay.vxlan.VxlanConfig.BumLimits.DEFAULT, run(Map.of(), "daemon").bumLimits());
        assertEquals(new io.javaoverlay.vxlan.VxlanConfig.BumLimits(8, 100), run(Map.of("JAVAOVERLAY_BUM_WARN_HOSTS", "8",
                "JAVAOVERLAY_BUM_MAX_HOSTS", "3"), "daemon", "--bum-max-hosts", "100").bumLimits());
        assertEquals("--bum-max-hosts 'many' is not a number of hosts, e.g. 64",
                usageError(Map.of(), "daemon", "--bum-max-hosts", "many"));
        assertEquals("--bum-warn-hosts 16 and --bum-max-hosts 1 must be at least 2 (hosts in one network)",
                usageError(Map.of(), "daemon", "--bum-max-hosts", "1"));
        DaemonConfig c = run(Map.of(), "daemon", "--bum-warn-hosts", "4");
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void theBuilderKeepsEverySettingThroughToBuilder() {
        DaemonConfig c = run(Map.of(), "daemon", "--resync-interval", "7s", "--endpoint-grace", "9s",
                "--dead-host-timeout", "3s", "--vtep-probe", "false", "--vxlan-ingress-filter", "false");
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void badValuesAreUsageErrors() {
        assertEquals("--resync-interval 'often' is not a duration such as 1h, 30m, 90s or 2h30m",
                usageError(Map.of(), "daemon", "--resync-interval", "often"));
        assertEquals("--resync-interval 500 ms must lie within 1s-1h", usageError(Map.of(), "daemon", "--resync-interval", "500ms"));
        assertEquals("--dead-host-timeout 1000 ms must lie within 2s-1h (hosts beat every second)",
                usageError(Map.of(), "daemon", "--dead-host-timeout", "1s"));
        assertEquals("--endpoint-grace must lie within 0s-24h", usageError(Map.of(), "daemon", "--endpoint-grace", "2d"));
        assertEquals("--vtep-probe 'maybe' must be true or false", usageError(Map.of(), "daemon", "--vtep-probe", "maybe"));
        assertEquals("--vxlan-ingress-filter 'maybe' must be true or false",
                usageError(Map.of(), "daemon", "--vxlan-ingress-filter", "maybe"));
    }
}
