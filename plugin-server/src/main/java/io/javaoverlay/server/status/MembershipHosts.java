package io.javaoverlay.server.status;

import io.javaoverlay.server.cluster.HostView;
import io.javaoverlay.server.cluster.Membership;
import io.javaoverlay.server.metrics.MembershipMetrics;
import io.javaoverlay.types.IpAddress;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link HostsSource} on the membership component (heartbeats, ICMP second opinion); and its listener
 * that feeds {@code javaoverlay_dead_hosts_detected_total} and {@code javaoverlay_hosts}.
 */
public final class MembershipHosts implements HostsSource {
    private final Membership membership;

    /** Reads {@code membership}'s snapshot on each call. */
    public MembershipHosts(Membership membership) {
        this.membership = membership;
    }

    @Override
    public Map<String, Host> hosts() {
        Map<String, Host> out = new TreeMap<>();
        membership.snapshot().forEach((id, v) -> out.put(id, of(v)));
        return out;
    }

    /** One membership view as a status host. */
    static Host of(HostView v) {
        return new Host(v.hostId(), Liveness.valueOf(v.state().name()), v.vtep().map(IpAddress::toString),
                Optional.of(v.hostname()).filter(h -> !h.isEmpty()), Optional.of(v.lastBeatAge()), Optional.of(v.since()));
    }

    /**
     * A listener for {@link Membership#addListener}: counts every transition into DEAD and keeps the
     * hosts-by-state gauge current from the pushed snapshots.
     */
    public static Membership.Listener metricsListener(MembershipMetrics metrics) {
        return new Membership.Listener() {
            private volatile Map<String, Double> byState = Map.of();

            {
                metrics.hostsByState(() -> byState);
            }

            @Override
            public void membershipChanged(Map<String, HostView> hosts, List<Membership.Change> changes) {
                for (Membership.Change c : changes) {
                    if (c.after().map(a -> a == io.javaoverlay.server.cluster.Liveness.DEAD).orElse(false)
                            && !c.before().map(b -> b == io.javaoverlay.server.cluster.Liveness.DEAD).orElse(false)) {
                        metrics.deadHostDetected();
                    }
                }
                Map<String, Double> m = new TreeMap<>();
                for (Liveness l : List.of(Liveness.ALIVE, Liveness.SILENT, Liveness.DEAD)) {
                    m.put(l.label(), 0.0);
                }
                hosts.values().forEach(v -> m.merge(v.state().name().toLowerCase(java.util.Locale.ROOT), 1.0, Double::sum));
                byState = m;
            }
        };
    }
}
