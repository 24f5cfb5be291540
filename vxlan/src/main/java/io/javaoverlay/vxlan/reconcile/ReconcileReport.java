package io.javaoverlay.vxlan.reconcile;

import java.util.List;
import java.util.Optional;

/**
 * Summary of one reconcile pass over one network.
 *
 * @param planned  the actions the planner produced
 * @param result   what applying them did (empty outcomes when the pass aborted early)
 * @param abortedBy why the pass stopped before planning (store unreachable, dump failed)
 */
public record ReconcileReport(String networkId, List<Action> planned, Applier.Result result, Optional<String> abortedBy) {
    public ReconcileReport {
        planned = List.copyOf(planned);
    }

    /** True when everything planned was applied and nothing aborted the pass. */
    public boolean converged() {
        return abortedBy.isEmpty() && result.failures().isEmpty();
    }

    /** The one log line per pass. */
    public String summary() {
        String head = "reconcile network " + shortId(networkId) + ": ";
        if (abortedBy.isPresent()) {
            return head + "aborted (" + abortedBy.get() + "), converged=no";
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
