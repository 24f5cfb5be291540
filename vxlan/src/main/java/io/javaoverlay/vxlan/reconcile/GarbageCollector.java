package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Start-up cleanup of devices a previous life left behind, on the kernel's evidence alone: the
 * store is never consulted, so an empty or unreachable store cannot start a teardown. Only owned
 * devices are candidates: those whose alias starts with {@code javaoverlay:}, or (alias absent)
 * whose name has one of our shapes. A device with any other alias is someone else's and is never
 * touched, whatever its name.
 * <ul>
 *   <li>a host end with its alias ({@code javaoverlay:<nid>/<eid>}) stays: it goes only by an explicit
 *       DeleteEndpoint (or the cluster layer's stale-endpoint rule);</li>
 *   <li>a host end without alias is an unfinished Join (Join sets the alias right after creating
 *       the pair) and goes;</li>
 *   <li>a bridge or vxlan device goes when its network has no local port: by alias, no host end of
 *       that network; by name only ({@code jo-br-N}, {@code jo-vx-N}, half-created), no port with an
 *       alias on {@code jo-br-N}.</li>
 * </ul>
 */
public final class GarbageCollector {
    private GarbageCollector() {}

    /**
     * Plans the deletions (host ends first, then vxlan, then bridges).
     *
     * @param links the owned links of the namespace (more do no harm: foreign ones are skipped)
     */
    public static List<Action> plan(List<Link> links) {
        Set<String> networksWithPorts = new HashSet<>();
        Set<Integer> mastersOfPorts = new HashSet<>();
        Map<String, Integer> bridgeIndexByName = new HashMap<>();
        for (Link l : links) {
            Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(l.attrs().alias());
            if (owner.isPresent() && owner.get().endpointId().isPresent()) {
                networksWithPorts.add(owner.get().networkId());
                if (l.attrs().masterIndex() > 0) {
                    mastersOfPorts.add(l.attrs().masterIndex());
                }
            }
            if ("bridge".equals(l.kind())) {
                bridgeIndexByName.put(l.name(), l.index());
            }
        }
        List<Action> ports = new ArrayList<>();
        List<Action> vxlans = new ArrayList<>();
        List<Action> bridges = new ArrayList<>();
        for (Link l : links) {
            Optional<String> reason = reason(l, networksWithPorts, mastersOfPorts, bridgeIndexByName);
            if (reason.isEmpty()) {
                continue;
            }
            Action del = new Action.DeleteLink(l.name(), l.index(), reason.get());
            if ("bridge".equals(l.kind())) {
                bridges.add(del);
            } else if ("vxlan".equals(l.kind())) {
                vxlans.add(del);
            } else {
                ports.add(del);
            }
        }
        List<Action> out = new ArrayList<>(ports);
        out.addAll(vxlans);
        out.addAll(bridges);
        return out;
    }

    private static Optional<String> reason(Link l, Set<String> networksWithPorts, Set<Integer> mastersOfPorts,
                                           Map<String, Integer> bridgeIndexByName) {
        Optional<String> alias = l.attrs().alias().filter(a -> !a.isEmpty());
        Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(alias);
        if (owner.isPresent()) {
            if (owner.get().endpointId().isPresent()) {
                return Optional.empty(); // a container's interface: only an explicit removal takes it
            }
            String nid = owner.get().networkId();
            return networksWithPorts.contains(nid) ? Optional.empty()
                    : Optional.of("network " + nid + " has no local endpoint on this host");
        }
        if (alias.isPresent() || !DeviceNames.hasOwnedName(l.name())) {
            return Optional.empty(); // foreign
        }
        Optional<Integer> vni = DeviceNames.vniOf(l.name());
        if (vni.isPresent()) {
            Integer bridge = bridgeIndexByName.get(DeviceNames.bridge(vni.get()));
            return bridge != null && mastersOfPorts.contains(bridge) ? Optional.empty()
                    : Optional.of("half-created device of VNI " + vni.get() + " without local endpoints");
        }
        if (DeviceNames.isHostEnd(l.name())) {
            // Join sets the alias right after creating the pair: without it the Join never finished.
            return Optional.of("host end of an unfinished Join");
        }
        return Optional.empty();
    }
}
