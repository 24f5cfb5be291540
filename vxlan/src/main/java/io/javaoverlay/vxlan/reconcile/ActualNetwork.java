package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Neighbor;

import java.util.List;
import java.util.Optional;

/**
 * What the kernel holds for one network: every link that carries the network's ownership alias
 * or one of its device names, and the FDB and neighbour tables of its vxlan device (empty when
 * that device does not exist).
 */
public record ActualNetwork(List<Link> links, List<FdbEntry> fdb, List<Neighbor> neighbors) {
    public ActualNetwork {
        links = List.copyOf(links);
        fdb = List.copyOf(fdb);
        neighbors = List.copyOf(neighbors);
    }

    /** Nothing in the kernel. */
    public static ActualNetwork empty() {
        return new ActualNetwork(List.of(), List.of(), List.of());
    }

    /** The link called {@code name}, if present. */
    public Optional<Link> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }
}
