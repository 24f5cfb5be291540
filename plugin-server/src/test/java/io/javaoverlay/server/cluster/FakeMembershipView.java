package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A membership the test sets host by host. */
class FakeMembershipView implements MembershipView {
    final Map<String, HostView> hosts = new TreeMap<>();
    final Map<String, Duration> deadFor = new TreeMap<>();
    volatile boolean judging = true;
    volatile Map<String, Optional<IpAddress>> owners = Map.of();

    FakeMembershipView host(String id, Liveness state) {
        hosts.put(id, new HostView(id, state, Optional.empty(), "", "", Duration.ZERO, Instant.EPOCH, true));
        if (state != Liveness.DEAD) {
            deadFor.remove(id);
        }
        return this;
    }

    FakeMembershipView dead(String id, Duration forHowLong) {
        host(id, Liveness.DEAD);
        deadFor.put(id, forHowLong);
        return this;
    }

    @Override
    public Map<String, HostView> snapshot() {
        return Map.copyOf(hosts);
    }

    @Override
    public boolean isJudging() {
        return judging;
    }

    @Override
    public Optional<Duration> deadFor(String hostId) {
        return Optional.ofNullable(deadFor.get(hostId));
    }

    @Override
    public void noteOwners(Map<String, Optional<IpAddress>> ownerVteps) {
        owners = Map.copyOf(ownerVteps);
    }
}
