package io.javaoverlay.server.cluster;

import io.javaoverlay.server.docker.DockerApi;
import io.javaoverlay.server.docker.DockerNetwork;
import io.javaoverlay.server.docker.NetworkCreate;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The Docker API as {@link GoneNetworks} asks it: which network IDs exist, or no answer at all. */
final class GoneNetworksDocker implements DockerApi {
    final Set<String> networks = ConcurrentHashMap.newKeySet();
    volatile boolean down;

    GoneNetworksDocker(String... ids) {
        networks.addAll(List.of(ids));
    }

    @Override
    public void ping() throws IOException {
        if (down) {
            throw new IOException("dockerd is not answering");
        }
    }

    @Override
    public List<DockerNetwork> listNetworks(String driver) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<DockerNetwork> inspectNetwork(String id) throws IOException {
        ping();
        return networks.contains(id) ? Optional.of(new DockerNetwork(id, "net-" + id, "javaoverlay", Map.of(), "javaoverlay",
                Map.of(), List.of(), false, false, 0, true)) : Optional.empty();
    }

    @Override
    public String createNetwork(NetworkCreate request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeNetwork(String id) {
        throw new UnsupportedOperationException();
    }
}
