package io.javaoverlay.server.dns.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulConfig;
import io.javaoverlay.kvstore.consul.ConsulKvStore;
import io.javaoverlay.kvstore.consul.ConsulServiceCatalog;
import io.javaoverlay.server.dns.DnsConfig;
import io.javaoverlay.server.dns.DnsServer;
import io.javaoverlay.server.dns.LocalContainerIndex;
import io.javaoverlay.server.dns.LocalContainers;
import io.javaoverlay.server.dns.NamePublisher;
import io.javaoverlay.server.dns.NameRecord;
import io.javaoverlay.server.dns.NameRecords;
import io.javaoverlay.server.dns.NameTable;
import io.javaoverlay.server.dns.NameWatcher;
import io.javaoverlay.server.docker.ContainerInspect;
import io.javaoverlay.server.docker.UnixHttpClient;
import io.javaoverlay.server.services.ServiceDefinitions;
import io.javaoverlay.server.services.ServiceRegistrar;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in for the daemon's future Docker watcher, for the end-to-end proof on the testbed (not
 * production code, not a test): polls the host's dockerd every 300 ms, publishes the host's name
 * records, keeps the source-address index, serves the resolver, and (with {@code --services})
 * registers labelled containers in Consul. Logs the source address of every query, which is
 * the point of the exercise: it shows what Docker's embedded resolver forwards from.
 * <pre>
 *   DnsDemoHost CONSUL_HTTP HOST_ID DNS_ADDR UPSTREAM [--services]
 * </pre>
 */
public final class DnsDemoHost {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DnsDemoHost() {
    }

    public static void main(String[] args) throws Exception {
        String consul = args[0];
        String hostId = args[1];
        InetAddress dnsAddr = InetAddress.getByName(args[2]);
        java.net.InetSocketAddress upstream = DnsConfig.parseAddress(args[3]);
        boolean services = args.length > 4 && args[4].equals("--services");
        ConsulConfig cc = ConsulConfig.defaults().withAddress(ConsulConfig.parseAddress(consul, false));
        KvStore store = ConsulKvStore.open(cc);
        NameTable table = new NameTable();
        NameWatcher watcher = new NameWatcher(store, table, Duration.ofSeconds(30));
        watcher.start();
        NamePublisher publisher = new NamePublisher(store, hostId);
        LocalContainerIndex index = new LocalContainerIndex();
        LocalContainers logging = source -> {
            Optional<LocalContainers.LocalContainer> c = index.bySource(source);
            System.out.println("query from " + source.getHostAddress() + " -> "
                    + c.map(x -> "container " + x.name() + " on " + x.clusterNetworkIds()).orElse("unknown source"));
            return c;
        };
        DnsServer dns = new DnsServer(DnsConfig.defaults(new java.net.InetSocketAddress(dnsAddr, 53))
                .withUpstreams(List.of(upstream)), table, logging);
        dns.start();
        ServiceRegistrar registrar = null;
        if (services) {
            registrar = new ServiceRegistrar(ConsulServiceCatalog.open(cc), hostId, Duration.ofSeconds(15));
            registrar.start();
        }
        UnixHttpClient docker = new UnixHttpClient(Path.of("/run/docker.sock"), Duration.ofSeconds(5));
        String lastView = "";
        while (true) {
            try {
                Map<String, NameRecords.OverlayNetwork> overlays = new HashMap<>();
                for (JsonNode n : JSON.readTree(docker.send("GET", "/networks", null).body())) {
                    if ("javaoverlay".equals(n.path("Driver").asText())) {
                        String id = n.path("Id").asText();
                        String cluster = store.get("netalias/" + hostId + "/" + id).map(KvEntry::valueAsString)
                                .orElse(id);
                        overlays.put(id, new NameRecords.OverlayNetwork(cluster.trim(), n.path("Name").asText()));
                    }
                }
                UnixHttpClient.Response gw = docker.send("GET", "/networks/docker_gwbridge", null);
                Map<String, InetAddress> gateways = gw.status() == 200
                        ? ContainerInspect.gatewayAddresses(JSON.readTree(gw.body())) : Map.of();
                List<NameRecord> mine = new ArrayList<>();
                List<LocalContainerIndex.Entry> entries = new ArrayList<>();
                List<ServiceDefinitions.Desired> wanted = new ArrayList<>();
                for (JsonNode c : JSON.readTree(docker.send("GET", "/containers/json", null).body())) {
                    String id = c.path("Id").asText();
                    ContainerInspect ci = ContainerInspect.decode(JSON.readTree(
                            docker.send("GET", "/containers/" + id + "/json", null).body()));
                    mine.addAll(NameRecords.of(hostId, ci, overlays));
                    NameRecords.entry(ci, overlays, gateways.get(id)).ifPresent(entries::add);
                    ServiceDefinitions.Result r = ServiceDefinitions.of(hostId, ci, overlays, Duration.ofSeconds(15),
                            Duration.ofMinutes(1));
                    wanted.addAll(r.services());
                    r.problems().forEach(p -> System.out.println("service problem: " + p));
                }
                index.replaceAll(entries);
                publisher.publish(mine);
                if (registrar != null) {
                    registrar.update(wanted);
                }
                String view = entries.size() + " local containers " + entries.stream().map(e -> e.container().name()
                        + e.sources()).toList() + "; " + table.size() + " names cluster-wide";
                if (!view.equals(lastView)) {
                    System.out.println(view);
                    lastView = view;
                }
            } catch (Exception e) {
                System.out.println("poll failed: " + e);
            }
            Thread.sleep(300);
        }
    }
}
