package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the store says about one network for this host: its devices' settings and one FDB +
 * neighbour entry set per remote endpoint. Which local ports exist is not the store's to say: the
 * kernel shows them ({@link ActualNetwork#ports}), and whether the devices exist follows from them.
 *
 * @param mtu           container MTU (vxlan, bridge and the host ends)
 * @param vtep          our VTEP address ({@code local} of the vxlan device)
 * @param underlayIndex ifindex of the underlay device, 0 for none
 * @param peers         remote endpoints of hosts not withdrawn, sorted by endpoint ID
 * @param records       how many endpoint records the network has (every host's); 0 while this host
 *                      has ports means the store lost them, and the planner freezes
 */
public record DesiredNetwork(String networkId, int vni, int mtu, IpAddress vtep, int port, int underlayIndex,
                             List<Peer> peers, int records) {

    public DesiredNetwork {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(vtep, "vtep");
        peers = List.copyOf(peers);
    }

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
     * Derives the desired state of {@code network} on host {@code hostId}; empty when the network
     * record is absent. Peers are the endpoints of other hosts, except those of {@code withdrawn}
     * hosts and those that report our own VTEP (tunnelling to ourselves cannot work and usually
     * means two hosts share a host ID or address).
     */
    public static Optional<DesiredNetwork> derive(Optional<NetworkRecord> network, List<EndpointRecord> endpoints,
                                                  String hostId, IpAddress vtep, int port, int underlayIndex,
                                                  int mtu, Set<String> withdrawn) {
        if (network.isEmpty()) {
            return Optional.empty();
        }
        List<EndpointRecord> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointRecord::endpointId));
        List<Peer> peers = new ArrayList<>();
        for (EndpointRecord ep : sorted) {
            if (ep.hostId().equals(hostId) || withdrawn.contains(ep.hostId()) || ep.vtep().equals(vtep)) {
                continue;
            }
            peers.add(new Peer(ep.endpointId(), ep.mac(), ep.vtep(), ep.addresses()));
        }
        return Optional.of(new DesiredNetwork(network.get().networkId(), network.get().vni(), mtu, vtep, port,
                underlayIndex, peers, endpoints.size()));
    }
}
