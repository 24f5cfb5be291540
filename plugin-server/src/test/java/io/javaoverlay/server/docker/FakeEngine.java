package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny model of dockerd's networks and containers, served by a {@link FakeDockerServer} in the JSON
 * shapes of the Engine API ({@code GET /networks}, {@code /networks/ID}, {@code /containers/ID/json},
 * {@code /events} as a stream). Tests change the model and, when they want, emit the matching event.
 */
final class FakeEngine implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final FakeDockerServer server;
    private final Map<String, ObjectNode> networks = new LinkedHashMap<>();
    private final Map<String, ObjectNode> containers = new LinkedHashMap<>();
    /** Every API call but the events stream answers 500. */
    volatile boolean apiBroken;
    /** The events stream answers 500. */
    volatile boolean eventsBroken;
    /** {@code GET /networks/ID} answers 500 (the listing itself works). */
    volatile boolean inspectBroken;

    FakeEngine(Path socket) throws Exception {
        server = new FakeDockerServer(socket, this::answer);
    }

    private synchronized byte[] answer(FakeDockerServer.Request r) {
        String p = r.path();
        if (p.startsWith("/events")) {
            return eventsBroken ? FakeDockerServer.json(500, "{\"message\":\"events broken\"}") : FakeDockerServer.STREAM;
        }
        if (apiBroken) {
            return FakeDockerServer.json(500, "{\"message\":\"daemon broken\"}");
        }
        if (p.startsWith("/networks?")) {
            ArrayNode a = JSON.createArrayNode();
            // The real list has no endpoints; the driver filter is ignored here, the view must filter exactly.
            networks.values().forEach(n -> a.addObject().put("Id", n.get("Id").asText()).put("Name", n.get("Name").asText())
                    .put("Driver", n.get("Driver").asText()));
            return FakeDockerServer.json(200, a.toString());
        }
        if (p.startsWith("/networks/")) {
            if (inspectBroken) {
                return FakeDockerServer.json(500, "{\"message\":\"inspect broken\"}");
            }
            ObjectNode n = networks.get(p.substring("/networks/".length()));
            return n == null ? FakeDockerServer.json(404, "{\"message\":\"no such network\"}") : FakeDockerServer.json(200, n.toString());
        }
        if (p.startsWith("/containers/") && p.endsWith("/json")) {
            ObjectNode c = containers.get(p.substring("/containers/".length(), p.length() - "/json".length()));
            return c == null ? FakeDockerServer.json(404, "{\"message\":\"no such container\"}") : FakeDockerServer.json(200, c.toString());
        }
        return FakeDockerServer.json(404, "{\"message\":\"page not found\"}");
    }

    synchronized ObjectNode network(String id, String name, String driver) {
        ObjectNode n = JSON.createObjectNode().put("Id", id).put("Name", name).put("Driver", driver).put("Scope", "local")
                .put("EnableIPv6", false).put("Internal", false);
        n.putObject("Options").put("com.example.opt", "1");
        ObjectNode ipam = n.putObject("IPAM").put("Driver", driver);
        ipam.putObject("Options");
        ipam.putArray("Config").addObject().put("Subnet", "10.9.0.0/24").put("Gateway", "10.9.0.1");
        n.putObject("Containers");
        networks.put(id, n);
        return n;
    }

    synchronized void removeNetwork(String id) {
        networks.remove(id);
    }

    /** A running container (64-hex-ish ID) with no networks. */
    synchronized ObjectNode container(String id, String name) {
        ObjectNode c = JSON.createObjectNode().put("Id", id).put("Name", "/" + name);
        c.putObject("State").put("Running", true);
        c.putObject("Config").putArray("Env");
        c.with("Config").putObject("Labels");
        c.putObject("NetworkSettings").putObject("Networks");
        containers.put(id, c);
        return c;
    }

    synchronized void removeContainer(String id) {
        containers.remove(id);
    }

    /** Attaches a container: an endpoint in both the network's and the container's view. */
    synchronized void attach(String netId, String cid, String eid, String ip, String... aliases) {
        ObjectNode n = networks.get(netId);
        ObjectNode c = containers.get(cid);
        String mac = "02:42:0a:09:00:" + ip.substring(ip.lastIndexOf('.') + 1);
        n.with("Containers").putObject(cid).put("Name", c.get("Name").asText().substring(1)).put("EndpointID", eid)
                .put("MacAddress", mac).put("IPv4Address", ip + "/24").put("IPv6Address", "");
        ObjectNode s = c.with("NetworkSettings").with("Networks").putObject(n.get("Name").asText())
                .put("NetworkID", netId).put("EndpointID", eid).put("MacAddress", mac).put("IPAddress", ip)
                .put("IPPrefixLen", 24).put("GlobalIPv6Address", "").put("GlobalIPv6PrefixLen", 0);
        ArrayNode a = s.putArray("Aliases");
        for (String al : aliases) {
            a.add(al);
        }
    }

    /** Detaches: the network forgets it, the container keeps settings without an endpoint (as when stopped). */
    synchronized void detach(String netId, String cid) {
        ObjectNode n = networks.get(netId);
        n.with("Containers").remove(cid);
        ObjectNode c = containers.get(cid);
        if (c != null) {
            ((ObjectNode) c.with("NetworkSettings").with("Networks").get(n.get("Name").asText())).put("EndpointID", "");
        }
    }

    /** A Docker 20.10 remote endpoint of a global network. */
    synchronized void remoteEndpoint(String netId, String eid) {
        networks.get(netId).with("Containers").putObject("ep-" + eid).put("Name", "remote-c").put("EndpointID", eid)
                .put("MacAddress", "02:42:0a:09:00:99").put("IPv4Address", "10.9.0.99/24");
    }

    synchronized ObjectNode containerJson(String cid) {
        return containers.get(cid);
    }

    /** Emits {@code {"Type":type,"Action":action,"Actor":{"ID":id,"Attributes":attrs}}}. */
    int event(String type, String action, String id, Map<String, String> attrs) {
        ObjectNode e = JSON.createObjectNode().put("Type", type).put("Action", action).put("scope", "local");
        ObjectNode actor = e.putObject("Actor").put("ID", id);
        ObjectNode at = actor.putObject("Attributes");
        attrs.forEach(at::put);
        return server.emit(e.toString());
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
