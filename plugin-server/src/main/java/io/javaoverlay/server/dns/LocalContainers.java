package io.javaoverlay.server.dns;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * Who is asking: maps the source address of a DNS query to a container on this host.
 *
 * <p>Docker's embedded resolver (127.0.0.11) forwards names it does not know to the servers in
 * daemon.json {@code "dns"} from inside the container's network namespace (moby
 * {@code Resolver.dialExtDNS}, 20.10 to 28.x), so a query reaches javaoverlay's resolver from
 * the container's {@code docker_gwbridge} address. The daemon's Docker watcher knows each local
 * container's gwbridge address (and overlay addresses) and its javaoverlay networks; it keeps
 * an implementation of this interface current ({@link LocalContainerIndex}).
 */
public interface LocalContainers {

    /** A local container and the cluster network IDs of the javaoverlay networks it is on. */
    record LocalContainer(String containerId, String name, Set<String> clusterNetworkIds) {
        public LocalContainer {
            clusterNetworkIds = Set.copyOf(clusterNetworkIds);
        }
    }

    /** The local container that sends from {@code source}, if any. Must be fast and never block. */
    Optional<LocalContainer> bySource(InetAddress source);
}
