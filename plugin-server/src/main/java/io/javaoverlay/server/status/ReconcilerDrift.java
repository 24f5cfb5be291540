package io.javaoverlay.server.status;

import io.javaoverlay.vxlan.reconcile.DriftCheck;
import io.javaoverlay.vxlan.reconcile.NetworkReconciler;
import io.javaoverlay.vxlan.reconcile.Reconcilers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link DriftSource} over today's reconcilers: a read-only {@link DriftCheck} of each one that exists. */
public final class ReconcilerDrift implements DriftSource {
    private final Reconcilers reconcilers;

    /** @param reconcilers the overlay's reconcilers (only existing ones are checked; none is created) */
    public ReconcilerDrift(Reconcilers reconcilers) {
        this.reconcilers = reconcilers;
    }

    @Override
    public List<DriftCheck.Drift> drift() {
        List<DriftCheck.Drift> out = new ArrayList<>();
        for (NetworkReconciler r : reconcilers.existing()) {
            out.add(DriftCheck.inspect(r));
        }
        out.sort(Comparator.comparing(DriftCheck.Drift::networkId));
        return out;
    }
}
