package io.javaoverlay.server.status;

import io.javaoverlay.vxlan.reconcile.PassListener;
import io.javaoverlay.vxlan.reconcile.PassReport;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers, per network, when its last reconcile pass ran, how long it took and what it did. */
public final class PassTracker implements PassListener {

    /** The last pass of a network. */
    public record Last(Instant at, Duration duration, PassReport report) {
    }

    private final Map<String, Last> last = new ConcurrentHashMap<>();

    @Override
    public void passFinished(PassReport report, Duration duration, int peers) {
        last.put(report.networkId(), new Last(Instant.now(), duration, report));
    }

    /** The last pass of {@code networkId}, if one ran since start. */
    public Optional<Last> last(String networkId) {
        return Optional.ofNullable(last.get(networkId));
    }

    /** As a status record. */
    public Optional<StatusModel.LastPass> view(String networkId) {
        return last(networkId).map(l -> new StatusModel.LastPass(l.at().toString(), l.duration().toNanos() / 1e6,
                l.report().planned().size(), l.report().result().applied(), l.report().result().failures().size(),
                l.report().converged(), l.report().abortedBy().orElse(null)));
    }
}
