package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.NotSupportedException;
import io.javaoverlay.types.MacAddress;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fast path: a container's unicast frames to and from other hosts bypass the bridge, and with it
 * br_netfilter, which sends every bridged frame of the host namespace through Docker's iptables rules
 * and conntrack (docs/perf-notes.md: the whole gap to Docker's overlay, whose bridge sits in a
 * namespace of its own). Two sets of tc ingress filters per network, mirroring what the bridge would
 * do with the entries the reconciler programs:
 * <ul>
 *   <li>the ports' {@code clsact} ingress share one filter block ({@link #block(int)}): a frame to a
 *       remote endpoint's MAC (one the bridge has a static entry for on the vxlan port) is redirected
 *       to the vxlan device;</li>
 *   <li>the vxlan device's ingress redirects a frame to a local container's MAC to that container's
 *       port.</li>
 * </ul>
 * Everything else takes the bridge as before: ARP, broadcast and multicast, traffic between local
 * containers, and frames to any MAC the filters do not name (a second MAC inside a container, a MAC
 * no record has). So a missing filter costs speed, never frames, and a stale one does what the stale
 * bridge entry it mirrors would. A Join removes a redirect of its own MAC from the block (a remote
 * endpoint that had the same address, hence the same MAC, and whose removal this host has not seen
 * yet), so that the container's first frames from its local neighbours reach it ({@link #addPort}).
 *
 * <p>Not for networks with more than {@link #MAX_FILTERS} remote endpoints or ports here: the filters
 * are evaluated in order, so each frame's cost grows with their number. Such a network has no filters,
 * and the bridge carries everything. A kernel without the clsact qdisc, the u32 classifier or the
 * mirred action turns the fast path off for the daemon's life, with one warning. Any other failure
 * takes the network's filters away (the bridge carries on) and is logged once; the next pass tries
 * again.
 *
 * <p>Like the rest of a network's kernel state, the calls for one network are serialised on its
 * reconciler.
 */
public final class FastPath {
    private static final System.Logger LOG = System.getLogger(FastPath.class.getName());
    /** Block indexes of javaoverlay networks: this plus the VNI (VNIs are below 2^24, unique in the cluster). */
    static final int BLOCK_BASE = 0x6a000000;
    /** Most remote endpoints, and most local ports, for which a network gets the fast path. */
    static final int MAX_FILTERS = 64;
    /** Highest filter priority used. */
    static final int MAX_PRIORITY = 65000;

    /** A local port: its host end and its container's MAC (null when no record of this host names it). */
    public record Port(int ifindex, MacAddress mac) {}

    private final NetlinkHandle handle;
    private final boolean enabled;
    /** Why the kernel cannot do it, once found out. */
    private volatile String unsupported;
    /** Networks known to have no filters (after a teardown); any other may have some, e.g. from an earlier run. */
    private final Set<String> knownClean = ConcurrentHashMap.newKeySet();
    /** Per network: port ifindex → the block its clsact uses, as made or read here. */
    private final Map<String, Map<Integer, Integer>> bound = new ConcurrentHashMap<>();
    private final Map<String, String> lastState = new ConcurrentHashMap<>();
    /**
     * Per block or device: the rules its filters hold, as the last pass made or read them (absent: not
     * known, e.g. after a start, a failed pass or a new qdisc). A pass that wants the same rules makes no
     * kernel call for them, except a full pass (the periodic resync), which reads them all again; a
     * Join skips the dump when its MAC is not among the block's rules.
     */
    private final Map<IngressTarget, Set<IngressFilter>> converged = new ConcurrentHashMap<>();

    /**
     * @param handle  the host namespace
     * @param enabled {@code --fast-path}; when off, filters left by an earlier run are removed
     */
    public FastPath(NetlinkHandle handle, boolean enabled) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.enabled = enabled;
    }

    /** The shared filter block of the ports of the network with {@code vni}. */
    public static int block(int vni) {
        return BLOCK_BASE + vni;
    }

    /** True when the fast path is on and the kernel has not refused it. */
    public boolean active() {
        return enabled && unsupported == null;
    }

    /**
     * Brings network {@code networkId}'s filters to its ports and remote endpoints: all of them when the
     * fast path applies, none otherwise. Never fails the pass: on a failure the network's filters are
     * removed (as far as the kernel lets) and the state is logged once.
     *
     * @param vxlan      the network's vxlan device, if it exists
     * @param ports      the network's local ports
     * @param remoteMacs the MACs of the network's remote endpoints that the bridge sends to the vxlan port
     * @param verify     read the filters from the kernel even when this process made them as wanted (a
     *                   full pass: drift from outside is mended within one resync)
     */
    public void sync(String networkId, int vni, Optional<Link> vxlan, List<Port> ports, Set<MacAddress> remoteMacs,
                     boolean verify) {
        boolean applies = vxlan.isPresent() && !ports.isEmpty() && ports.size() <= MAX_FILTERS
                && remoteMacs.size() <= MAX_FILTERS;
        if (active() && applies) {
            try {
                knownClean.remove(networkId);
                install(networkId, vni, vxlan.get().index(), ports, remoteMacs, verify);
                note(networkId, "on");
                return;
            } catch (NetlinkException | RuntimeException e) {
                forget(networkId, vni, vxlan); // the next pass reads the kernel, even if the teardown fails
                if (e instanceof NetlinkException n && kernelLacks(n)) {
                    unsupported = e.getMessage();
                    LOG.log(Level.WARNING, "the kernel cannot redirect frames by tc (" + e.getMessage() + "): the fast"
                            + " path is off, containers' frames between hosts take the bridge (and br_netfilter)");
                } else {
                    note(networkId, "off until the next pass: " + e.getMessage());
                }
            }
        } else if (active() && vxlan.isPresent() && !ports.isEmpty()) {
            note(networkId, "off: " + ports.size() + " ports here and " + remoteMacs.size() + " remote endpoints; at most "
                    + MAX_FILTERS + " of each");
        }
        if (!knownClean.contains(networkId)) {
            try {
                teardown(networkId, vni, vxlan, ports);
            } catch (NetlinkException | RuntimeException e) {
                note(networkId, "off, filters not removed: " + e.getMessage());
            }
        }
    }

    /**
     * A Join's share, before Docker starts the container: a redirect of the container's own MAC in the
     * network's block is removed (it belonged to a remote endpoint with the same address), so that its
     * local neighbours reach it through the bridge. The pass after the Join does the rest.
     */
    public void addPort(String networkId, int vni, MacAddress mac) throws NetlinkException {
        IngressTarget block = IngressTarget.block(block(vni));
        Set<IngressFilter> known = converged.get(block);
        if (known != null ? known.stream().noneMatch(f -> f.dstMac().equals(Optional.of(mac)))
                : knownClean.contains(networkId)) {
            return; // no redirect of this MAC there: no kernel call on the Join's path
        }
        for (Map.Entry<Integer, Optional<IngressFilter>> e : handle.ingressFilters(block).entrySet()) {
            if (e.getValue().flatMap(IngressFilter::dstMac).equals(Optional.of(mac))) {
                converged.remove(block);
                delete(block, e.getKey());
            }
        }
    }

    private void install(String networkId, int vni, int vxlanIndex, List<Port> ports, Set<MacAddress> remoteMacs,
                         boolean verify) throws NetlinkException {
        int blockIndex = block(vni);
        // 1. Every port's clsact uses the network's block, the vxlan device's has its own filters (0).
        // Read from the kernel once after a start; then known here, so a pass makes no call for them.
        Map<Integer, Integer> wanted = new HashMap<>();
        ports.forEach(p -> wanted.put(p.ifindex(), blockIndex));
        wanted.put(vxlanIndex, 0);
        Map<Integer, Integer> known = bound.computeIfAbsent(networkId, k -> new ConcurrentHashMap<>());
        known.keySet().retainAll(wanted.keySet());
        if (!known.keySet().containsAll(wanted.keySet())) {
            Map<Integer, Integer> kernel = handle.clsactList();
            wanted.keySet().forEach(i -> Optional.ofNullable(kernel.get(i)).ifPresent(b -> known.put(i, b)));
        }
        for (Map.Entry<Integer, Integer> w : wanted.entrySet()) {
            Integer now = known.get(w.getKey());
            if (now != null && now.equals(w.getValue())) {
                continue;
            }
            if (now != null) {
                clsactDel(w.getKey()); // another block (the VNI changed)
            }
            // A new qdisc may bring a new block (its last port went) or drop the device's filters.
            converged.remove(w.getValue() == 0 ? IngressTarget.device(w.getKey()) : IngressTarget.block(w.getValue()));
            try {
                handle.clsactAdd(w.getKey(), w.getValue());
            } catch (AlreadyExistsException raced) {
                // made meanwhile with the same block (only this class makes these qdiscs)
            }
            known.put(w.getKey(), w.getValue());
        }
        // 2. The block redirects the remote endpoints' MACs to the vxlan device.
        Set<IngressFilter> toVxlan = new HashSet<>();
        for (MacAddress m : remoteMacs) {
            toVxlan.add(IngressFilter.redirect(1, m, vxlanIndex));
        }
        converge(IngressTarget.block(blockIndex), toVxlan, verify);
        // 3. The vxlan device redirects the local containers' MACs to their ports.
        Set<IngressFilter> toPorts = new HashSet<>();
        for (Port p : ports) {
            if (p.mac() != null) {
                toPorts.add(IngressFilter.redirect(1, p.mac(), p.ifindex()));
            }
        }
        converge(IngressTarget.device(vxlanIndex), toPorts, verify);
    }

    /** Makes {@code target} hold exactly the {@code wanted} rules, each at a priority of its own. */
    private void converge(IngressTarget target, Set<IngressFilter> wanted, boolean verify) throws NetlinkException {
        if (!verify && wanted.equals(converged.get(target))) {
            return;
        }
        converged.remove(target); // not known until this converge has finished
        Set<IngressFilter> missing = new HashSet<>(wanted);
        Set<Integer> used = new TreeSet<>();
        for (Map.Entry<Integer, Optional<IngressFilter>> e : handle.ingressFilters(target).entrySet()) {
            Optional<IngressFilter> match = e.getValue().flatMap(f -> missing.stream().filter(f::sameRule).findFirst());
            if (match.isPresent()) {
                missing.remove(match.get());
                used.add(e.getKey());
            } else {
                delete(target, e.getKey()); // not wanted, a duplicate, or foreign (e.g. to a device that is gone)
            }
        }
        for (IngressFilter w : missing) {
            int prio = freePriority(used);
            handle.ingressFilterAdd(target, new IngressFilter(prio, w.dstMac(), w.redirectTo()));
            used.add(prio);
        }
        converged.put(target, Set.copyOf(wanted));
    }

    /** Removes the network's filters: the ports' and the vxlan device's qdiscs (the block goes with the last). */
    private void teardown(String networkId, int vni, Optional<Link> vxlan, List<Port> ports) throws NetlinkException {
        Map<Integer, Integer> kernel = handle.clsactList();
        boolean any = false;
        for (Port p : ports) {
            if (kernel.containsKey(p.ifindex())) {
                clsactDel(p.ifindex());
                any = true;
            }
        }
        if (vxlan.isPresent() && kernel.containsKey(vxlan.get().index())) {
            clsactDel(vxlan.get().index());
            any = true;
        }
        forget(networkId, vni, vxlan);
        knownClean.add(networkId);
        if (any) {
            LOG.log(Level.INFO, "network " + ReconcileReport.shortId(networkId) + " (VNI " + vni + "): fast-path filters"
                    + " removed; the bridge carries its frames");
        }
    }

    /** Drops what this process knows of the network's qdiscs and filters: the next pass reads them. */
    private void forget(String networkId, int vni, Optional<Link> vxlan) {
        bound.remove(networkId);
        converged.remove(IngressTarget.block(block(vni)));
        vxlan.ifPresent(v -> converged.remove(IngressTarget.device(v.index())));
    }

    /** The network's fast path changed state: logged once per change. */
    private void note(String networkId, String state) {
        String before = lastState.put(networkId, state);
        if (!state.equals(before)) {
            LOG.log(state.equals("on") ? Level.DEBUG : state.startsWith("off until") ? Level.WARNING : Level.INFO,
                    "network " + ReconcileReport.shortId(networkId) + ": fast path " + state);
        }
    }

    private void clsactDel(int ifindex) throws NetlinkException {
        try {
            handle.clsactDel(ifindex);
        } catch (NotFoundException gone) {
            // the device or its qdisc went meanwhile
        }
    }

    private void delete(IngressTarget target, int priority) throws NetlinkException {
        try {
            handle.ingressFilterDel(target, priority);
        } catch (NotFoundException gone) {
            // deleted meanwhile
        }
    }

    /** The lowest priority from 1 that {@code used} does not hold. */
    static int freePriority(Set<Integer> used) {
        for (int p = 1; p <= MAX_PRIORITY; p++) {
            if (!used.contains(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free tc filter priority up to " + MAX_PRIORITY);
    }

    /** True for the errors of a kernel without clsact, u32 or mirred. */
    static boolean kernelLacks(NetlinkException e) {
        String m = e.getMessage() + " " + e.extAck().orElse("");
        return e instanceof NotSupportedException || m.contains("classifier not found") || m.contains("action not found")
                || m.contains("qdisc kind is unknown") || m.contains("Specified qdisc not found")
                || m.contains("Failed to load TC action");
    }
}
