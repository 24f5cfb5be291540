package io.javaoverlay.server.status;

import io.javaoverlay.server.docker.DockerView;
import io.javaoverlay.server.docker.LocalEndpoint;
import io.javaoverlay.server.docker.LocalNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link DockerNames} from the Docker-events view's cache (no Engine API call per admin request). An
 * incomplete view (dockerd unreachable, not listed yet) knows no names.
 */
public final class DockerViewNames implements DockerNames {
    private final DockerView view;

    /** Reads {@code view}'s snapshot on each call. */
    public DockerViewNames(DockerView view) {
        this.view = view;
    }

    @Override
    public Optional<List<Network>> networks() {
        DockerView.Snapshot s = view.snapshot();
        if (!s.complete()) {
            return Optional.empty();
        }
        List<Network> out = new ArrayList<>();
        s.networks().values().forEach(n -> out.add(new Network(n.id(), n.name())));
        return Optional.of(out);
    }

    @Override
    public Optional<Map<String, String>> containers(String localId) {
        DockerView.Snapshot s = view.snapshot();
        if (!s.complete()) {
            return Optional.empty();
        }
        Map<String, String> out = new TreeMap<>();
        s.network(localId).map(LocalNetwork::endpoints).orElse(Map.of()).values()
                .forEach((LocalEndpoint e) -> out.put(e.endpointId(), e.containerName()));
        return Optional.of(out);
    }
}
