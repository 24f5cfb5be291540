package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the kernel of this host should hold for one network, derived from the store: the
 * bridge/vxlan pair, the host ends of local endpoints, and one FDB + neighbour entry set per
 * remote endpoint. Only exists while the host has at least one local endpoint in the network.
 *
 * @param mtu           container MTU (vxlan, bridge and both veth ends)
 * @param vtep          our VTEP address ({@code local} of the vxlan device)
 * @param underlayIndex ifindex of the underlay device, 0 for none
 * @param ports         local endpoints, sorted by endpoint ID
 * @param peers         remote endpoints, sorted by endpoint ID
 */
public record DesiredNetwork(String networkId, int vni, int mtu, IpAddress vtep, int port, int underlayIndex,
                             List<LocalPort> ports, List<Peer> peers) {

    public DesiredNetwork {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(vtep, "vtep");
        ports = List.copyOf(ports);
        peers = List.copyOf(peers);
    }

    /** A local endpoint: its host-end veth should be on the bridge. */
    public record LocalPort(String endpointId, String hostEnd) {}

    /** A remote endpoint: MAC behind {@code vtep}, answering for {@code ips}. */
    public record Peer(String endpointId, MacAddress mac, IpAddress vtep, List<IpAddress> ips) {
        public Peer {
            ips = List.copyOf(ips);
        }
    }

    /** The bridge name, {@code jo-br-<vni>}. */
    public String bridgeName() {
        return DeviceNames.bridge(vni);
    }

    /** The vxlan device name, {@code jo-vx-<vni>}. */
    public String vxlanName() {
        return DeviceNames.vxlan(vni);
    }

    /**
     * Derives the desired state of {@code network} on host {@code hostId}. Empty when the network
     * is gone or none of its endpoints is on this host (the data plane is created lazily).
     * Endpoints on another host that report our own VTEP are ignored: tunnelling to ourselves
     * cannot work and usually means two hosts share a host ID or address.
     */
    public static Optional<DesiredNetwork> derive(Optional<NetworkRecord> network, List<EndpointRecord> endpoints,
                                                  String hostId, IpAddress vtep, int port, int underlayIndex,
                                                  int mtu) {
        if (network.isEmpty()) {
            return Optional.empty();
        }
        List<EndpointRecord> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointRecord::endpointId));
        List<LocalPort> ports = new ArrayList<>();
        List<Peer> peers = new ArrayList<>();
        for (EndpointRecord ep : sorted) {
            if (ep.hostId().equals(hostId)) {
                ports.add(new LocalPort(ep.endpointId(), DeviceNames.hostEnd(ep.endpointId())));
                continue;
            }
            IpAddress remote = ep.vtep();
            if (remote.equals(vtep)) {
                continue;
            }
            List<IpAddress> ips = new ArrayList<>();
            ep.ipv4Prefix().map(IpPrefix::address).ifPresent(ips::add);
            ep.ipv6Prefix().map(IpPrefix::address).ifPresent(ips::add);
            peers.add(new Peer(ep.endpointId(), ep.mac(), remote, ips));
        }
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DesiredNetwork(network.get().networkId(), network.get().vni(), mtu, vtep, port,
                underlayIndex, ports, peers));
    }
}
