package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Neighbor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the kernel holds for one network: the links that carry the network's ownership alias or one
 * of its device names, the FDB of its vxlan device (the device's own {@code self} entries and the
 * bridge's entries on that port) and its neighbour table (both empty when the device does not
 * exist), and whether the bridge learns on and floods unknown unicast to the vxlan port (empty when not read in
 * this pass).
 *
 * @param vxlanLearning      IFLA_BRPORT_LEARNING of the vxlan port, when read
 * @param vxlanUnicastFlood  IFLA_BRPORT_UNICAST_FLOOD of the vxlan port, when read
 */
public record ActualNetwork(List<Link> links, List<FdbEntry> fdb, List<Neighbor> neighbors,
                            Optional<Boolean> vxlanLearning, Optional<Boolean> vxlanUnicastFlood) {
    public ActualNetwork {
        links = List.copyOf(links);
        fdb = List.copyOf(fdb);
        neighbors = List.copyOf(neighbors);
        vxlanLearning = Objects.requireNonNullElse(vxlanLearning, Optional.empty());
        vxlanUnicastFlood = Objects.requireNonNullElse(vxlanUnicastFlood, Optional.empty());
    }

    /** Links, tables and the learning switch; the unicast-flood switch not read. */
    public ActualNetwork(List<Link> links, List<FdbEntry> fdb, List<Neighbor> neighbors,
                         Optional<Boolean> vxlanLearning) {
        this(links, fdb, neighbors, vxlanLearning, Optional.empty());
    }

    /** Links and tables, the port setting not read. */
    public ActualNetwork(List<Link> links, List<FdbEntry> fdb, List<Neighbor> neighbors) {
        this(links, fdb, neighbors, Optional.empty());
    }

    /** Nothing in the kernel. */
    public static ActualNetwork empty() {
        return new ActualNetwork(List.of(), List.of(), List.of());
    }

    /** The link called {@code name}, if present. */
    public Optional<Link> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /**
     * The network's local ports: host ends whose alias names {@code networkId} and an endpoint
     * ({@code javaoverlay:<networkId>/<endpointId>}). Their existence is what keeps the network's
     * bridge and vxlan device; only an explicit local action removes them.
     */
    public List<Link> ports(String networkId) {
        // A prefix test, not DeviceNames.parseAlias(..) and its substrings: a pass asks this several times
        // over every link of the host.
        String portPrefix = DeviceNames.portAliasPrefix(networkId);
        return links.stream().filter(l -> l.attrs().alias().map(a -> a.startsWith(portPrefix)).orElse(false)).toList();
    }
}
