package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The one host listing as its consumers read it ({@link Membership} implements it; unit tests fake it):
 * every known host with its state, whether this observer can judge right now, and how long a host
 * has been DEAD without a break.
 */
public interface MembershipView {

    /** Every tracked host (this one included), as of the last successful look; empty before the first. */
    Map<String, HostView> snapshot();

    /** True while this observer's reads of {@code hosts/} succeed. */
    boolean isJudging();

    /** How long {@code hostId} has been DEAD without a break, as this observer saw it; empty if it is not DEAD. */
    Optional<Duration> deadFor(String hostId);

    /**
     * Hosts that own endpoint records, with the VTEP those records name: a host here without a
     * {@code hosts/} record is tracked as "no beat" and judged like a silent one.
     */
    void noteOwners(Map<String, Optional<IpAddress>> ownerVteps);
}
