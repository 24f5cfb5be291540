package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.NotSupportedException;
import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.types.MacAddress;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fast path: a container's unicast frames between hosts bypass the bridge, and with it
 * br_netfilter, which makes every bridged frame of the host namespace traverse Docker's iptables
 * rules and conntrack (docs/perf-notes.md: the whole gap to Docker's overlay, whose bridge sits in a
 * namespace of its own). Two sets of tc ingress filters per network, both derived from the local
 * ports alone:
 * <ul>
 *   <li>the ports' {@code clsact} ingress share one filter block ({@link #block(int)}): a frame to a
 *       local container's MAC passes (to the bridge), every other unicast frame is redirected to the
 *       vxlan device ({@link #CATCH_ALL}). Broadcast and multicast frames take the bridge;</li>
 *   <li>the vxlan device's ingress redirects a frame to a local container's MAC to that container's
 *       port.</li>
 * </ul>
 * The bridge stays as it is and carries everything else (ARP, local traffic, frames to MACs the
 * filters do not know), so a missing filter only costs speed. What must hold is that a frame to a
 * local container is never sent into the tunnel: every local MAC passes before the redirect exists,
 * and a new port's MAC is added to the block in its Join, before Docker starts the container
 * ({@link #addPort}). The reconcile pass brings everything else to the ports ({@link #sync}).
 *
 * <p>Not for networks with more than {@link #MAX_PORTS} ports on this host (the filters are
 * evaluated in order, so each frame's cost grows with the local ports): their filters are removed and
 * the bridge carries everything. A kernel without the clsact qdisc, the u32 classifier or the mirred
 * action turns the fast path off for the daemon's life, with one warning.
 *
 * <p>Like the rest of a network's kernel state, the calls for one network are serialised on its
 * reconciler.
 */
public final class FastPath {
    private static final System.Logger LOG = System.getLogger(FastPath.class.getName());
    /** Block indexes of javaoverlay networks: this plus the VNI (VNIs are below 2^24). */
    static final int BLOCK_BASE = 0x6a000000;
    /** Priority of the redirect of every other unicast frame, after the local MACs' passes. */
    static final int CATCH_ALL = 65000;
    /** Most ports on this host for which a network gets the fast path. */
    static final int MAX_PORTS = 32;

    /** A local port: its host end and its container's MAC (null when no record of this host names it). */
    public record Port(int ifindex, MacAddress mac) {}

    private final NetlinkHandle handle;
    private final boolean enabled;
    /** Why the kernel cannot do it, once found out. */
    private volatile String unsupported;
    /** Networks known to have no filters (after a teardown); any other may have some, e.g. from an earlier run. */
    private final Set<String> knownClean = ConcurrentHashMap.newKeySet();
    private final Map<String, String> lastState = new ConcurrentHashMap<>();

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
     * Brings network {@code networkId}'s filters to its ports: all of them when the fast path applies,
     * none otherwise (and the catch-all only when every port's MAC is known).
     *
     * @param vxlan the network's vxlan device, if it exists
     * @param ports the network's local ports
     * @throws NetlinkException when the kernel refuses something else than the fast path itself
     */
    public void sync(String networkId, int vni, Optional<Link> vxlan, List<Port> ports) throws NetlinkException {
        boolean applies = vxlan.isPresent() && !ports.isEmpty() && ports.size() <= MAX_PORTS;
        if (active() && applies) {
            try {
                knownClean.remove(networkId);
                install(networkId, vni, vxlan.get().index(), ports);
                note(networkId, "on");
                return;
            } catch (NotFoundException | NotSupportedException e) {
                if (!kernelLacks(e)) {
                    throw e;
                }
                unsupported = e.getMessage();
                LOG.log(Level.WARNING, "the kernel cannot redirect frames by tc (" + e.getMessage() + "): the fast path"
                        + " is off, containers' frames between hosts take the bridge (and br_netfilter)");
            }
        }
        if (vxlan.isPresent() && !ports.isEmpty() && ports.size() > MAX_PORTS && active()) {
            note(networkId, "off: " + ports.size() + " ports here, more than " + MAX_PORTS);
        }
        if (!knownClean.contains(networkId)) {
            teardown(networkId, vni, vxlan, ports);
        }
    }

    /**
     * A Join's share: the new port's MAC passes in the network's block before anything can be sent to
     * it, then the port joins the block and the vxlan device redirects to it. Nothing while the
     * network's block is empty (the pass after the Join decides). The block is read, not remembered:
     * after a restart it may hold an earlier run's redirect.
     */
    public void addPort(String networkId, int vni, int vxlanIndex, Port port) throws NetlinkException {
        if (port.mac() == null) {
            return;
        }
        IngressTarget block = IngressTarget.block(block(vni));
        Map<Integer, Optional<IngressFilter>> have = handle.ingressFilters(block);
        if (have.isEmpty()) {
            return; // no port uses the block: the pass installs it
        }
        boolean passing = have.values().stream().anyMatch(f -> f.isPresent() && f.get().redirectTo().isEmpty()
                && f.get().dstMac().equals(Optional.of(port.mac())));
        if (!passing) {
            // Even with the fast path off: the block may hold an earlier run's redirect until the pass.
            handle.ingressFilterAdd(block, IngressFilter.pass(freePriority(have.keySet()), port.mac()));
        }
        if (!active()) {
            return;
        }
        clsact(port.ifindex(), block(vni));
        IngressTarget vx = IngressTarget.device(vxlanIndex);
        clsact(vxlanIndex, 0);
        Map<Integer, Optional<IngressFilter>> vxHave = handle.ingressFilters(vx);
        IngressFilter want = IngressFilter.redirect(1, port.mac(), port.ifindex());
        boolean present = false;
        for (Map.Entry<Integer, Optional<IngressFilter>> e : vxHave.entrySet()) {
            Optional<IngressFilter> f = e.getValue();
            if (f.isPresent() && f.get().sameRule(want)) {
                present = true;
            } else if (f.isEmpty() || f.get().dstMac().equals(Optional.of(port.mac()))) {
                delete(vx, e.getKey()); // a stale redirect of this MAC (an earlier port) would win
            }
        }
        if (!present) {
            handle.ingressFilterAdd(vx, IngressFilter.redirect(freePriority(vxHave.keySet()), port.mac(), port.ifindex()));
        }
    }

    private void install(String networkId, int vni, int vxlanIndex, List<Port> ports) throws NetlinkException {
        IngressTarget block = IngressTarget.block(block(vni));
        Set<MacAddress> local = new HashSet<>();
        boolean allKnown = true;
        for (Port p : ports) {
            if (p.mac() == null) {
                allKnown = false;
            } else {
                local.add(p.mac());
            }
        }
        // 1. The ports use the block (with no filter in it, frames go on unfiltered).
        for (Port p : ports) {
            clsact(p.ifindex(), block(vni));
        }
        // 2. Every local MAC passes, before 3. the redirect of every other unicast frame.
        Map<Integer, Optional<IngressFilter>> have = handle.ingressFilters(block);
        Set<MacAddress> passing = new HashSet<>();
        boolean catchAll = false;
        List<Integer> unwanted = new ArrayList<>();
        for (Map.Entry<Integer, Optional<IngressFilter>> e : have.entrySet()) {
            Optional<IngressFilter> f = e.getValue();
            if (e.getKey() == CATCH_ALL && f.isPresent() && f.get().dstMac().isEmpty()
                    && f.get().redirectTo().equals(OptionalInt.of(vxlanIndex)) && allKnown) {
                catchAll = true;
            } else if (e.getKey() != CATCH_ALL && f.isPresent() && f.get().redirectTo().isEmpty()
                    && f.get().dstMac().isPresent() && local.contains(f.get().dstMac().get())
                    && passing.add(f.get().dstMac().get())) {
                // a pass of a local MAC: kept
            } else {
                unwanted.add(e.getKey());
            }
        }
        if (!catchAll && have.containsKey(CATCH_ALL)) {
            delete(block, CATCH_ALL); // first: a frame to a MAC not yet passing must not enter the tunnel
            unwanted.remove(Integer.valueOf(CATCH_ALL));
        }
        Set<Integer> used = new TreeSet<>(have.keySet());
        for (MacAddress m : local) {
            if (!passing.contains(m)) {
                int prio = freePriority(used);
                handle.ingressFilterAdd(block, IngressFilter.pass(prio, m));
                used.add(prio);
            }
        }
        if (allKnown && !catchAll) {
            handle.ingressFilterAdd(block, IngressFilter.redirectUnicast(CATCH_ALL, vxlanIndex));
        }
        for (int prio : unwanted) {
            delete(block, prio);
        }
        // 4. The vxlan device hands frames for a local MAC to its port.
        clsact(vxlanIndex, 0);
        IngressTarget vx = IngressTarget.device(vxlanIndex);
        Map<Integer, Optional<IngressFilter>> vxHave = handle.ingressFilters(vx);
        Set<IngressFilter> wanted = new HashSet<>();
        for (Port p : ports) {
            if (p.mac() != null) {
                wanted.add(IngressFilter.redirect(1, p.mac(), p.ifindex()));
            }
        }
        Set<Integer> vxUsed = new TreeSet<>(vxHave.keySet());
        for (Map.Entry<Integer, Optional<IngressFilter>> e : vxHave.entrySet()) {
            Optional<IngressFilter> f = e.getValue();
            Optional<IngressFilter> match = f.flatMap(x -> wanted.stream().filter(x::sameRule).findFirst());
            if (match.isPresent()) {
                wanted.remove(match.get());
            } else {
                delete(vx, e.getKey());
                vxUsed.remove(e.getKey());
            }
        }
        for (IngressFilter w : wanted) {
            int prio = freePriority(vxUsed);
            handle.ingressFilterAdd(vx, IngressFilter.redirect(prio, w.dstMac().orElseThrow(), w.redirectTo().getAsInt()));
            vxUsed.add(prio);
        }
    }

    /** Removes the network's filters: the catch-all first, then the ports' and the vxlan device's qdiscs. */
    private void teardown(String networkId, int vni, Optional<Link> vxlan, List<Port> ports) throws NetlinkException {
        IngressTarget block = IngressTarget.block(block(vni));
        Map<Integer, Optional<IngressFilter>> have = handle.ingressFilters(block);
        if (have.containsKey(CATCH_ALL)) {
            delete(block, CATCH_ALL);
        }
        for (Port p : ports) {
            try {
                handle.clsactDel(p.ifindex());
            } catch (NotFoundException | IllegalArgumentException none) {
                // no qdisc there
            } catch (NetlinkException e) {
                if (!kernelLacks(e)) {
                    throw e;
                }
            }
        }
        if (vxlan.isPresent()) {
            try {
                handle.clsactDel(vxlan.get().index());
            } catch (NotFoundException | IllegalArgumentException none) {
                // no qdisc there
            } catch (NetlinkException e) {
                if (!kernelLacks(e)) {
                    throw e;
                }
            }
        }
        knownClean.add(networkId);
        if (!have.isEmpty()) {
            LOG.log(Level.INFO, "network " + ReconcileReport.shortId(networkId) + ": fast-path filters removed");
        }
    }

    /** The network's fast path changed state: logged once per change. */
    private void note(String networkId, String state) {
        String before = lastState.put(networkId, state);
        if (!state.equals(before)) {
            LOG.log(state.equals("on") ? Level.DEBUG : Level.INFO, "network " + ReconcileReport.shortId(networkId)
                    + ": fast path " + state);
        }
    }

    private void clsact(int ifindex, int block) throws NetlinkException {
        try {
            handle.clsactAdd(ifindex, block);
        } catch (AlreadyExistsException there) {
            // ours from an earlier pass (the qdisc of a port is only ever made here)
        }
    }

    private void delete(IngressTarget target, int priority) throws NetlinkException {
        try {
            handle.ingressFilterDel(target, priority);
        } catch (NotFoundException gone) {
            // deleted meanwhile
        }
    }

    /** The lowest priority from 1 that {@code used} does not hold (below the catch-all). */
    static int freePriority(Set<Integer> used) {
        for (int p = 1; p < CATCH_ALL; p++) {
            if (!used.contains(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free tc filter priority below " + CATCH_ALL);
    }

    /** True for the errors of a kernel without clsact, u32 or mirred. */
    static boolean kernelLacks(NetlinkException e) {
        String m = e.getMessage() + " " + e.extAck().orElse("");
        return e instanceof NotSupportedException || m.contains("classifier not found") || m.contains("action not found")
                || m.contains("Unknown qdisc") || m.contains("Failed to load TC action");
    }
}
