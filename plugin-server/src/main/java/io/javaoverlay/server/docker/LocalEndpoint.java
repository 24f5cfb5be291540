package io.javaoverlay.server.docker;

import java.util.List;
import java.util.Objects;

/**
 * An endpoint of a local container on a network, as dockerd shows it.
 *
 * @param endpointId    Docker's endpoint ID (the plugin's EndpointID)
 * @param containerId   the container's full ID
 * @param containerName its name, without Docker's leading slash
 * @param mac           MAC address ("" if Docker shows none)
 * @param ipv4          IPv4 address with prefix length ({@code 10.0.0.2/24}), or null
 * @param ipv6          IPv6 address with prefix length, or null
 * @param aliases       its {@code --network-alias} names on this network (Docker 20.10 also lists the
 *                      container's short ID there; it is left out, as Docker 25+ does)
 */
public record LocalEndpoint(String endpointId, String containerId, String containerName, String mac, String ipv4,
                            String ipv6, List<String> aliases) {
    public LocalEndpoint {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(containerId, "containerId");
        containerName = containerName == null ? "" : containerName;
        mac = mac == null ? "" : mac;
        aliases = List.copyOf(aliases);
    }
}
