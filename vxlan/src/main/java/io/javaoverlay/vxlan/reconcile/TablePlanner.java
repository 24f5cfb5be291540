package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.Peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The forwarding tables of one network's vxlan device, planned from the peers: per remote MAC a
 * {@code self} FDB entry to its VTEP and a {@code master static} bridge entry on the vxlan port; per
 * remote address a permanent neighbour entry. What nobody wants goes: self and neighbour entries of
 * withdrawn peers, static bridge entries of withdrawn peers, and any bridge entry learned on the
 * vxlan port. With BUM replication, one all-zero-MAC {@code self} entry per peer VTEP
 * ({@link DesiredNetwork#floodVteps}, appended after the peers' entries and removed last, so the last
 * broadcast of a leaving host's container still goes out while its unicast entries go); without, none.
 * Hash lookups keep it linear in the number of peers.
 */
final class TablePlanner {
    private TablePlanner() {}

    /** Appends the table actions for {@code d} against {@code actual} to {@code out}. */
    static void plan(DesiredNetwork d, ActualNetwork actual, List<Action> out) {
        String vxName = d.vxlanName();
        // The first endpoint (by ID) wins a duplicated MAC or IP: deterministic, and flapping
        // between two stale claims would be worse than keeping one.
        Map<MacAddress, IpAddress> fdb = new LinkedHashMap<>();
        Map<IpAddress, MacAddress> neigh = new LinkedHashMap<>();
        for (Peer p : d.peers()) {
            fdb.putIfAbsent(p.mac(), p.vtep());
            p.ips().forEach(ip -> neigh.putIfAbsent(ip, p.mac()));
        }
        List<FdbEntry> selfEntries = new ArrayList<>();
        List<FdbEntry> floodEntries = new ArrayList<>();
        List<FdbEntry> bridgeEntries = new ArrayList<>();
        for (FdbEntry e : actual.fdb()) {
            if (e.isSelf() && e.destination().isPresent() && e.isFlood()) {
                floodEntries.add(e); // the replication list: compared by destination below
            } else if (e.isSelf() && e.destination().isPresent()) {
                selfEntries.add(e);
            } else if (!e.isSelf() && e.isMaster() && !e.isPermanent()) {
                bridgeEntries.add(e); // the bridge's own local entry (the port's MAC) is permanent: never ours
            }
        }
        Set<List<Object>> selfPresent = new HashSet<>();
        for (FdbEntry e : selfEntries) {
            if (e.isPermanent()) {
                selfPresent.add(List.of(e.mac(), e.destination().get()));
            }
        }
        Set<MacAddress> staticPresent = new HashSet<>();
        for (FdbEntry e : bridgeEntries) {
            if (e.isStatic()) {
                staticPresent.add(e.mac());
            }
        }
        Map<IpAddress, MacAddress> neighPresent = new HashMap<>();
        for (Neighbor n : actual.neighbors()) {
            if (n.isPermanent() && n.mac() != null) {
                neighPresent.put(n.ip(), n.mac());
            }
        }

        fdb.forEach((mac, vtep) -> {
            if (!selfPresent.contains(List.of(mac, vtep))) {
                out.add(new Action.FdbReplace(vxName, mac, vtep));
            }
        });
        fdb.keySet().forEach(mac -> {
            if (!staticPresent.contains(mac)) {
                out.add(new Action.BridgeFdbReplace(vxName, mac)); // also turns a learned entry static
            }
        });
        Set<IpAddress> floodWanted = new LinkedHashSet<>(d.floodVteps());
        Set<IpAddress> floodPresent = new HashSet<>();
        floodEntries.forEach(e -> floodPresent.add(e.destination().get()));
        for (IpAddress vtep : floodWanted) {
            if (!floodPresent.contains(vtep)) {
                out.add(new Action.FloodAppend(vxName, vtep));
            }
        }
        neigh.forEach((ip, mac) -> {
            if (!mac.equals(neighPresent.get(ip))) {
                out.add(new Action.NeighReplace(vxName, ip, mac));
            }
        });
        for (Neighbor n : actual.neighbors()) {
            // Only permanent entries are ours; the kernel may keep others (e.g. IPv6 multicast).
            if (n.isPermanent() && !neigh.containsKey(n.ip())) {
                out.add(new Action.NeighDelete(vxName, n.ip(), n.mac()));
            }
        }
        for (FdbEntry e : selfEntries) {
            if (!Objects.equals(fdb.get(e.mac()), e.destination().get())) {
                out.add(new Action.FdbDelete(vxName, e.mac(), e.destination()));
            }
        }
        Set<MacAddress> deleted = new HashSet<>();
        for (FdbEntry e : bridgeEntries) {
            if (!fdb.containsKey(e.mac()) && deleted.add(e.mac())) {
                out.add(new Action.BridgeFdbDelete(vxName, e.mac(), e.isDynamic()));
            }
        }
        for (FdbEntry e : floodEntries) {
            if (!floodWanted.contains(e.destination().get())) {
                out.add(new Action.FdbDelete(vxName, e.mac(), e.destination()));
            }
        }
    }
}
