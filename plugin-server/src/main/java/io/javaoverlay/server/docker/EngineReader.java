package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Engine API reads behind {@link DockerView}, decoded into the view's records. Unversioned paths,
 * as {@link DockerClient}: every field read here is stable since API 1.21, except that Docker 25+
 * (API 1.45) no longer puts the short container ID among a network's {@code Aliases}.
 */
final class EngineReader {
    /** Docker 20.10 with a cluster store lists remote endpoints under these keys of {@code Containers}. */
    static final String REMOTE_ENDPOINT_PREFIX = "ep-";
    static final String GWBRIDGE = "docker_gwbridge";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A network (its endpoints still empty) and the IDs of its local containers. */
    record NetworkInfo(LocalNetwork network, Set<String> containerIds) {}

    /** A container and its endpoints, by network ID (only attachments that have an endpoint). */
    record ContainerInfo(LocalContainer container, Map<String, LocalEndpoint> endpointsByNetwork) {}

    private final UnixHttpClient http;
    private final String driver;

    EngineReader(UnixHttpClient http, String driver) {
        this.http = http;
        this.driver = driver;
    }

    /** IDs of the networks of our driver ({@code GET /networks?filters={"driver":[...]}}). */
    List<String> networkIds() throws IOException {
        String path = "/networks?filters=" + URLEncoder.encode("{\"driver\":[\"" + driver + "\"]}", StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (JsonNode n : get(path).orElseThrow(() -> new DockerApiException(404, "GET " + path + " -> 404"))) {
            // Some versions match the driver filter by substring: keep exact matches only.
            if (driver.equals(n.path("Driver").asText())) {
                out.add(n.path("Id").asText());
            }
        }
        return out;
    }

    /** {@code GET /networks/ID}; empty if it is gone or is not of our driver. */
    Optional<NetworkInfo> network(String id) throws IOException {
        Optional<JsonNode> found = get("/networks/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        if (found.isEmpty() || !driver.equals(found.get().path("Driver").asText())) {
            return Optional.empty();
        }
        JsonNode n = found.get();
        List<DockerNetwork.IpamConfig> pools = new ArrayList<>();
        for (JsonNode p : n.path("IPAM").path("Config")) {
            String subnet = text(p, "Subnet");
            if (subnet != null) {
                pools.add(new DockerNetwork.IpamConfig(subnet, text(p, "IPRange"), text(p, "Gateway")));
            }
        }
        Set<String> containers = new TreeSet<>();
        n.path("Containers").fieldNames().forEachRemaining(k -> {
            if (!k.startsWith(REMOTE_ENDPOINT_PREFIX)) {
                containers.add(k);
            }
        });
        LocalNetwork net = new LocalNetwork(n.path("Id").asText(id), n.path("Name").asText(), driver,
                n.path("Scope").asText(""), strings(n.path("Options")), n.path("IPAM").path("Driver").asText(""),
                strings(n.path("IPAM").path("Options")), pools, n.path("EnableIPv6").asBoolean(false),
                n.path("Internal").asBoolean(false), Map.of());
        return Optional.of(new NetworkInfo(net, containers));
    }

    /** {@code GET /containers/ID/json}; empty if it is gone. */
    Optional<ContainerInfo> container(String id) throws IOException {
        Optional<JsonNode> found = get("/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/json");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JsonNode c = found.get();
        String cid = c.path("Id").asText(id);
        String name = c.path("Name").asText("");
        name = name.startsWith("/") ? name.substring(1) : name;
        String shortId = cid.length() >= 12 ? cid.substring(0, 12) : cid;
        Map<String, LocalEndpoint> eps = new TreeMap<>();
        String gwbridge = null;
        List<String> addresses = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.path("NetworkSettings").path("Networks").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            if (e.getKey().equals(GWBRIDGE)) {
                gwbridge = text(s, "IPAddress");
            }
            // Every network's addresses: a container also on a bridge network sends its DNS queries
            // to the host from its bridge address (its default route), not from docker_gwbridge.
            for (String field : List.of("IPAddress", "GlobalIPv6Address")) {
                String a = text(s, field);
                if (a != null && !a.isEmpty()) {
                    addresses.add(a);
                }
            }
            String eid = text(s, "EndpointID");
            String nid = text(s, "NetworkID");
            if (eid == null || nid == null) {
                continue; // a stopped container keeps its settings but has no endpoint
            }
            List<String> aliases = new ArrayList<>();
            for (JsonNode a : s.path("Aliases")) {
                if (!a.asText().equals(shortId) && !a.asText().isEmpty()) {
                    aliases.add(a.asText());
                }
            }
            eps.put(nid, new LocalEndpoint(eid, cid, name, s.path("MacAddress").asText(""),
                    cidr(text(s, "IPAddress"), s.path("IPPrefixLen").asInt(0)),
                    cidr(text(s, "GlobalIPv6Address"), s.path("GlobalIPv6PrefixLen").asInt(0)), aliases));
        }
        Map<String, String> labels = new TreeMap<>();
        strings(c.path("Config").path("Labels")).forEach((k, v) -> {
            if (k.startsWith("javaoverlay.") || k.startsWith("SERVICE_")) {
                labels.put(k, v);
            }
        });
        Map<String, String> env = new TreeMap<>();
        for (JsonNode kv : c.path("Config").path("Env")) {
            String s = kv.asText();
            int eq = s.indexOf('=');
            if (s.startsWith("SERVICE_") && eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        List<String> exposed = new ArrayList<>();
        c.path("Config").path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        JsonNode state = c.path("State");
        LocalContainer lc = new LocalContainer(cid, name, state.path("Running").asBoolean(false),
                state.path("Health").path("Status").asText(""), gwbridge, labels, env, exposed, addresses);
        return Optional.of(new ContainerInfo(lc, eps));
    }

    /** The decoded body, or empty for 404. */
    private Optional<JsonNode> get(String path) throws IOException {
        UnixHttpClient.Response r = http.send("GET", path, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() / 100 != 2) {
            String msg = r.text().trim();
            try {
                JsonNode m = JSON.readTree(r.body()).path("message");
                msg = m.isTextual() ? m.asText() : msg;
            } catch (IOException notJson) {
                // keep the raw text
            }
            throw new DockerApiException(r.status(), "GET " + path + " -> " + r.status() + ": " + msg);
        }
        return Optional.of(JSON.readTree(r.body()));
    }

    private static String cidr(String address, int prefix) {
        return address == null ? null : prefix > 0 ? address + "/" + prefix : address;
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
