package io.javaoverlay.server.docker;

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
 */
public record LocalContainer(String id, String name, boolean running, String health, String gwbridgeAddress,
                             Map<String, String> labels, Map<String, String> serviceEnv) {
    public LocalContainer {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        health = health == null ? "" : health;
        labels = Map.copyOf(labels);
        serviceEnv = Map.copyOf(serviceEnv);
    }
}
