package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Link;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Start-up cleanup of devices a previous life left behind. Only owned devices are candidates:
 * those whose alias starts with {@code javaoverlay:}, or (alias absent) whose name has one of our
 * shapes ({@code jo-br-N}, {@code jo-vx-N}, {@code jo-h-X}). A device with any other alias is
 * someone else's and is never touched, whatever its name.
 */
public final class GarbageCollector {
    private GarbageCollector() {}

    /**
     * Plans the deletions (host ends first, then vxlan, then bridges).
     *
     * @param links          every link in the namespace
     * @param networks       IDs of networks that exist in the store
     * @param localEndpoints network ID → IDs of its endpoints recorded on this host
     * @param vniOwners      VNI → network ID, for name-only devices
     */
    public static List<Action> plan(List<Link> links, Set<String> networks, Map<String, Set<String>> localEndpoints,
                                    Map<Integer, String> vniOwners) {
        List<Action> ports = new ArrayList<>();
        List<Action> vxlans = new ArrayList<>();
        List<Action> bridges = new ArrayList<>();
        for (Link l : links) {
            Optional<String> reason = reason(l, networks, localEndpoints, vniOwners);
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

    private static Optional<String> reason(Link l, Set<String> networks, Map<String, Set<String>> localEndpoints,
                                           Map<Integer, String> vniOwners) {
        Optional<String> alias = l.attrs().alias().filter(a -> !a.isEmpty());
        Optional<DeviceNames.Owner> owner = DeviceNames.parseAlias(alias);
        if (owner.isPresent()) {
            String nid = owner.get().networkId();
            if (!networks.contains(nid)) {
                return Optional.of("network " + nid + " no longer exists");
            }
            Optional<String> eid = owner.get().endpointId();
            if (eid.isPresent() && !localEndpoints.getOrDefault(nid, Set.of()).contains(eid.get())) {
                return Optional.of("endpoint " + eid.get() + " no longer exists on this host");
            }
            return Optional.empty();
        }
        if (alias.isPresent() || !DeviceNames.hasOwnedName(l.name())) {
            return Optional.empty(); // foreign
        }
        Optional<Integer> vni = DeviceNames.vniOf(l.name());
        if (vni.isPresent()) {
            return vniOwners.containsKey(vni.get()) ? Optional.empty()
                    : Optional.of("no network holds VNI " + vni.get());
        }
        if (DeviceNames.isHostEnd(l.name())) {
            // Join sets the alias right after creating the pair: without it the Join never finished.
            return Optional.of("host end of an unfinished Join");
        }
        return Optional.empty();
    }
}
