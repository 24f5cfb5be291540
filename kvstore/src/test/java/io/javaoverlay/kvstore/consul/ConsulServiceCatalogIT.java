package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.ServiceCatalog;
import io.javaoverlay.kvstore.ServiceCatalog.Health;
import io.javaoverlay.kvstore.ServiceCatalog.Instance;
import io.javaoverlay.kvstore.ServiceCatalog.Registration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConsulServiceCatalog} against a real agent with ACLs on (default deny): every call
 * carries the token (as the X-Consul-Token header, through the same HttpClient as the KV
 * store), and without it the agent refuses. Also: deregistering an unknown ID succeeds, a
 * service of another node is removed through the catalog API, and the TTL status round-trips.
 */
@Tag("consul")
class ConsulServiceCatalogIT {

    private static Registration web(String id, String node) {
        return new Registration(id, "web", "10.77.0.2", 80, List.of("b", "a"), Map.of("javaoverlay-host", node),
                Duration.ofSeconds(30), Duration.ofMinutes(1), Health.PASSING);
    }

    @Test
    void everyOperationCarriesTheTokenAndBehavesAsConsulDoes() throws Exception {
        String token = UUID.randomUUID().toString();
        String acl = "acl {\n enabled = true\n default_policy = \"deny\"\n tokens {\n initial_management = \""
                + token + "\"\n }\n}\n";
        try (ConsulTestAgent agent = ConsulTestAgent.startOrSkip(new ConsulTestAgent.Options(acl, false))) {
            agent.awaitAclToken(token);
            ConsulConfig base = agent.config("unused/");
            try (ServiceCatalog c = ConsulServiceCatalog.open(base.withToken(token))) {
                String node = c.agentNode();
                c.register(web("svc-1", "h1"));
                Instance i = c.agentServices().stream().filter(s -> s.id().equals("svc-1")).findFirst().orElseThrow();
                assertEquals(node, i.node());
                assertTrue(web("svc-1", "h1").sameAs(i), "the agent shows what was registered: " + i);
                c.updateTtl("service:svc-1", Health.CRITICAL, "container stopped responding");
                assertThrows(KvStoreException.class, () -> c.updateTtl("service:nope", Health.PASSING, ""));
                // a service of another node, straight in the catalog (as a dead host's agent left it)
                c.register(web("svc-2", "h2"));
                assertEquals(List.of("svc-1"), c.catalogServices("javaoverlay-host", "h1").stream().map(Instance::id).toList());
                c.deregister("svc-2");
                c.deregister("never-registered");
                c.deregister("svc-1");
                assertEquals(List.of(), c.agentServices());
            }
            try (ServiceCatalog anonymous = ConsulServiceCatalog.open(base)) {
                KvStoreException e = assertThrows(KvStoreException.class, () -> anonymous.register(web("x", "h1")));
                assertTrue(e.getMessage().contains("403"), e.getMessage());
            }
        }
    }

    @Test
    void catalogDeregistrationRemovesAnotherNodesService() throws Exception {
        try (ConsulTestAgent agent = ConsulTestAgent.startOrSkip();
             ServiceCatalog c = ConsulServiceCatalog.open(agent.config("unused/"))) {
            // register an external node's service through the raw catalog API, as another agent would
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String body = "{\"Node\":\"dead-host\",\"Address\":\"198.18.0.99\",\"Service\":{\"ID\":\"svc-d\",\"Service\":\"web\","
                    + "\"Address\":\"10.77.0.9\",\"Port\":80,\"Meta\":{\"javaoverlay-host\":\"hd\"}}}";
            http.send(java.net.http.HttpRequest.newBuilder(agent.httpAddress().resolve("/v1/catalog/register"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            List<Instance> found = c.catalogServices("javaoverlay-host", "hd");
            assertEquals(1, found.size());
            assertEquals("dead-host", found.get(0).node());
            assertEquals("10.77.0.9", found.get(0).address());
            c.deregisterFromCatalog("dead-host", "svc-d");
            assertEquals(List.of(), c.catalogServices("javaoverlay-host", "hd"));
        }
    }
}
