package io.javaoverlay.server.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's hosts with their liveness, as this host sees them ({@link MembershipHosts}: the
 * membership's heartbeats and probes).
 */
@FunctionalInterface
public interface HostsSource {

    /**
     * Every host known to the cluster, by host ID.
     *
     * @throws Exception when the source cannot be read (the store is down); the caller reports it
     */
    Map<String, Host> hosts() throws Exception;

    /**
     * One host.
     *
     * @param lastBeatAge time since its last heartbeat, when the source has heartbeats
     * @param since       when it registered or entered {@code state}, when known
     */
    record Host(String hostId, Liveness state, Optional<String> vtep, Optional<String> hostname,
                Optional<Duration> lastBeatAge, Optional<Instant> since) {
        public Host {
            Objects.requireNonNull(hostId, "hostId");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(vtep, "vtep");
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(lastBeatAge, "lastBeatAge");
            Objects.requireNonNull(since, "since");
        }
    }
}
