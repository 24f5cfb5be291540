package io.javaoverlay.server.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One host as this observer sees it, as of the observer's last look at {@code hosts/}.
 *
 * @param hostId      the host's ID
 * @param state       ALIVE, SILENT or DEAD
 * @param vtep        its VTEP: from its {@code hosts/} record, else from the endpoint records it owns
 *                    ({@link Membership#noteOwners(java.util.Map)}); empty if neither is known
 * @param hostname    host name from its record ("" without one)
 * @param version     javaoverlay version from its record ("" without one)
 * @param lastBeatAge time since this observer last saw its record change (observer-local clock)
 * @param since       when it entered {@code state} (this observer's wall clock)
 * @param hasRecord   whether its {@code hosts/} record exists (false: an owner of endpoint records
 *                    with no record, "no beat", or a record that vanished)
 */
public record HostView(String hostId, Liveness state, Optional<InetAddress> vtep, String hostname, String version,
                       Duration lastBeatAge, Instant since, boolean hasRecord) {
    public HostView {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(vtep, "vtep");
        Objects.requireNonNull(lastBeatAge, "lastBeatAge");
        Objects.requireNonNull(since, "since");
        hostname = hostname == null ? "" : hostname;
        version = version == null ? "" : version;
    }
}
