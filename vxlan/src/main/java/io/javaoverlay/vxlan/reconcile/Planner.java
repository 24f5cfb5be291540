package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.LocalPort;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork.Peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The pure heart of the reconciler: {@code plan(desired, actual) → actions}. No I/O, no clock;
 * the same inputs always give the same list. Order: deletes of devices in the way (vxlan before
 * bridge), then bridge → vxlan → MTU/alias fixes → master → up → FDB → neighbours, then removal
 * of stale neighbour and FDB entries and of host ends whose endpoint left.
 */
public final class Planner {
    private Planner() {}

    /**
     * Plans the changes that make {@code actual} match {@code desired} for network
     * {@code networkId}. An empty {@code desired} tears down everything that carries the network's
     * alias.
     */
    public static List<Action> plan(String networkId, Optional<DesiredNetwork> desired, ActualNetwork actual) {
        return desired.isEmpty() ? teardown(networkId, actual) : converge(desired.get(), actual);
    }

    private static List<Action> teardown(String networkId, ActualNetwork actual) {
        List<Action> ports = new ArrayList<>();
        List<Action> vxlans = new ArrayList<>();
        List<Action> bridges = new ArrayList<>();
        String reason = "network " + networkId + " is gone or has no local endpoint";
        for (Link l : actual.links()) {
            Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(l.attrs().alias());
            if (owner.isEmpty() || !owner.get().networkId().equals(networkId)) {
                continue;
            }
            Action del = new Action.DeleteLink(l.name(), l.index(), reason);
            if (owner.get().endpointId().isPresent()) {
                ports.add(del);
            } else if ("bridge".equals(l.kind())) {
                bridges.add(del);
            } else {
                vxlans.add(del);
            }
        }
        List<Action> out = new ArrayList<>(ports);
        out.addAll(vxlans);
        out.addAll(bridges);
        return out;
    }

    private static List<Action> converge(DesiredNetwork d, ActualNetwork actual) {
        String brName = d.bridgeName();
        String vxName = d.vxlanName();
        String alias = DeviceNames.networkAlias(d.networkId());
        List<Action> refusals = new ArrayList<>();
        List<Action> deletes = new ArrayList<>();
        List<Action> creates = new ArrayList<>();
        List<Action> fixes = new ArrayList<>();
        List<Action> masters = new ArrayList<>();
        List<Action> ups = new ArrayList<>();
        List<Action> portDeletes = new ArrayList<>();

        Map<String, LocalPort> portsByEid = new LinkedHashMap<>();
        d.ports().forEach(p -> portsByEid.put(p.endpointId(), p));
        for (Link l : actual.links()) {
            Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(l.attrs().alias());
            if (owner.isEmpty() || !owner.get().networkId().equals(d.networkId())) {
                continue;
            }
            Optional<String> eid = owner.get().endpointId();
            if (eid.isPresent()) {
                LocalPort p = portsByEid.get(eid.get());
                if (p == null || !p.hostEnd().equals(l.name())) {
                    portDeletes.add(new Action.DeleteLink(l.name(), l.index(),
                            "endpoint " + eid.get() + " is no longer on this host"));
                }
            } else if (!l.name().equals(brName) && !l.name().equals(vxName)) {
                deletes.add(new Action.DeleteLink(l.name(), l.index(), "stale device of network " + d.networkId()));
            }
        }

        // Bridge.
        Optional<Link> br = actual.link(brName);
        boolean brNew = br.isEmpty();
        Action brDelete = null;
        if (br.isPresent()) {
            Optional<String> foreign = Compat.foreignOwner(br.get());
            if (foreign.isPresent()) {
                return List.of(new Action.Refuse(brName, foreign.get()));
            }
            Optional<String> reason = Compat.bridgeIncompat(br.get()).or(() -> otherNetwork(br.get(), d.networkId()));
            if (reason.isPresent()) {
                brDelete = new Action.DeleteLink(brName, br.get().index(), reason.get());
                brNew = true;
            }
        }
        if (brNew) {
            creates.add(new Action.CreateBridge(brName, d.mtu(), alias));
        } else {
            fixAttrs(br.get(), d.mtu(), alias, fixes);
        }

        // VXLAN device.
        Action.CreateVxlan wantVx = new Action.CreateVxlan(vxName, d.vni(), d.vtep(), d.port(), d.underlayIndex(),
                d.mtu(), alias);
        Optional<Link> vx = actual.link(vxName);
        boolean vxNew = vx.isEmpty();
        if (vx.isPresent()) {
            Optional<String> foreign = Compat.foreignOwner(vx.get());
            if (foreign.isPresent()) {
                refusals.add(new Action.Refuse(vxName, foreign.get()));
            } else {
                Optional<String> reason = Compat.vxlanIncompat(vx.get(), wantVx)
                        .or(() -> otherNetwork(vx.get(), d.networkId()));
                if (reason.isPresent()) {
                    deletes.add(0, new Action.DeleteLink(vxName, vx.get().index(), reason.get()));
                    vxNew = true;
                }
            }
        }
        if (brDelete != null) {
            deletes.add(brDelete);
        }
        if (vxNew) {
            creates.add(wantVx);
        } else if (refusals.isEmpty()) {
            fixAttrs(vx.get(), d.mtu(), alias, fixes);
        }

        // Enslave and bring up: a new bridge has a new ifindex, so every port must be re-enslaved.
        int brIndex = brNew ? -1 : br.get().index();
        if (refusals.isEmpty() && (vxNew || vx.get().attrs().masterIndex() != brIndex)) {
            masters.add(new Action.SetMaster(vxName, brName));
        }
        if (brNew || !br.get().attrs().up()) {
            ups.add(new Action.SetUp(brName));
        }
        if (refusals.isEmpty() && (vxNew || !vx.get().attrs().up())) {
            ups.add(new Action.SetUp(vxName));
        }
        for (LocalPort p : d.ports()) {
            Optional<Link> port = actual.link(p.hostEnd());
            if (port.isEmpty()) {
                continue; // Join creates it; the reconciler cannot recreate a container's interface
            }
            Optional<String> foreign = Compat.foreignOwner(port.get());
            if (foreign.isPresent()) {
                refusals.add(new Action.Refuse(p.hostEnd(), foreign.get()));
                continue;
            }
            fixAttrs(port.get(), d.mtu(), DeviceNames.endpointAlias(d.networkId(), p.endpointId()), fixes);
            if (port.get().attrs().masterIndex() != brIndex) {
                masters.add(new Action.SetMaster(p.hostEnd(), brName));
            }
            if (!port.get().attrs().up()) {
                ups.add(new Action.SetUp(p.hostEnd()));
            }
        }

        List<Action> out = new ArrayList<>(refusals);
        out.addAll(deletes);
        out.addAll(creates);
        out.addAll(fixes);
        out.addAll(masters);
        out.addAll(ups);
        if (refusals.stream().noneMatch(a -> ((Action.Refuse) a).name().equals(vxName))) {
            planTables(d, vxNew ? ActualNetwork.empty() : actual, out);
        }
        out.addAll(portDeletes);
        return out;
    }

    /** FDB and neighbour entries: REPLACE what is missing or different, delete what nobody wants. */
    private static void planTables(DesiredNetwork d, ActualNetwork actual, List<Action> out) {
        String vxName = d.vxlanName();
        // The first endpoint (by ID) wins a duplicated MAC or IP: deterministic, and flapping
        // between two stale claims would be worse than keeping one.
        Map<MacAddress, IpAddress> fdb = new LinkedHashMap<>();
        Map<IpAddress, MacAddress> neigh = new LinkedHashMap<>();
        for (Peer p : d.peers()) {
            fdb.putIfAbsent(p.mac(), p.vtep());
            p.ips().forEach(ip -> neigh.putIfAbsent(ip, p.mac()));
        }
        List<FdbEntry> selfEntries = actual.fdb().stream()
                .filter(e -> (e.flags() & FdbEntry.NTF_SELF) != 0 && e.destination().isPresent())
                .toList();
        // Hash lookups keep a pass linear in the number of peers (10k peers: see BENCHMARK-RESULTS.md).
        Set<List<Object>> fdbPresent = new HashSet<>();
        for (FdbEntry e : selfEntries) {
            if (e.isPermanent()) {
                fdbPresent.add(List.of(e.mac(), e.destination().get()));
            }
        }
        Map<IpAddress, MacAddress> neighPresent = new HashMap<>();
        for (Neighbor n : actual.neighbors()) {
            if (n.isPermanent() && n.mac() != null) {
                neighPresent.put(n.ip(), n.mac());
            }
        }
        List<Action> stale = new ArrayList<>();
        fdb.forEach((mac, vtep) -> {
            if (!fdbPresent.contains(List.of(mac, vtep))) {
                out.add(new Action.FdbReplace(vxName, mac, vtep));
            }
        });
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
                stale.add(new Action.FdbDelete(vxName, e.mac(), e.destination()));
            }
        }
        out.addAll(stale);
    }

    private static void fixAttrs(Link link, int mtu, String alias, List<Action> fixes) {
        if (link.attrs().mtu() != mtu) {
            fixes.add(new Action.SetMtu(link.name(), mtu));
        }
        if (!link.attrs().alias().map(alias::equals).orElse(false)) {
            fixes.add(new Action.SetAlias(link.name(), alias));
        }
    }

    private static Optional<String> otherNetwork(Link link, String networkId) {
        return DeviceNames.parseAlias(link.attrs().alias())
                .filter(o -> !o.networkId().equals(networkId))
                .map(o -> link.name() + " is left over from network " + o.networkId());
    }
}
