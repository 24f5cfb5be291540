package io.javaoverlay.server.status;

import io.javaoverlay.server.cluster.HostView;
import io.javaoverlay.server.cluster.Liveness;
import io.javaoverlay.server.cluster.Membership;
import io.javaoverlay.server.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The membership component as a status source and as the feed of the dead-host metrics. */
class MembershipHostsTest {
    static HostView view(String id, Liveness state) throws Exception {
        return new HostView(id, state, Optional.of(InetAddress.getByName("198.18.0.12")), "jo-" + id, "1.0",
                Duration.ofSeconds(7), Instant.parse("2026-01-01T00:00:00Z"), true);
    }

    @Test
    void viewsBecomeStatusHosts() throws Exception {
        HostsSource.Host h = MembershipHosts.of(view("h2", Liveness.SILENT));
        assertEquals(io.javaoverlay.server.status.Liveness.SILENT, h.state());
        assertEquals(Optional.of("198.18.0.12"), h.vtep());
        assertEquals(Optional.of("jo-h2"), h.hostname());
        assertEquals(Optional.of(Duration.ofSeconds(7)), h.lastBeatAge());
    }

    @Test
    void deadTransitionsAreCountedAndStatesGauged() throws Exception {
        Metrics metrics = new Metrics("t");
        Membership.Listener l = MembershipHosts.metricsListener(metrics);
        Map<String, HostView> hosts = Map.of("h1", view("h1", Liveness.ALIVE), "h2", view("h2", Liveness.DEAD),
                "h3", view("h3", Liveness.DEAD));
        l.membershipChanged(hosts, List.of(new Membership.Change("h2", Optional.of(Liveness.SILENT), Optional.of(Liveness.DEAD)),
                new Membership.Change("h3", Optional.empty(), Optional.of(Liveness.DEAD))));
        l.membershipChanged(hosts, List.of(new Membership.Change("h3", Optional.of(Liveness.DEAD), Optional.of(Liveness.DEAD))));
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("javaoverlay_dead_hosts_detected_total 2.0"), scrape);
        assertTrue(scrape.contains("javaoverlay_hosts{state=\"dead\"} 2.0"), scrape);
        assertTrue(scrape.contains("javaoverlay_hosts{state=\"alive\"} 1.0"), scrape);
        assertTrue(scrape.contains("javaoverlay_hosts{state=\"silent\"} 0.0"), scrape);
    }
}
