package io.javaoverlay.server.status;

import io.javaoverlay.vxlan.reconcile.DriftCheck;
import io.javaoverlay.vxlan.reconcile.Reconcilers;

import java.util.List;

/** {@link DriftSource} over today's reconcilers: a read-only {@link DriftCheck} of each one that exists. */
public final class ReconcilerDrift implements DriftSource {
    private final Reconcilers reconcilers;

    /** @param reconcilers the overlay's reconcilers (only existing ones are checked; none is created) */
    public ReconcilerDrift(Reconcilers reconcilers) {
        this.reconcilers = reconcilers;
    }

    /** {@inheritDoc} Drift that this host's work in flight is about to mend is waited for ({@link DriftCheck#settled}). */
    @Override
    public List<DriftCheck.Drift> drift() {
        return DriftCheck.settled(reconcilers);
    }
}
