package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.ServiceCatalog.Health;
import io.javaoverlay.kvstore.ServiceCatalog.Registration;
import io.javaoverlay.server.docker.ContainerInspect;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.javaoverlay.server.services.Containers.OVERLAYS;
import static io.javaoverlay.server.services.Containers.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServiceRegistrarTest {
    private static final Duration TTL = Duration.ofSeconds(15);

    private static List<ServiceDefinitions.Desired> desired(String host, ContainerInspect... cs) {
        List<ServiceDefinitions.Desired> out = new ArrayList<>();
        for (ContainerInspect c : cs) {
            out.addAll(ServiceDefinitions.of(host, c, OVERLAYS, TTL, Duration.ofMinutes(1)).services());
        }
        return out;
    }

    private static ContainerInspect web(String id, String health) {
        return container(id, "web-" + id, Map.of("javaoverlay.service", "web", "javaoverlay.service.port", "80"),
                Map.of(), List.of(), true, health);
    }

    @Test
    void registersOnceThenOnlyKeepsTheChecksAlive() throws Exception {
        FakeCatalog consul = new FakeCatalog("agent-1");
        ServiceRegistrar h1 = new ServiceRegistrar(consul, "h1", TTL);
        h1.close(); // no thread: the test drives sync() by hand
        assertEquals(new ServiceRegistrar.Report(0, 0, 0), h1.sync(), "nothing is touched before the first update");
        h1.update(desired("h1", web("a1", null), web("a2", "unhealthy")));
        assertEquals(2, h1.sync().registered());
        ServiceRegistrar.Report again = h1.sync();
        assertEquals(new ServiceRegistrar.Report(0, 0, 2), again, "a resync changes nothing");
        assertEquals(Health.CRITICAL, consul.checks.get("service:javaoverlay:h1:a2:80"));
        assertEquals(Health.PASSING, consul.checks.get("service:javaoverlay:h1:a1:80"));
    }

    @Test
    void stoppedContainersAreDeregisteredAndHealthChangesAreReported() throws Exception {
        FakeCatalog consul = new FakeCatalog("agent-1");
        ServiceRegistrar h1 = new ServiceRegistrar(consul, "h1", TTL);
        h1.close();
        h1.update(desired("h1", web("a1", null), web("a2", null)));
        h1.sync();
        h1.update(desired("h1", web("a1", "unhealthy")));
        assertEquals(new ServiceRegistrar.Report(0, 1, 1), h1.sync());
        assertEquals(List.of("agent-1/javaoverlay:h1:a1:80"), consul.idsOf("h1"));
        assertEquals(Health.CRITICAL, consul.checks.get("service:javaoverlay:h1:a1:80"));
    }

    @Test
    void aRestartedPluginConvergesWithoutDuplicatesOrOrphans() throws Exception {
        FakeCatalog consul = new FakeCatalog("agent-1");
        ServiceRegistrar before = new ServiceRegistrar(consul, "h1", TTL);
        before.close();
        before.update(desired("h1", web("a1", null), web("a2", null), web("a3", null)));
        before.sync();
        // h1 registered through another agent once (e.g. the agent address changed): an orphan on node-old
        Registration old = desired("h1", web("a9", null)).get(0).registration();
        consul.otherNodes.put("node-old/" + old.id(), FakeCatalog.asInstance("node-old", old));
        // while the plugin was down, a2 stopped and a4 started
        ServiceRegistrar after = new ServiceRegistrar(consul, "h1", TTL);
        after.close();
        after.update(desired("h1", web("a1", null), web("a3", null), web("a4", null)));
        ServiceRegistrar.Report r = after.sync();
        assertEquals(1, r.registered());
        assertEquals(2, r.deregistered());
        assertEquals(List.of("agent-1/javaoverlay:h1:a1:80", "agent-1/javaoverlay:h1:a3:80",
                "agent-1/javaoverlay:h1:a4:80"), consul.idsOf("h1"));
        int writes = consul.writes;
        after.sync();
        assertEquals(writes, consul.writes, "the next pass writes nothing");
    }

    @Test
    void hostsSharingOneAgentLeaveEachOthersServicesAlone() throws Exception {
        FakeCatalog shared = new FakeCatalog("testbed-agent");
        ServiceRegistrar h1 = new ServiceRegistrar(shared, "h1", TTL);
        ServiceRegistrar h2 = new ServiceRegistrar(shared, "h2", TTL);
        h1.close();
        h2.close();
        h1.update(desired("h1", web("a1", null)));
        h2.update(desired("h2", web("b1", null), web("b2", null)));
        h1.sync();
        h2.sync();
        h1.update(List.of());
        h1.sync();
        assertEquals(List.of(), shared.idsOf("h1"));
        assertEquals(2, shared.idsOf("h2").size());
    }

    @Test
    void aDeadHostsServicesGoWhetherTheyShareOurAgentOrNot() throws Exception {
        FakeCatalog shared = new FakeCatalog("agent-1");
        ServiceRegistrar h1 = new ServiceRegistrar(shared, "h1", TTL);
        ServiceRegistrar h2 = new ServiceRegistrar(shared, "h2", TTL);
        h1.close();
        h2.close();
        h2.update(desired("h2", web("b1", null), web("b2", null)));
        h2.sync();
        Registration remote = desired("h2", web("b3", null)).get(0).registration();
        shared.otherNodes.put("agent-2/" + remote.id(), FakeCatalog.asInstance("agent-2", remote));
        h1.update(desired("h1", web("a1", null)));
        h1.sync();
        // on our own agent's node, catalog deregistration would be undone: the agent API must be used
        assertEquals(3, h1.removeHostNow("h2"));
        assertEquals(List.of(), shared.idsOf("h2"));
        assertEquals(1, shared.idsOf("h1").size());
        assertThrows(IllegalArgumentException.class, () -> h1.removeHostNow("h1"));
    }

    @Test
    void aVanishedCheckIsRegisteredAgainAndOutagesAreRetried() throws Exception {
        FakeCatalog consul = new FakeCatalog("agent-1");
        ServiceRegistrar h1 = new ServiceRegistrar(consul, "h1", TTL);
        h1.close();
        h1.update(desired("h1", web("a1", null)));
        h1.sync();
        consul.checks.clear();
        assertEquals(1, h1.sync().registered());
        consul.down = true;
        assertThrows(io.javaoverlay.kvstore.StoreUnavailableException.class, h1::sync);
        consul.down = false;
        assertEquals(1, h1.sync().checksUpdated());
    }

    @Test
    void servicesOfAnotherHostAreRefused() {
        ServiceRegistrar h1 = new ServiceRegistrar(new FakeCatalog("n"), "h1", TTL);
        h1.close();
        assertThrows(IllegalArgumentException.class, () -> h1.update(desired("h2", web("b1", null))));
    }
}
