package io.javaoverlay.server.status;

import io.javaoverlay.vxlan.reconcile.DriftCheck;

import java.util.List;

/**
 * Per network, the store's FDB and neighbour entries against this host's kernel. Today
 * {@link ReconcilerDrift} runs vxlan's read-only {@link DriftCheck} over the existing reconcilers;
 * a new overlay service implements it over its own reconcilers.
 */
@FunctionalInterface
public interface DriftSource {

    /** One check per network this host reconciles; never throws (a failed check carries its error). */
    List<DriftCheck.Drift> drift();
}
