package io.javaoverlay.vxlan.state;

import java.util.Objects;

/**
 * One host's Docker network mapped onto a cluster network ({@code netalias/<hostId>/<networkId>}
 * → {@code clusterId}, see {@link NetworkKeys}). The host that created the cluster network maps
 * its own ID onto itself.
 *
 * @param hostId    the host
 * @param networkId that host's Docker network ID
 * @param clusterId the cluster network ID every other record is keyed by
 */
public record NetworkAlias(String hostId, String networkId, String clusterId) {
    public NetworkAlias {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(clusterId, "clusterId");
    }
}
