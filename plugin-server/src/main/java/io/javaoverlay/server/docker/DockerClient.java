package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link DockerApi} over the host's Engine API socket. Paths are unversioned: dockerd then speaks
 * its own current API version, and every field used here has been stable since API 1.21.
 */
public final class DockerClient implements DockerApi {
    /** Candidate sockets when neither the flag nor {@code DOCKER_HOST} names one. */
    public static final List<Path> DEFAULT_SOCKETS = List.of(Path.of("/run/docker.sock"), Path.of("/var/run/docker.sock"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnixHttpClient http;

    /** A client of the dockerd at {@code socket}; each call is bounded by {@code timeout}. */
    public DockerClient(Path socket, Duration timeout) {
        this.http = new UnixHttpClient(socket, timeout);
    }

    /**
     * The socket named by {@code dockerHost} ({@code unix:///path} or a bare path), else the first
     * default socket that exists, else {@code /run/docker.sock}.
     *
     * @throws IllegalArgumentException for a non-unix {@code DOCKER_HOST} (tcp:// is not supported)
     */
    public static Path socketFor(Optional<String> dockerHost) {
        if (dockerHost.isPresent() && !dockerHost.get().isBlank()) {
            String h = dockerHost.get().trim();
            if (h.startsWith("unix://")) {
                return Path.of(h.substring("unix://".length()));
            }
            if (h.startsWith("/")) {
                return Path.of(h);
            }
            throw new IllegalArgumentException("Docker host '" + h + "' is not unix:///PATH; javaoverlay talks to"
                    + " dockerd only over its Unix socket");
        }
        for (Path p : DEFAULT_SOCKETS) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return DEFAULT_SOCKETS.get(0);
    }

    /** The socket in use. */
    public Path socket() {
        return http.socket();
    }

    @Override
    public void ping() throws IOException {
        check("GET", "/_ping", http.send("GET", "/_ping", null));
    }

    @Override
    public List<DockerNetwork> listNetworks(String driver) throws IOException {
        String filters = URLEncoder.encode("{\"driver\":[\"" + driver + "\"]}", StandardCharsets.UTF_8);
        String path = "/networks?filters=" + filters;
        JsonNode arr = JSON.readTree(check("GET", path, http.send("GET", path, null)).body());
        List<DockerNetwork> out = new ArrayList<>();
        for (JsonNode n : arr) {
            // The filter matches driver names by substring on some versions: keep exact matches only.
            if (driver.equals(n.path("Driver").asText())) {
                out.add(decode(n, false));
            }
        }
        return out;
    }

    @Override
    public Optional<DockerNetwork> inspectNetwork(String idOrName) throws IOException {
        String path = "/networks/" + URLEncoder.encode(idOrName, StandardCharsets.UTF_8);
        UnixHttpClient.Response r = http.send("GET", path, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(decode(JSON.readTree(check("GET", path, r).body()), true));
    }

    @Override
    public String createNetwork(NetworkCreate c) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("Name", c.name());
        body.put("Driver", c.driver());
        body.put("CheckDuplicate", true); // ignored (always on) since API 1.44
        body.put("EnableIPv6", c.enableIPv6());
        if (!c.enableIPv4()) {
            body.put("EnableIPv4", false); // Docker 28+ (API 1.47); true is the default everywhere
        }
        body.put("Internal", c.internal());
        body.set("Options", JSON.valueToTree(new TreeMap<>(c.options())));
        ObjectNode ipam = body.putObject("IPAM");
        ipam.put("Driver", c.ipamDriver());
        ipam.set("Options", JSON.valueToTree(new TreeMap<>(c.ipamOptions())));
        ArrayNode configs = ipam.putArray("Config");
        for (DockerNetwork.IpamConfig p : c.ipam()) {
            ObjectNode o = configs.addObject();
            o.put("Subnet", p.subnet());
            if (p.ipRange() != null) {
                o.put("IPRange", p.ipRange());
            }
            if (p.gateway() != null) {
                o.put("Gateway", p.gateway());
            }
        }
        UnixHttpClient.Response r = http.send("POST", "/networks/create", JSON.writeValueAsBytes(body));
        return JSON.readTree(check("POST", "/networks/create", r).body()).path("Id").asText();
    }

    @Override
    public void removeNetwork(String id) throws IOException {
        String path = "/networks/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        UnixHttpClient.Response r = http.send("DELETE", path, null);
        if (r.status() != 404) {
            check("DELETE", path, r);
        }
    }

    private static UnixHttpClient.Response check(String method, String path, UnixHttpClient.Response r)
            throws DockerApiException {
        if (r.status() / 100 == 2) {
            return r;
        }
        String msg = r.text().trim();
        try {
            JsonNode m = JSON.readTree(r.body()).path("message");
            if (m.isTextual()) {
                msg = m.asText();
            }
        } catch (IOException notJson) {
            // keep the raw text
        }
        throw new DockerApiException(r.status(), method + " " + path + " -> " + r.status() + ": " + msg);
    }

    static DockerNetwork decode(JsonNode n, boolean full) {
        List<DockerNetwork.IpamConfig> pools = new ArrayList<>();
        for (JsonNode p : n.path("IPAM").path("Config")) {
            String subnet = text(p, "Subnet");
            if (subnet != null) {
                pools.add(new DockerNetwork.IpamConfig(subnet, text(p, "IPRange"), text(p, "Gateway")));
            }
        }
        int containers = -1;
        if (full) {
            containers = n.path("Containers").size();
        }
        return new DockerNetwork(n.path("Id").asText(), n.path("Name").asText(), n.path("Driver").asText(),
                strings(n.path("Options")), n.path("IPAM").path("Driver").asText(""),
                strings(n.path("IPAM").path("Options")), pools, n.path("EnableIPv6").asBoolean(false),
                n.path("Internal").asBoolean(false), containers, n.path("EnableIPv4").asBoolean(true));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static Map<String, String> strings(JsonNode obj) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
