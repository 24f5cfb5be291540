package io.javaoverlay.server.status;

import io.javaoverlay.server.cluster.DeadHostCollector;
import io.javaoverlay.types.IpPrefix;

import java.util.Objects;

/**
 * {@link HostForgetter} on the {@link DeadHostCollector}: {@code javaoverlay host forget ID} runs the
 * same collection the collector runs after the retention period, at once, and is refused for this host
 * and for hosts that are not DEAD. Liveness always comes from the membership, in every mode, so
 * {@code force} changes nothing.
 */
public final class CollectorForgetter implements HostForgetter {
    private final DeadHostCollector collector;

    public CollectorForgetter(DeadHostCollector collector) {
        this.collector = Objects.requireNonNull(collector, "collector");
    }

    @Override
    public StatusModel.ForgetReport forget(String hostId, boolean force) {
        DeadHostCollector.Collected c = collector.forget(hostId);
        return new StatusModel.ForgetReport(c.hostId(), c.endpoints(), c.addressesReleased(), c.holdersRemoved(),
                c.poolsDeleted().stream().map(IpPrefix::toString).toList(), c.aliases(), c.networksDeleted(),
                c.registration());
    }
}
