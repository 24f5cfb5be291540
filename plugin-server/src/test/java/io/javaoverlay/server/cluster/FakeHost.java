package io.javaoverlay.server.cluster;

import io.javaoverlay.server.docker.DockerApi;
import io.javaoverlay.server.docker.DockerApiException;
import io.javaoverlay.server.docker.DockerNetwork;
import io.javaoverlay.server.docker.NetworkCreate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated host: its dockerd (networks by ID, containers per network) and what its plugin
 * records at CreateNetwork/DeleteNetwork (the alias in the shared {@link FakeDirectory}).
 */
final class FakeHost implements DockerApi {
    private static final AtomicInteger IDS = new AtomicInteger();

    final String name;
    final FakeDirectory directory;
    final Map<String, DockerNetwork> networks = new TreeMap<>();
    final Map<String, Integer> containers = new TreeMap<>();
    final List<NetworkCreate> createCalls = new ArrayList<>();
    volatile boolean down;

    FakeHost(String name, FakeDirectory directory) {
        this.name = name;
        this.directory = directory;
    }

    /** {@code docker network create -d javaoverlay --ipam-driver javaoverlay --subnet S NAME} by a user. */
    String userCreate(String net, String subnet, Map<String, String> options) {
        return userCreate(net, subnet, options, NetworkReplicator.DRIVER);
    }

    /** The same with {@code -d DRIVER --ipam-driver DRIVER} (a managed plugin's name, e.g. {@code javaoverlay:latest}). */
    String userCreate(String net, String subnet, Map<String, String> options, String driver) {
        String gw = subnet.replaceAll("0/\\d+$", "1");
        String id = newId();
        networks.put(id, new DockerNetwork(id, net, driver, options, driver, Map.of(),
                List.of(new DockerNetwork.IpamConfig(subnet, null, gw)), false, false, 0));
        // The plugin's CreateNetwork: the same subnet as an existing network would join it; the tests
        // that need that use the replicator's path, so a user create is a new cluster network.
        directory.put(name, id, id);
        return id;
    }

    /** {@code docker network rm} by a user: Docker's own check, then the plugin's DeleteNetwork. */
    void userRemove(String id, NetworkReplicator plugin) throws Exception {
        if (containers.getOrDefault(id, 0) > 0) {
            throw new IllegalStateException("has active endpoints");
        }
        directory.clusterIdOf(name, id).ifPresent(plugin::markDeleting);
        networks.remove(id);
        directory.remove(name, id);
    }

    String idOf(String net) {
        return networks.values().stream().filter(n -> n.name().equals(net)).map(DockerNetwork::id).findFirst().orElse(null);
    }

    private static String newId() {
        return String.format("%064x", IDS.incrementAndGet());
    }

    private void up() throws IOException {
        if (down) {
            throw new java.net.ConnectException("dockerd of " + name + " is not running");
        }
    }

    @Override
    public void ping() throws IOException {
        up();
    }

    @Override
    public List<DockerNetwork> listNetworks(String driver) throws IOException {
        up();
        List<DockerNetwork> out = new ArrayList<>();
        for (DockerNetwork n : networks.values()) {
            if (n.driver().equals(driver)) {
                out.add(new DockerNetwork(n.id(), n.name(), n.driver(), n.options(), n.ipamDriver(), n.ipamOptions(),
                        n.ipam(), n.enableIPv6(), n.internal(), -1, n.enableIPv4()));
            }
        }
        return out;
    }

    @Override
    public Optional<DockerNetwork> inspectNetwork(String id) throws IOException {
        up();
        DockerNetwork n = networks.get(id);
        if (n == null) {
            return Optional.empty();
        }
        return Optional.of(new DockerNetwork(n.id(), n.name(), n.driver(), n.options(), n.ipamDriver(), n.ipamOptions(),
                n.ipam(), n.enableIPv6(), n.internal(), containers.getOrDefault(id, 0), n.enableIPv4()));
    }

    @Override
    public String createNetwork(NetworkCreate c) throws IOException {
        up();
        createCalls.add(c);
        if (idOf(c.name()) != null) {
            throw new DockerApiException(409, "network with name " + c.name() + " already exists");
        }
        String id = newId();
        networks.put(id, new DockerNetwork(id, c.name(), c.driver(), c.options(), c.ipamDriver(), c.ipamOptions(),
                c.ipam(), c.enableIPv6(), c.internal(), 0, c.enableIPv4()));
        directory.put(name, id, c.options().getOrDefault(ClusterNetwork.CLUSTER_ID_OPTION, id));
        return id;
    }

    @Override
    public void removeNetwork(String id) throws IOException {
        up();
        if (containers.getOrDefault(id, 0) > 0) {
            throw new DockerApiException(403, "error while removing network: network " + id + " has active endpoints");
        }
        networks.remove(id);
        directory.remove(name, id); // the plugin's DeleteNetwork
    }
}
