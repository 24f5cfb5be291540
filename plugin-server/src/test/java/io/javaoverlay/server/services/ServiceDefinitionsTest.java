package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.ServiceCatalog.Health;
import io.javaoverlay.kvstore.ServiceCatalog.Registration;
import io.javaoverlay.server.docker.ContainerInspect;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.javaoverlay.server.services.Containers.OVERLAYS;
import static io.javaoverlay.server.services.Containers.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceDefinitionsTest {
    private static ServiceDefinitions.Result of(ContainerInspect c) {
        return ServiceDefinitions.of("h1", c, OVERLAYS, Duration.ofSeconds(15), Duration.ofMinutes(1));
    }

    private static List<Registration> regs(ContainerInspect c) {
        return of(c).services().stream().map(ServiceDefinitions.Desired::registration).toList();
    }

    @Test
    void javaoverlayLabelsRegisterTheOverlayAddress() {
        ContainerInspect c = container("aaaaaaaaaaaa1234", "web1", Map.of("javaoverlay.service", "web",
                "javaoverlay.service.port", "80", "javaoverlay.service.tags", "a, b,,a"), Map.of(), List.of("8080/tcp"),
                true, null);
        Registration r = regs(c).get(0);
        assertEquals("javaoverlay:h1:aaaaaaaaaaaa:80", r.id());
        assertEquals("web", r.name());
        assertEquals(c.networks().get("front").ipv4(), r.address());
        assertEquals(80, r.port());
        assertEquals(List.of("a", "b"), r.tags());
        assertEquals(Map.of("javaoverlay-host", "h1", "javaoverlay-container", "aaaaaaaaaaaa1234",
                "javaoverlay-container-name", "web1", "javaoverlay-network", "front"), r.meta());
        assertEquals(Health.PASSING, r.initial());
    }

    @Test
    void noOptInNoService() {
        assertTrue(regs(container("c1", "plain", Map.of(), Map.of("PATH", "/bin"), List.of("80/tcp"), true, null)).isEmpty());
        assertTrue(regs(container("c1", "stopped", Map.of("javaoverlay.service", "web", "javaoverlay.service.port", "80"),
                Map.of(), List.of(), false, null)).isEmpty());
    }

    @Test
    void registratorConventionsEnvOverLabelsPortKeysOverPlainKeys() {
        ContainerInspect c = container("c2", "api", Map.of("SERVICE_NAME", "from-label", "SERVICE_TAGS", "lbl"),
                Map.of("SERVICE_NAME", "api", "SERVICE_TAGS", "v1,prod", "SERVICE_9000_NAME", "metrics",
                        "SERVICE_9000_TAGS", "scrape"),
                List.of("8080/tcp", "9000/tcp"), true, null);
        List<Registration> rs = regs(c);
        // SERVICE_<port>_NAME names the ports: only 9000 is registered
        assertEquals(1, rs.size());
        assertEquals("metrics", rs.get(0).name());
        assertEquals(List.of("scrape"), rs.get(0).tags());
        ContainerInspect plain = container("c3", "api", Map.of(), Map.of("SERVICE_NAME", "api", "SERVICE_TAGS", "v1,prod",
                "SERVICE_8081_IGNORE", "yes"), List.of("8080/tcp", "8081/tcp", "53/udp"), true, null);
        List<Registration> exposed = regs(plain);
        assertEquals(List.of("javaoverlay:h1:c3:53:udp", "javaoverlay:h1:c3:8080"),
                exposed.stream().map(Registration::id).sorted().toList());
        Registration udp = exposed.stream().filter(r -> r.port() == 53).findFirst().orElseThrow();
        assertEquals(List.of("prod", "udp", "v1"), udp.tags());
    }

    @Test
    void ourLabelWinsOverServiceNameAndPortListsWork() {
        ContainerInspect c = container("c4", "dns", Map.of("javaoverlay.service", "resolver",
                "javaoverlay.service.port", "53/udp,53"), Map.of("SERVICE_NAME", "other"), List.of(), true, "starting");
        List<Registration> rs = regs(c);
        assertEquals(2, rs.size());
        assertTrue(rs.stream().allMatch(r -> r.name().equals("resolver") && r.initial() == Health.WARNING));
    }

    @Test
    void badLabelsAreReportedNotFatal() {
        ServiceDefinitions.Result r = of(container("c5", "bad", Map.of("javaoverlay.service", "web",
                "javaoverlay.service.port", "eighty,70000,80/sctp,81"), Map.of(), List.of(), true, null));
        assertEquals(1, r.services().size());
        assertEquals(3, r.problems().size());
        ServiceDefinitions.Result name = of(container("c6", "bad", Map.of("javaoverlay.service", "web_site",
                "javaoverlay.service.port", "80"), Map.of(), List.of(), true, null));
        assertTrue(name.services().isEmpty());
        assertTrue(name.problems().get(0).contains("web_site"));
        ServiceDefinitions.Result noPort = of(container("c7", "noport", Map.of("javaoverlay.service", "web"), Map.of(),
                List.of(), true, null));
        assertTrue(noPort.problems().get(0).contains("no port"));
        ContainerInspect offOverlay = new ContainerInspect("c8", "x", Map.of("javaoverlay.service", "web",
                "javaoverlay.service.port", "80"), Map.of(), List.of(), true, null, Map.of("bridge",
                new ContainerInspect.Attachment("dn-bridge", "e", "172.17.0.2", null, List.of())));
        assertTrue(of(offOverlay).problems().get(0).contains("javaoverlay network"));
    }

    @Test
    void dockerHealthMapsToCheckStatus() {
        assertEquals(Health.PASSING, ServiceDefinitions.health(null));
        assertEquals(Health.PASSING, ServiceDefinitions.health("healthy"));
        assertEquals(Health.WARNING, ServiceDefinitions.health("starting"));
        assertEquals(Health.CRITICAL, ServiceDefinitions.health("unhealthy"));
    }
}
