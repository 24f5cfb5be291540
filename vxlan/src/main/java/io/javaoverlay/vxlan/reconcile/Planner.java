package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Link;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pure heart of the reconciler: {@code plan(desired, actual) → actions}. No I/O, no clock;
 * the same inputs always give the same list. The rules (package design note):
 * <ul>
 *   <li>local ports (host ends carrying the network's alias) are never removed here: only an explicit
 *       local action (DeleteEndpoint) removes them;</li>
 *   <li>the bridge and vxlan device exist exactly while a local port exists; with none, they are
 *       torn down, whatever the store says;</li>
 *   <li>ports present but the network record absent, or no endpoint record at all: <b>freeze</b>, an
 *       empty plan (the store lost data, or this host reads the wrong one);</li>
 *   <li>otherwise converge: devices, ports on the bridge, learning off on the vxlan port, the
 *       tables ({@link TablePlanner}) and, with BUM replication, unicast flooding off on the vxlan port.</li>
 * </ul>
 * Order when converging: refusals, deletes of devices in the way (vxlan before bridge), then bridge
 * → vxlan → MTU/alias fixes → master → up → learning → FDB → replication list → neighbours → stale
 * entries → unicast flooding.
 */
public final class Planner {
    private Planner() {}

    /** Plans the changes that make {@code actual} match {@code desired} for network {@code networkId}. */
    public static List<Action> plan(String networkId, Optional<DesiredNetwork> desired, ActualNetwork actual) {
        if (freezeReason(networkId, desired, actual).isPresent()) {
            return List.of();
        }
        List<Link> ports = actual.ports(networkId);
        if (ports.isEmpty()) {
            return teardown(networkId, actual);
        }
        return converge(desired.orElseThrow(), actual, ports);
    }

    /**
     * Why a pass must leave the network's kernel state alone, if it must: this host has ports in the
     * network but the store has no record of the network, or no endpoint record of it at all (not
     * even this host's). Either means lost or unreadable data, never an instruction to tear down.
     */
    public static Optional<String> freezeReason(String networkId, Optional<DesiredNetwork> desired,
                                                ActualNetwork actual) {
        int ports = actual.ports(networkId).size();
        if (ports == 0) {
            return Optional.empty();
        }
        if (desired.isEmpty()) {
            return Optional.of("the store has no record of network " + networkId + " while this host has " + ports
                    + " container interface(s) on it");
        }
        if (desired.get().records() == 0) {
            return Optional.of("the store has no endpoint record of network " + networkId + " (not even this host's)"
                    + " while this host has " + ports + " container interface(s) on it");
        }
        return Optional.empty();
    }

    /** No local port: the network's bridge and vxlan device go (vxlan first). */
    private static List<Action> teardown(String networkId, ActualNetwork actual) {
        List<Action> vxlans = new ArrayList<>();
        List<Action> bridges = new ArrayList<>();
        String reason = "no local endpoint of network " + networkId + " is left on this host";
        for (Link l : actual.links()) {
            Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(l.attrs().alias());
            if (owner.isEmpty() || !owner.get().networkId().equals(networkId) || owner.get().endpointId().isPresent()) {
                continue;
            }
            Action del = new Action.DeleteLink(l.name(), l.index(), reason);
            if ("bridge".equals(l.kind())) {
                bridges.add(del);
            } else {
                vxlans.add(del);
            }
        }
        List<Action> out = new ArrayList<>(vxlans);
        out.addAll(bridges);
        return out;
    }

    private static List<Action> converge(DesiredNetwork d, ActualNetwork actual, List<Link> ports) {
        String brName = d.bridgeName();
        String vxName = d.vxlanName();
        String alias = DeviceNames.networkAlias(d.networkId());
        List<Action> refusals = new ArrayList<>();
        List<Action> deletes = new ArrayList<>();
        List<Action> creates = new ArrayList<>();
        List<Action> fixes = new ArrayList<>();
        List<Action> masters = new ArrayList<>();
        List<Action> ups = new ArrayList<>();
        List<Action> learning = new ArrayList<>();

        // Devices of this network under other names (an earlier VNI): the ports move to the new bridge.
        for (Link l : actual.links()) {
            Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(l.attrs().alias());
            if (owner.isPresent() && owner.get().networkId().equals(d.networkId()) && owner.get().endpointId().isEmpty()
                    && !l.name().equals(brName) && !l.name().equals(vxName)) {
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
        boolean vxUsable = refusals.isEmpty();
        if (vxNew) {
            creates.add(wantVx);
        } else if (vxUsable) {
            fixAttrs(vx.get(), d.mtu(), alias, fixes);
        }

        // Enslave, bring up, no learning on the vxlan port: a new bridge has a new ifindex, so every
        // port must be re-enslaved, and a port enslaved afresh starts with learning on.
        int brIndex = brNew ? -1 : br.get().index();
        boolean vxEnslave = vxUsable && (vxNew || vx.get().attrs().masterIndex() != brIndex);
        if (vxEnslave) {
            masters.add(new Action.SetMaster(vxName, brName));
        }
        if (brNew || !br.get().attrs().up()) {
            ups.add(new Action.SetUp(brName));
        }
        if (vxUsable && (vxNew || !vx.get().attrs().up())) {
            ups.add(new Action.SetUp(vxName));
        }
        if (vxUsable && (vxEnslave || actual.vxlanLearning().orElse(false))) {
            learning.add(new Action.SetLearning(vxName, false));
        }
        for (Link port : ports) {
            Optional<String> foreign = Compat.foreignOwner(port);
            if (foreign.isPresent()) {
                refusals.add(new Action.Refuse(port.name(), foreign.get()));
                continue;
            }
            fixAttrs(port, d.mtu(), port.attrs().alias().orElse(""), fixes);
            if (port.attrs().masterIndex() != brIndex) {
                masters.add(new Action.SetMaster(port.name(), brName));
            }
            if (!port.attrs().up()) {
                ups.add(new Action.SetUp(port.name()));
            }
        }

        List<Action> out = new ArrayList<>(refusals);
        out.addAll(deletes);
        out.addAll(creates);
        out.addAll(fixes);
        out.addAll(masters);
        out.addAll(ups);
        out.addAll(learning);
        if (vxUsable) {
            TablePlanner.plan(d, vxNew ? ActualNetwork.empty() : actual, out);
        }
        // With replication, unknown unicast must not reach the vxlan port (it would be copied to every
        // host); the static bridge entries planned above are how the bridge reaches remote MACs. Last,
        // so that they exist first. A port enslaved afresh starts with flooding on.
        if (vxUsable && d.replicateBum() && (vxEnslave || actual.vxlanUnicastFlood().orElse(false))) {
            out.add(new Action.SetUnicastFlood(vxName, false));
        }
        return out;
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
