package io.javaoverlay.server.metrics;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What the membership component reports for metrics: each host it declares dead
 * ({@code javaoverlay_dead_hosts_detected_total}). The hosts-by-state gauge
 * ({@code javaoverlay_hosts}) reads a {@link io.javaoverlay.server.status.HostsSource}, which the
 * membership component implements too; {@link #hostsByState} lets it push its own counts instead.
 */
public interface MembershipMetrics {

    /** One host went DEAD in this observer's view. */
    void deadHostDetected();

    /** Replaces the gauge's feed: state label ({@code alive}, {@code silent}, {@code dead}) → hosts. */
    default void hostsByState(Supplier<Map<String, Double>> feed) {
    }
}
