package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import io.javaoverlay.server.dns.LocalContainerIndex;
import io.javaoverlay.server.dns.LocalContainers;
import io.javaoverlay.server.dns.NameKeys;
import io.javaoverlay.server.dns.NamePublisher;
import io.javaoverlay.server.dns.NameRecord;
import io.javaoverlay.server.docker.DockerView;
import io.javaoverlay.server.docker.LocalContainer;
import io.javaoverlay.server.docker.LocalEndpoint;
import io.javaoverlay.server.docker.LocalNetwork;
import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Docker view → names, source index and services: what a pass publishes, that an incomplete
 * view changes nothing, that a stopped container's name and service go, that the gateway address
 * comes from docker_gwbridge when the view lacks it (read once), and the dead-host path.
 */
class ContainerSyncTest {
    private static final String NET = "dockernet1";
    private static final String CLUSTER = "clusternet1";
    private static final Duration TTL = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static DockerView.Snapshot snapshot(boolean complete, boolean running, Map<String, String> labels) {
        LocalEndpoint ep = new LocalEndpoint("ep1", "c1id", "c1", "02:42:00:00:00:02", "198.18.120.2/24", null,
                List.of("web-alias"));
        LocalNetwork n = new LocalNetwork(NET, "front", "javaoverlay", "local", Map.of(), "javaoverlay", Map.of(),
                List.of(), false, false, running ? Map.of("ep1", ep) : Map.of());
        // Also on Docker's bridge network: its queries may come from 172.17.0.5 (its default route).
        LocalContainer c = new LocalContainer("c1id", "c1", running, "", null, labels, Map.of(), List.of("80/tcp"),
                List.of("198.18.120.2", "172.17.0.5"));
        return new DockerView.Snapshot(1, Instant.EPOCH, complete, Map.of(NET, n), running ? Map.of("c1id", c) : Map.of());
    }

    private static List<NameRecord> names(KvStore store, String host) throws Exception {
        List<NameRecord> out = new ArrayList<>();
        for (KvEntry e : store.list(NameKeys.hostPrefix(host))) {
            out.add(NameKeys.decode(e.key(), e.value()));
        }
        return out;
    }

    @Test
    void publishesNamesIndexAndServicesAndWithdrawsThemWhenTheContainerStops() throws Exception {
        try (KvStore store = LocalKvStore.open(dir)) {
            FakeCatalog consul = new FakeCatalog("agent-1");
            ServiceRegistrar registrar = new ServiceRegistrar(consul, "h1", TTL);
            registrar.close(); // the test drives sync() itself
            LocalContainerIndex index = new LocalContainerIndex();
            AtomicInteger gatewayReads = new AtomicInteger();
            ContainerSync sync = new ContainerSync("h1", id -> id.equals(NET) ? CLUSTER : id, () -> {
                gatewayReads.incrementAndGet();
                return Map.of("c1id", IpAddress.parse("172.18.0.2"));
            }, new NamePublisher(store, "h1"), index, registrar, Duration.ofSeconds(10), TTL);
            Map<String, String> labels = Map.of("javaoverlay.service", "web");

            sync.offer(snapshot(false, true, labels));
            sync.pass();
            assertEquals(List.of(), names(store, "h1"), "an incomplete view publishes nothing");
            assertEquals(0, index.size());

            sync.offer(snapshot(true, true, labels));
            sync.pass();
            List<NameRecord> published = names(store, "h1");
            assertEquals(1, published.size(), published.toString());
            NameRecord r = published.get(0);
            assertEquals(CLUSTER, r.clusterNetworkId(), "names are keyed by the cluster network, not Docker's ID");
            assertEquals("front", r.networkName());
            assertEquals("c1", r.containerName());
            assertEquals(List.of("web-alias"), r.aliases());
            assertEquals(IpAddress.parse("198.18.120.2"), r.ipv4());
            Optional<LocalContainers.LocalContainer> asker = index.bySource(IpAddress.parse("172.18.0.2"));
            assertTrue(asker.isPresent(), "the docker_gwbridge address identifies the container");
            assertEquals(Set.of(CLUSTER), asker.get().clusterNetworkIds());
            assertTrue(index.bySource(IpAddress.parse("198.18.120.2")).isPresent(), "so does its overlay address");
            assertEquals(Optional.of(Set.of(CLUSTER)), index.bySource(IpAddress.parse("172.17.0.5"))
                    .map(LocalContainers.LocalContainer::clusterNetworkIds),
                    "and its address on another network (a container also on a bridge network queries from it)");
            registrar.sync();
            assertEquals(List.of("agent-1/javaoverlay:h1:c1id:80"), consul.idsOf("h1"),
                    "the exposed port is the service's port without a port label");
            assertEquals("198.18.120.2", consul.agent.get("javaoverlay:h1:c1id:80").address());
            assertEquals(new ContainerSync.Counts(1, 1, 1, 1), sync.counts());

            sync.pass();
            assertEquals(1, gatewayReads.get(), "a known container's gateway is not read again");

            sync.offer(snapshot(true, false, labels));
            sync.pass();
            assertEquals(List.of(), names(store, "h1"), "a stopped container's name is withdrawn");
            assertEquals(0, index.size());
            registrar.sync();
            assertEquals(List.of(), consul.idsOf("h1"), "and its service deregistered");
        }
    }

    @Test
    void deadHostsLoseTheirNamesAndServicesOncePerDeath() throws Exception {
        try (KvStore store = LocalKvStore.open(dir)) {
            FakeCatalog consul = new FakeCatalog("agent-1");
            ServiceRegistrar h2 = new ServiceRegistrar(consul, "h2", TTL);
            h2.close();
            h2.update(ServiceDefinitions.of("h2", ContainerSync.inspects(snapshot(true, true,
                    Map.of("javaoverlay.service", "web"))).get(0), Map.of(NET,
                    new io.javaoverlay.server.dns.NameRecords.OverlayNetwork(CLUSTER, "front")), TTL,
                    Duration.ofMinutes(1)).services());
            h2.sync();
            NamePublisher p2 = new NamePublisher(store, "h2");
            p2.publish(List.of(new NameRecord(CLUSTER, "front", "ep2", "h2", "c2id", "c2", List.of(),
                    IpAddress.parse("198.18.120.3"), null)));
            ServiceRegistrar h1Registrar = new ServiceRegistrar(consul, "h1", TTL);
            // The registrar's own thread runs removeHost; it is not closed here.
            ContainerSync h1 = new ContainerSync("h1", id -> id, Map::of, new NamePublisher(store, "h1"), null,
                    h1Registrar, Duration.ofSeconds(10), TTL);
            try {
                h1.handleDead(Set.of("h1"));
                assertEquals(1, names(store, "h2").size(), "no host removes itself, and h2 is not dead");
                h1.handleDead(Set.of("h2"));
                assertEquals(List.of(), names(store, "h2"), "a dead host's names are withdrawn");
                h1Registrar.removeHostNow("h2"); // the same call handleDead queued, run here to wait for it
                assertEquals(List.of(), consul.idsOf("h2"), "and its services deregistered");

                p2.publish(List.of(new NameRecord(CLUSTER, "front", "ep2", "h2", "c2id", "c2", List.of(),
                        IpAddress.parse("198.18.120.3"), null)));
                h1.handleDead(Set.of("h2"));
                assertEquals(1, names(store, "h2").size(), "still dead: handled once");
                h1.handleDead(Set.of());
                h1.handleDead(Set.of("h2"));
                assertEquals(List.of(), names(store, "h2"), "dead again: removed again");
            } finally {
                h1.close();
            }
        }
    }
}
