package io.javaoverlay.vxlan.reconcile;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Summary of one reconcile pass over one network.
 *
 * @param planned   the actions the planner produced
 * @param result    what applying them did (empty outcomes when the pass aborted early)
 * @param abortedBy why the pass stopped before planning (store unreachable, dump failed)
 * @param frozen    why the pass left the network's kernel state alone although it could read
 *                  everything: the store has no record of the network (or of any of its
 *                  endpoints) while this host has container interfaces on it. A flag for status
 *                  and metrics; the pass is not converged while it holds.
 */
public record ReconcileReport(String networkId, List<Action> planned, Applier.Result result, Optional<String> abortedBy,
                              Optional<String> frozen) {
    public ReconcileReport {
        planned = List.copyOf(planned);
        frozen = Objects.requireNonNullElse(frozen, Optional.empty());
    }

    /** A report of a pass that was not frozen. */
    public ReconcileReport(String networkId, List<Action> planned, Applier.Result result, Optional<String> abortedBy) {
        this(networkId, planned, result, abortedBy, Optional.empty());
    }

    /** True when everything planned was applied and nothing aborted or froze the pass. */
    public boolean converged() {
        return abortedBy.isEmpty() && frozen.isEmpty() && result.failures().isEmpty();
    }

    /** The one log line per pass. */
    public String summary() {
        String head = "reconcile network " + shortId(networkId) + ": ";
        if (abortedBy.isPresent()) {
            return head + "aborted (" + abortedBy.get() + "), converged=no";
        }
        if (frozen.isPresent()) {
            return head + "frozen (" + frozen.get() + "), converged=no";
        }
        StringBuilder sb = new StringBuilder(head).append(planned.size()).append(" planned, ")
                .append(result.applied()).append(" applied, ").append(result.failures().size())
                .append(" failed, converged=").append(converged() ? "yes" : "no");
        result.failures().stream().limit(3).forEach(f ->
                sb.append("; ").append(f.action()).append(": ").append(f.error().orElse("")));
        return sb.toString();
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
