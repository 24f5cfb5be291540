package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.ServiceCatalog;
import io.javaoverlay.kvstore.ServiceCatalog.Instance;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import io.javaoverlay.kvstore.consul.ConsulServiceCatalog;
import io.javaoverlay.server.docker.ContainerInspect;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static io.javaoverlay.server.services.Containers.OVERLAYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Service registration against a real Consul agent (a throw-away {@code consul agent -dev}), with
 * two "hosts" sharing that one agent as on the testbed: exact register/deregister, TTL checks,
 * resync after a restart, the dead-host path, and Consul DNS ({@code web.service.consul})
 * answering with the overlay addresses.
 */
@Tag("consul")
class ServiceRegistrationIT {
    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();

    private static final Duration TTL = Duration.ofSeconds(15);

    private static ContainerInspect web(String id, String ip, String health) {
        return new ContainerInspect(id, "web-" + id, Map.of("javaoverlay.service", "web", "javaoverlay.service.port", "80",
                "javaoverlay.service.tags", "blue"), Map.of(), List.of(), true, health,
                Map.of("front", new ContainerInspect.Attachment("dn-front", "ep-" + id, ip, null, List.of())));
    }

    private static List<ServiceDefinitions.Desired> desired(String host, Duration ttl, ContainerInspect... cs) {
        List<ServiceDefinitions.Desired> out = new ArrayList<>();
        for (ContainerInspect c : cs) {
            out.addAll(ServiceDefinitions.of(host, c, OVERLAYS, ttl, Duration.ofMinutes(1)).services());
        }
        return out;
    }

    private ServiceCatalog catalog() throws Exception {
        return ConsulServiceCatalog.open(CONSUL.agent().config("unused/"));
    }

    private SimpleResolver consulDns() {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                CONSUL.agent().ports().get("dns")));
        r.setTimeout(Duration.ofSeconds(2));
        return r;
    }

    private Set<String> dnsA(String name) throws Exception {
        Message m = consulDns().send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> ids(List<Instance> is) {
        return is.stream().map(Instance::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void eventually(String what, Supplier<Boolean> cond) throws InterruptedException {
        for (int i = 0; i < 150 && !cond.get(); i++) {
            Thread.sleep(100);
        }
        assertTrue(cond.get(), what + " within 15 s");
    }

    private Supplier<Boolean> dnsIs(Set<String> expected) {
        return () -> {
            try {
                return dnsA("web.service.consul.").equals(expected);
            } catch (Exception e) {
                return false;
            }
        };
    }

    @Test
    void registersOverlayAddressesExactlyAndConsulDnsServesThem() throws Exception {
        try (ServiceCatalog consul = catalog()) {
            ServiceRegistrar h1 = new ServiceRegistrar(consul, "h1", TTL);
            ServiceRegistrar h2 = new ServiceRegistrar(consul, "h2", TTL);
            h1.close();
            h2.close();
            h1.update(desired("h1", TTL, web("a1", "10.77.0.2", null), web("a2", "10.77.0.3", null)));
            h2.update(desired("h2", TTL, web("b1", "10.77.0.4", null)));
            assertEquals(2, h1.sync().registered());
            assertEquals(1, h2.sync().registered());

            List<Instance> all = consul.catalogServices(ServiceDefinitions.META_HOST, "h1");
            assertEquals(Set.of("javaoverlay:h1:a1:80", "javaoverlay:h1:a2:80"), ids(all));
            Instance a1 = all.stream().filter(i -> i.id().endsWith("a1:80")).findFirst().orElseThrow();
            assertEquals("web", a1.name());
            assertEquals("10.77.0.2", a1.address());
            assertEquals(80, a1.port());
            assertEquals(List.of("blue"), a1.tags());
            eventually("DNS returns the three overlay addresses", dnsIs(Set.of("10.77.0.2", "10.77.0.3", "10.77.0.4")));
            Message srv = consulDns().send(Message.newQuery(Record.newRecord(Name.fromString("web.service.consul."),
                    Type.SRV, DClass.IN)));
            assertTrue(srv.getSection(Section.ANSWER).stream().allMatch(r -> ((SRVRecord) r).getPort() == 80));

            // a failing healthcheck turns the TTL check critical: Consul DNS stops returning it
            h1.update(desired("h1", TTL, web("a1", "10.77.0.2", "unhealthy"), web("a2", "10.77.0.3", null)));
            assertEquals(new ServiceRegistrar.Report(0, 0, 2), h1.sync());
            eventually("the unhealthy instance leaves DNS", dnsIs(Set.of("10.77.0.3", "10.77.0.4")));

            // a stopped container is deregistered
            h1.update(desired("h1", TTL, web("a2", "10.77.0.3", null)));
            assertEquals(1, h1.sync().deregistered());
            assertEquals(Set.of("javaoverlay:h1:a2:80"), ids(consul.catalogServices(ServiceDefinitions.META_HOST, "h1")));

            // restart: a new registrar, one container gone and one new while it was down; exact afterwards
            ServiceRegistrar h1b = new ServiceRegistrar(consul, "h1", TTL);
            h1b.close();
            h1b.update(desired("h1", TTL, web("a3", "10.77.0.5", null)));
            ServiceRegistrar.Report r = h1b.sync();
            assertEquals(1, r.registered());
            assertEquals(1, r.deregistered());
            assertEquals(Set.of("javaoverlay:h1:a3:80"), ids(consul.catalogServices(ServiceDefinitions.META_HOST, "h1")));
            assertEquals(new ServiceRegistrar.Report(0, 0, 1), h1b.sync(), "a second pass changes nothing");
            eventually("DNS follows", dnsIs(Set.of("10.77.0.4", "10.77.0.5")));

            // h2 dies: h1 removes its services, on the agent they share
            assertEquals(1, h1b.removeHostNow("h2"));
            assertEquals(Set.of(), ids(consul.catalogServices(ServiceDefinitions.META_HOST, "h2")));
            assertEquals(1, consul.agentServices().stream()
                    .filter(i -> "h1".equals(i.meta().get(ServiceDefinitions.META_HOST))).count());
            eventually("DNS drops the dead host's instance", dnsIs(Set.of("10.77.0.5")));

            h1b.update(List.of());
            h1b.sync();
            assertEquals(Set.of(), ids(consul.catalogServices(ServiceDefinitions.META_HOST, "h1")));
        }
    }

    @Test
    void aCheckNotKeptAliveGoesCriticalAndIsRestoredByTheNextSync() throws Exception {
        Duration shortTtl = Duration.ofSeconds(1);
        try (ServiceCatalog consul = catalog()) {
            ServiceRegistrar h3 = new ServiceRegistrar(consul, "h3", shortTtl);
            h3.close();
            h3.update(desired("h3", shortTtl, web("c1", "10.77.0.9", null)));
            h3.sync();
            Set<String> up = Set.of("10.77.0.9");
            eventually("registered", () -> {
                try {
                    return dnsA("web.service.consul.").containsAll(up);
                } catch (Exception e) {
                    return false;
                }
            });
            // nobody renews the TTL (the plugin is "hung"): the instance leaves DNS
            eventually("the TTL expires", () -> {
                try {
                    return !dnsA("web.service.consul.").contains("10.77.0.9");
                } catch (Exception e) {
                    return false;
                }
            });
            h3.sync(); // the heartbeat comes back
            eventually("passing again", () -> {
                try {
                    return dnsA("web.service.consul.").contains("10.77.0.9");
                } catch (Exception e) {
                    return false;
                }
            });
            h3.update(List.of());
            h3.sync();
        }
    }
}
