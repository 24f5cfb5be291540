package io.javaoverlay.server.status;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This host's Docker view, for names only: the javaoverlay networks Docker has here and, per
 * network, the container names of its endpoints ({@link DockerViewNames}, from the Docker-events
 * view's cache). Empty means Docker's view is incomplete: names are then simply not shown.
 */
public interface DockerNames {

    /** A Docker network of this host: its Docker ID and name. */
    record Network(String id, String name) {
    }

    /** javaoverlay's networks in this host's Docker. */
    Optional<List<Network>> networks();

    /** Endpoint ID → container name of the Docker network {@code localId} on this host. */
    Optional<Map<String, String>> containers(String localId);

    /** Knows nothing. */
    DockerNames NONE = new DockerNames() {
        @Override
        public Optional<List<Network>> networks() {
            return Optional.empty();
        }

        @Override
        public Optional<Map<String, String>> containers(String localId) {
            return Optional.empty();
        }
    };
}
