package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.vxlan.NetworkService;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;

/**
 * The store-dependent half of the daemon, built by a {@link BackendFactory} once the store is
 * reachable.
 *
 * @param ipam      the IPAM service
 * @param network   the network service (not yet started)
 * @param resources closed after the network service, in reverse order (e.g. the KvStore)
 */
public record Backend(IpamService ipam, NetworkService network, List<AutoCloseable> resources) implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Backend.class.getName());

    public Backend {
        Objects.requireNonNull(ipam, "ipam");
        Objects.requireNonNull(network, "network");
        resources = List.copyOf(resources);
    }

    @Override
    public void close() {
        try {
            network.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the network service failed: " + e);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing " + resources.get(i) + " failed: " + e);
            }
        }
    }
}
