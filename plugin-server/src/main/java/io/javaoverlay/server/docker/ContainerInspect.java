package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What javaoverlay needs from {@code GET /containers/ID/json}: identity, labels and environment
 * (service registration), exposed ports, state and healthcheck status, and the networks with
 * their endpoint, addresses and aliases (container names).
 *
 * @param id           full container ID
 * @param name         name without Docker's leading {@code /}
 * @param labels       {@code Config.Labels}
 * @param env          {@code Config.Env} as a map (a later duplicate wins, as in a shell)
 * @param exposedPorts {@code Config.ExposedPorts} keys, e.g. {@code 80/tcp}
 * @param running      {@code State.Running}
 * @param health       {@code State.Health.Status} ({@code starting}, {@code healthy}, {@code unhealthy}), or null
 * @param networks     {@code NetworkSettings.Networks} by network name
 */
public record ContainerInspect(String id, String name, Map<String, String> labels, Map<String, String> env,
                               List<String> exposedPorts, boolean running, String health,
                               Map<String, Attachment> networks) {

    /** One network attachment; addresses without prefix length, null when absent. */
    public record Attachment(String networkId, String endpointId, String ipv4, String ipv6, List<String> aliases) {
        public Attachment {
            aliases = List.copyOf(aliases);
        }
    }

    public ContainerInspect {
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
        networks = Map.copyOf(networks);
    }

    /** Decodes an inspect answer; missing fields give empty values, never an exception. */
    public static ContainerInspect decode(JsonNode n) {
        String name = n.path("Name").asText("");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        JsonNode cfg = n.path("Config");
        Map<String, String> env = new TreeMap<>();
        for (JsonNode e : cfg.path("Env")) {
            String s = e.asText();
            int eq = s.indexOf('=');
            if (eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        List<String> ports = new ArrayList<>();
        cfg.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        JsonNode health = n.path("State").path("Health").path("Status");
        Map<String, Attachment> nets = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("NetworkSettings").path("Networks").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = e.getValue();
            List<String> aliases = new ArrayList<>();
            a.path("Aliases").forEach(x -> aliases.add(x.asText()));
            nets.put(e.getKey(), new Attachment(a.path("NetworkID").asText(""), a.path("EndpointID").asText(""),
                    blankToNull(a.path("IPAddress").asText("")), blankToNull(a.path("GlobalIPv6Address").asText("")),
                    aliases));
        }
        return new ContainerInspect(n.path("Id").asText(""), name, strings(cfg.path("Labels")), env, ports,
                n.path("State").path("Running").asBoolean(false),
                health.isTextual() && !health.asText().isEmpty() ? health.asText() : null, nets);
    }

    /**
     * The docker_gwbridge address of each container, from {@code GET /networks/docker_gwbridge}:
     * its {@code Containers} map is keyed by container ID (endpoints named {@code gateway_...};
     * the network is hidden from the container's own inspect output). This is the address a
     * container's forwarded DNS queries come from.
     */
    public static Map<String, InetAddress> gatewayAddresses(JsonNode gwbridgeInspect) {
        Map<String, InetAddress> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = gwbridgeInspect.path("Containers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String ip = e.getValue().path("IPv4Address").asText("");
            if (ip.contains("/")) {
                ip = ip.substring(0, ip.indexOf('/'));
            }
            if (!e.getKey().startsWith("ep-") && ip.matches("[0-9.]+")) {
                try {
                    out.put(e.getKey(), InetAddress.getByName(ip)); // a literal: no lookup
                } catch (java.net.UnknownHostException ignored) {
                    // not an address after all
                }
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
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
