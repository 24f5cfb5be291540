package io.javaoverlay.kvstore.consul;

import com.ecwid.consul.SingleUrlParameters;
import com.ecwid.consul.UrlParameters;
import com.ecwid.consul.v1.QueryParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.ServiceCatalog;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@link ServiceCatalog} on Consul's HTTP API, through {@link ConsulCalls}
 * (token in the {@code X-Consul-Token} header, our timeouts, PEM TLS; see {@link ConsulHttp}):
 * <ul>
 *   <li>{@code PUT /v1/agent/service/register?replace-existing-checks=true} with one TTL check
 *       ({@code CheckID service:<id>}, initial status, {@code DeregisterCriticalServiceAfter});</li>
 *   <li>{@code PUT /v1/agent/service/deregister/<id>}, {@code PUT /v1/agent/check/update/<id>};</li>
 *   <li>{@code GET /v1/agent/services}, {@code GET /v1/agent/self} (node name);</li>
 *   <li>{@code GET /v1/catalog/services} and {@code /v1/catalog/service/<name>}, filtered by meta
 *       here (no {@code filter=} expression, so any Consul 1.x works), and
 *       {@code PUT /v1/catalog/deregister} for services of another node.</li>
 * </ul>
 */
public final class ConsulServiceCatalog implements ServiceCatalog {
    private final ConsulConfig config;
    private final ConsulHttp http;
    private final ConsulCalls calls;
    private final UrlParameters dc;

    private ConsulServiceCatalog(ConsulConfig config, javax.net.ssl.SSLContext ssl) {
        this.config = config;
        this.http = new ConsulHttp(config, ssl, config.requestTimeout());
        this.calls = new ConsulCalls(http);
        this.dc = config.datacenter() == null ? QueryParams.DEFAULT : new QueryParams(config.datacenter());
    }

    /**
     * A catalog client for {@code config}'s agent. Does not contact Consul.
     *
     * @throws KvStoreException if the TLS files cannot be read
     */
    public static ConsulServiceCatalog open(ConsulConfig config) throws KvStoreException {
        Objects.requireNonNull(config, "config");
        try {
            return new ConsulServiceCatalog(config, ConsulHttp.sslContextFor(config));
        } catch (IOException e) {
            throw new KvStoreException("Consul " + config.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String agentNode() throws KvStoreException {
        JsonNode self = getJson("read the agent's node name", "/v1/agent/self", false);
        String node = self.path("Config").path("NodeName").asText("");
        if (node.isEmpty()) {
            throw new KvStoreException("Consul agent " + config.address() + " did not report its node name");
        }
        return node;
    }

    @Override
    public void register(Registration r) throws KvStoreException {
        ObjectNode body = ConsulTxn.JSON.createObjectNode();
        body.put("ID", r.id());
        body.put("Name", r.name());
        body.put("Address", r.address());
        body.put("Port", r.port());
        r.tags().forEach(body.putArray("Tags")::add);
        ObjectNode meta = body.putObject("Meta");
        r.meta().forEach(meta::put);
        body.put("EnableTagOverride", false);
        ObjectNode check = body.putObject("Check");
        check.put("CheckID", r.checkId());
        check.put("Name", "javaoverlay: container state of " + r.name());
        check.put("TTL", seconds(r.ttl()));
        check.put("Status", r.initial().wire());
        check.put("DeregisterCriticalServiceAfter", seconds(r.deregisterCriticalAfter()));
        put("register service " + r.id(), "/v1/agent/service/register", body, false,
                new SingleUrlParameters("replace-existing-checks", "true"));
    }

    @Override
    public void deregister(String serviceId) throws KvStoreException {
        // Consul answers 404 for an ID it does not know: that is the state we want.
        put("deregister service " + serviceId, "/v1/agent/service/deregister/" + ConsulCalls.segment(serviceId), null, true);
    }

    @Override
    public void deregisterFromCatalog(String node, String serviceId) throws KvStoreException {
        ObjectNode body = ConsulTxn.JSON.createObjectNode();
        body.put("Node", node);
        body.put("ServiceID", serviceId);
        if (config.datacenter() != null) {
            body.put("Datacenter", config.datacenter());
        }
        put("deregister service " + serviceId + " of node " + node, "/v1/catalog/deregister", body, false);
    }

    @Override
    public void updateTtl(String checkId, Health health, String output) throws KvStoreException {
        ObjectNode body = ConsulTxn.JSON.createObjectNode();
        body.put("Status", health.wire());
        body.put("Output", output == null ? "" : output);
        put("update check " + checkId, "/v1/agent/check/update/" + ConsulCalls.segment(checkId), body, false);
    }

    @Override
    public List<Instance> agentServices() throws KvStoreException {
        String node = agentNode();
        JsonNode all = getJson("list the agent's services", "/v1/agent/services", false);
        List<Instance> out = new ArrayList<>();
        for (Iterator<JsonNode> it = all.elements(); it.hasNext(); ) {
            JsonNode s = it.next();
            out.add(new Instance(node, s.path("ID").asText(), s.path("Service").asText(), s.path("Address").asText(),
                    s.path("Port").asInt(), strings(s.path("Tags")), map(s.path("Meta"))));
        }
        return out;
    }

    @Override
    public List<Instance> catalogServices(String metaKey, String metaValue) throws KvStoreException {
        JsonNode names = getJson("list the catalog's services", "/v1/catalog/services", true);
        List<Instance> out = new ArrayList<>();
        for (Iterator<String> it = names.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode entries = getJson("list service " + name, "/v1/catalog/service/" + ConsulCalls.segment(name), true);
            for (JsonNode e : entries) {
                Map<String, String> meta = map(e.path("ServiceMeta"));
                if (metaValue.equals(meta.get(metaKey))) {
                    out.add(new Instance(e.path("Node").asText(), e.path("ServiceID").asText(),
                            e.path("ServiceName").asText(), e.path("ServiceAddress").asText(),
                            e.path("ServicePort").asInt(), strings(e.path("ServiceTags")), meta));
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "consul catalog " + config.address().getRawAuthority();
    }

    @Override
    public void close() {
        http.close();
    }

    private void put(String what, String endpoint, JsonNode body, boolean absentOk, UrlParameters... params)
            throws KvStoreException {
        ConsulCalls.Answer r = body == null ? calls.put(what, endpoint, null, params) : calls.putJson(what, endpoint, body, params);
        if (absentOk && r.status() == 404) {
            return;
        }
        ConsulErrors.requireOk(what, r);
    }

    private JsonNode getJson(String what, String endpoint, boolean withDc) throws KvStoreException {
        ConsulCalls.Answer r = calls.get(what, endpoint, withDc ? dc : null);
        ConsulErrors.requireOk(what, r);
        return ConsulErrors.json(what, r);
    }

    private static String seconds(Duration d) {
        return Math.max(1, d.toSeconds()) + "s";
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> map(JsonNode obj) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
