package io.javaoverlay.server.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A local container attached to at least one network of the view's driver.
 *
 * @param id              full container ID
 * @param name            its name, without Docker's leading slash
 * @param running         {@code State.Running}
 * @param health          {@code State.Health.Status} ({@code starting}, {@code healthy}, {@code unhealthy}),
 *                        "" without a health check
 * @param gwbridgeAddress its address on {@code docker_gwbridge} (no prefix length), or null without one
 * @param labels          its labels named {@code javaoverlay.*} or {@code SERVICE_*} (service registration)
 * @param serviceEnv      its environment variables named {@code SERVICE_*}; no other variable is kept
 * @param exposedPorts    {@code Config.ExposedPorts} keys, e.g. {@code 80/tcp} (the ports of a service
 *                        registered without a port label, as registrator did)
 * @param addresses       its IPv4 and IPv6 addresses on every network (ours, docker_gwbridge, bridge and
 *                        any other), without prefix lengths: the sources its DNS queries may come from
 */
public record LocalContainer(String id, String name, boolean running, String health, String gwbridgeAddress,
                             Map<String, String> labels, Map<String, String> serviceEnv, List<String> exposedPorts,
                             List<String> addresses) {
    public LocalContainer {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        health = health == null ? "" : health;
        labels = Map.copyOf(labels);
        serviceEnv = Map.copyOf(serviceEnv);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    /** A container whose addresses on other networks are not known. */
    public LocalContainer(String id, String name, boolean running, String health, String gwbridgeAddress,
                          Map<String, String> labels, Map<String, String> serviceEnv, List<String> exposedPorts) {
        this(id, name, running, health, gwbridgeAddress, labels, serviceEnv, exposedPorts, List.of());
    }

    /** A container without exposed ports. */
    public LocalContainer(String id, String name, boolean running, String health, String gwbridgeAddress,
                          Map<String, String> labels, Map<String, String> serviceEnv) {
        this(id, name, running, health, gwbridgeAddress, labels, serviceEnv, List.of());
    }
}
