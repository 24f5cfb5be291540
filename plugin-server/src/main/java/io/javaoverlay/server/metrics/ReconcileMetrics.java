package io.javaoverlay.server.metrics;

import io.javaoverlay.vxlan.reconcile.Action;
import io.javaoverlay.vxlan.reconcile.Applier;
import io.javaoverlay.vxlan.reconcile.PassListener;
import io.javaoverlay.vxlan.reconcile.PassReport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reconcile passes into metrics: counts and durations as they happen, and per network the state
 * its last pass left (peers wanted, table entries still wrong, converged or not), summed into the
 * {@code javaoverlay_peers_programmed}, {@code javaoverlay_reconcile_drift_entries} and
 * {@code javaoverlay_reconcile_unconverged_networks} gauges.
 */
public final class ReconcileMetrics implements PassListener {
    private final Metrics metrics;
    /** network → {peers, drift entries left, 1 if not converged}. */
    private final Map<String, int[]> last = new ConcurrentHashMap<>();

    /** Registers the gauges' feed on {@code metrics}. */
    public ReconcileMetrics(Metrics metrics) {
        this.metrics = metrics;
        metrics.feeds().reconcileState(this::state);
    }

    @Override
    public void passFinished(PassReport report, Duration duration, int peers) {
        String result = report.abortedBy().isPresent() ? "aborted" : report.converged() ? "converged" : "failed";
        metrics.passes.labelValues(result).inc();
        metrics.passDuration.observe(duration.toNanos() / 1e9);
        add(metrics.actionsPlanned, report.planned().size());
        add(metrics.actionsApplied, report.result().applied());
        add(metrics.actionFailures, report.result().failures().size());
        int fdb = 0;
        int neigh = 0;
        for (Action a : report.planned()) {
            if (a instanceof Action.FdbReplace || a instanceof Action.FdbDelete) {
                fdb++;
            } else if (a instanceof Action.NeighReplace || a instanceof Action.NeighDelete) {
                neigh++;
            }
        }
        if (fdb > 0) {
            metrics.driftFound.labelValues("fdb").inc(fdb);
        }
        if (neigh > 0) {
            metrics.driftFound.labelValues("neigh").inc(neigh);
        }
        int left = 0;
        for (Applier.Outcome o : report.result().failures()) {
            if (isTable(o.action())) {
                left++;
            }
        }
        if (report.abortedBy().isEmpty()) {
            last.put(report.networkId(), new int[] {peers, left, report.converged() ? 0 : 1});
        } else {
            // An aborted pass saw nothing: keep what the last full pass knew, but flag it.
            last.compute(report.networkId(), (k, v) -> new int[] {v == null ? 0 : v[0], v == null ? 0 : v[1], 1});
        }
    }

    /** {@code {peers programmed, drift entries left, unconverged networks}} over all networks. */
    double[] state() {
        double[] sum = new double[3];
        for (int[] v : last.values()) {
            for (int i = 0; i < 3; i++) {
                sum[i] += v[i];
            }
        }
        return sum;
    }

    private static boolean isTable(Action a) {
        return a instanceof Action.FdbReplace || a instanceof Action.FdbDelete || a instanceof Action.NeighReplace
                || a instanceof Action.NeighDelete;
    }

    private static void add(io.prometheus.metrics.core.metrics.Counter c, long n) {
        if (n > 0) {
            c.inc(n);
        }
    }
}
