package io.javaoverlay.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.docker.UnixHttpClient;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link DockerNames} from this host's Engine API, asked on demand with a short timeout (an admin
 * call, never a plugin handler, so waiting on dockerd cannot deadlock it). Any failure means "not
 * known": the admin answer goes out without names.
 */
public final class LocalDocker implements DockerNames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnixHttpClient http;
    private final String driver;

    /**
     * @param socket the Engine API socket
     * @param driver javaoverlay's driver name in Docker
     */
    public LocalDocker(Path socket, String driver) {
        this.http = new UnixHttpClient(socket, Duration.ofSeconds(2));
        this.driver = driver;
    }

    @Override
    public Optional<List<Network>> networks() {
        String filter = URLEncoder.encode("{\"driver\":[\"" + driver + "\"]}", StandardCharsets.UTF_8);
        return get("/networks?filters=" + filter).map(arr -> {
            List<Network> out = new ArrayList<>();
            for (JsonNode n : arr) {
                out.add(new Network(n.path("Id").asText(), n.path("Name").asText()));
            }
            return out;
        });
    }

    @Override
    public Optional<Map<String, String>> containers(String localId) {
        if (!localId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            return Optional.empty();
        }
        return get("/networks/" + localId).map(n -> {
            Map<String, String> out = new TreeMap<>();
            Iterator<JsonNode> it = n.path("Containers").elements();
            while (it.hasNext()) {
                JsonNode c = it.next();
                String eid = c.path("EndpointID").asText("");
                if (!eid.isEmpty()) {
                    out.put(eid, c.path("Name").asText(""));
                }
            }
            return out;
        });
    }

    private Optional<JsonNode> get(String path) {
        try {
            UnixHttpClient.Response r = http.send("GET", path, null);
            if (r.status() != 200) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(r.body()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
