package io.javaoverlay.vxlan.reconcile;

import java.time.Duration;

/**
 * Told about every finished reconcile pass, on the network's executor thread right after the pass.
 * plugin-server implements it for metrics; vxlan itself knows nothing about how it is reported.
 * Implementations must be quick and must not throw (a throw is logged and ignored).
 */
@FunctionalInterface
public interface PassListener {

    /**
     * @param report   what the pass planned and applied
     * @param duration how long the pass took (store read, kernel dump, apply)
     * @param peers    remote endpoints the pass wanted programmed on this host (0 when the network has
     *                 no local endpoint here)
     */
    void passFinished(PassReport report, Duration duration, int peers);

    /** Ignores every pass. */
    PassListener NONE = (report, duration, peers) -> { };
}
