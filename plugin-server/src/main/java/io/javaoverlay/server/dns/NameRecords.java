package io.javaoverlay.server.dns;

import io.javaoverlay.server.docker.ContainerInspect;
import io.javaoverlay.types.IpAddress;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds what the resolver needs from Docker's view of one local container: its
 * {@link NameRecord}s (one per javaoverlay network) and its {@link LocalContainerIndex.Entry}.
 * The daemon's Docker watcher calls these after inspecting a container; the map of javaoverlay
 * networks (Docker network ID on this host → cluster identity) comes from vxlan's
 * {@code netalias/} records.
 */
public final class NameRecords {
    private static final System.Logger LOG = System.getLogger(NameRecords.class.getName());

    /** A javaoverlay network as the resolver sees it. */
    public record OverlayNetwork(String clusterNetworkId, String name) {
    }

    private NameRecords() {
    }

    /**
     * The name records of {@code c} on the javaoverlay networks in {@code overlays} (keyed by this
     * host's Docker network ID). A stopped container has none: its name must stop resolving.
     */
    public static List<NameRecord> of(String hostId, ContainerInspect c, Map<String, OverlayNetwork> overlays) {
        List<NameRecord> out = new ArrayList<>();
        if (!c.running()) {
            return out;
        }
        for (Map.Entry<String, ContainerInspect.Attachment> e : c.networks().entrySet()) {
            ContainerInspect.Attachment a = e.getValue();
            OverlayNetwork net = overlays.get(a.networkId());
            if (net == null || a.endpointId().isEmpty() || (a.ipv4() == null && a.ipv6() == null)) {
                continue;
            }
            try {
                out.add(new NameRecord(net.clusterNetworkId(), net.name(), a.endpointId(), hostId, c.id(), c.name(),
                        a.aliases(), a.ipv4(), a.ipv6()));
            } catch (IllegalArgumentException bad) {
                LOG.log(Level.WARNING, "container " + c.name() + " on network " + net.name()
                        + " gets no DNS name: " + bad.getMessage());
            }
        }
        return out;
    }

    /**
     * The resolver's view of {@code c}: its javaoverlay networks, and the addresses its queries
     * come from (its docker_gwbridge address {@code gateway}, if known, and its overlay addresses).
     * Empty when the container is on no javaoverlay network.
     */
    public static Optional<LocalContainerIndex.Entry> entry(ContainerInspect c, Map<String, OverlayNetwork> overlays,
                                                            IpAddress gateway) {
        return entry(c, overlays, gateway == null ? List.of() : List.of(gateway));
    }

    /**
     * Like {@link #entry(ContainerInspect, Map, IpAddress)} with every address the container's queries
     * may come from besides its overlay addresses: docker_gwbridge's, and those on other networks (a
     * container also on a bridge network queries from its bridge address).
     */
    public static Optional<LocalContainerIndex.Entry> entry(ContainerInspect c, Map<String, OverlayNetwork> overlays,
                                                            java.util.Collection<IpAddress> otherSources) {
        Set<String> nets = new HashSet<>();
        Set<IpAddress> sources = new LinkedHashSet<>(otherSources); // the gateway's address may also be listed
        for (ContainerInspect.Attachment a : c.networks().values()) {
            OverlayNetwork net = overlays.get(a.networkId());
            if (net == null) {
                continue;
            }
            nets.add(net.clusterNetworkId());
            if (a.ipv4() != null) {
                sources.add(a.ipv4());
            }
            if (a.ipv6() != null) {
                sources.add(a.ipv6());
            }
        }
        if (nets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LocalContainerIndex.Entry(
                new LocalContainers.LocalContainer(c.id(), c.name(), nets), List.copyOf(sources)));
    }
}
