package io.javaoverlay.server.status;

import java.util.ArrayList;
import java.util.List;

/**
 * When {@code status} says degraded (exit 1): the store is unreachable or the services are not
 * running, a network's last reconcile pass did not converge, a network's FDB/neighbour entries
 * differ from the store, a drift check failed, or a host is dead. Pure: unit-tested on its own.
 */
public final class HealthRules {
    private HealthRules() {
    }

    /** One reason per problem, in a stable order; healthy when there is none. */
    public static StatusModel.Health evaluate(StatusModel.ThisHost host, List<StatusModel.HostView> hosts,
                                              List<StatusModel.NetworkDrift> drift, List<String> unreadable) {
        return evaluate(host, hosts, drift, unreadable, false);
    }

    /**
     * As above; {@code starting}: the daemon's first start attempt still runs, so a store it has not
     * reached yet and services not yet running are one reason, "starting", not a fault.
     */
    public static StatusModel.Health evaluate(StatusModel.ThisHost host, List<StatusModel.HostView> hosts,
                                              List<StatusModel.NetworkDrift> drift, List<String> unreadable,
                                              boolean starting) {
        boolean stillStarting = starting && !"ready".equals(host.services());
        List<String> reasons = new ArrayList<>();
        if (stillStarting) {
            reasons.add("the daemon is starting (up " + host.uptimeSeconds() + " s): " + host.services()
                    + "; run status again in a moment");
        } else if (host.storeHealth() != null && !host.storeHealth().reachable()) {
            reasons.add("store " + host.store() + " is unreachable: " + host.storeHealth().error());
        }
        if (!stillStarting && !"ready".equals(host.services())) {
            reasons.add("services are not running: " + host.services());
        }
        if (host.names() != null && Boolean.FALSE.equals(host.names().dnsServing())) {
            reasons.add("container DNS is not served on --dns-addr " + host.config().getOrDefault("dns-addr", "")
                    + " (cannot bind; see the daemon's log); containers resolve no names of other hosts");
        }
        reasons.addAll(unreadable);
        for (StatusModel.NetworkDrift d : drift) {
            String net = "network " + label(d);
            if (d.error() != null) {
                reasons.add(net + ": drift check failed: " + d.error());
            }
            if (d.lastPass() != null && !d.lastPass().converged()) {
                reasons.add(net + ": the last reconcile pass did not converge"
                        + (d.lastPass().abortedBy() != null ? " (" + d.lastPass().abortedBy() + ")"
                        : " (" + d.lastPass().failed() + " of " + d.lastPass().planned() + " changes failed)"));
            }
            if (d.drift() > 0) {
                reasons.add(net + ": " + d.drift() + " FDB/neighbour entries differ from the store ("
                        + d.missingFdb() + " FDB missing, " + d.extraFdb() + " FDB extra, " + d.missingNeigh()
                        + " neighbour missing, " + d.extraNeigh() + " neighbour extra)");
            }
        }
        for (StatusModel.HostView h : hosts) {
            if (Liveness.DEAD.label().equals(h.state())) {
                reasons.add("host " + h.hostId() + " is dead"
                        + (h.lastBeatAgeSeconds() != null ? " (no beat for " + Math.round(h.lastBeatAgeSeconds()) + " s)" : "")
                        + (h.endpoints() > 0 ? "; it still owns " + h.endpoints() + " endpoint records" : ""));
            }
        }
        return new StatusModel.Health(reasons.isEmpty(), stillStarting, reasons);
    }

    private static String label(StatusModel.NetworkDrift d) {
        String id = d.clusterId().length() > 12 ? d.clusterId().substring(0, 12) : d.clusterId();
        return d.name() != null ? d.name() + " (" + id + ")" : id;
    }
}
