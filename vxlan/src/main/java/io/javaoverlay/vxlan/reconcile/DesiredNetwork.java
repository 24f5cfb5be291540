package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.NetworkOptions;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
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
 * @param replicateBum  {@code javaoverlay.bum=replicate}: broadcast, multicast and unknown-unicast frames
 *                      go to every peer VTEP ({@link #floodVteps}); the vxlan bridge port floods no
 *                      unknown unicast
 */
public record DesiredNetwork(String networkId, int vni, int mtu, IpAddress vtep, int port, int underlayIndex,
                             List<Peer> peers, int records, boolean replicateBum) {

    public DesiredNetwork {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(vtep, "vtep");
        peers = List.copyOf(peers);
    }

    /** A network without BUM replication. */
    public DesiredNetwork(String networkId, int vni, int mtu, IpAddress vtep, int port, int underlayIndex,
                          List<Peer> peers, int records) {
        this(networkId, vni, mtu, vtep, port, underlayIndex, peers, records, false);
    }

    /** The distinct VTEPs of the peers: every host this network sends to from here. */
    public Set<IpAddress> peerVteps() {
        Set<IpAddress> out = new HashSet<>();
        peers.forEach(p -> out.add(p.vtep()));
        return Set.copyOf(out);
    }

    /**
     * The head-end replication list: the distinct VTEPs of the peers, in address order, when BUM
     * replication is on (else none). Only hosts with an endpoint in the network are in it, so its
     * size follows the network, not the cluster. A VTEP of the other address family than ours is
     * left out: a vxlan device cannot send to it (the kernel refuses the entry).
     */
    public List<IpAddress> floodVteps() {
        if (!replicateBum) {
            return List.of();
        }
        java.util.TreeSet<IpAddress> out = new java.util.TreeSet<>();
        for (Peer p : peers) {
            if (p.vtep().v6() == vtep.v6()) {
                out.add(p.vtep());
            }
        }
        return List.copyOf(out);
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
        boolean replicate = NetworkOptions.bumOf(network.get().options()) == NetworkOptions.Bum.REPLICATE;
        return Optional.of(new DesiredNetwork(network.get().networkId(), network.get().vni(), mtu, vtep, port,
                underlayIndex, peers, endpoints.size(), replicate));
    }
}
