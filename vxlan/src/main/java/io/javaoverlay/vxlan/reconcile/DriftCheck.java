package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only look at one network on this host: the store's desired FDB, bridge and neighbour
 * entries against the kernel's, counted through the same {@link Planner} a pass uses, without
 * applying anything and without queueing on the network's executor (so it never delays a Join). A
 * pass may run at the same time; the counts are then a snapshot of a moving target.
 */
public final class DriftCheck {

    /**
     * The comparison for one network.
     *
     * @param networkId          cluster network ID
     * @param vni                the network's VNI, or 0 when its record could not be read
     * @param local              true when this host has a container interface in the network (else nothing is wanted here)
     * @param desiredFdb         FDB entries (remote MAC → VTEP, and with BUM replication one all-zero-MAC
     *                           entry per peer VTEP) the store asks for
     * @param actualFdb          permanent FDB entries with a destination on the vxlan device (replication
     *                           entries included)
     * @param desiredNeigh       neighbour entries (remote IP → MAC) the store asks for
     * @param actualNeigh        permanent neighbour entries on the vxlan device
     * @param missingFdb         FDB entries to add or correct
     * @param extraFdb           FDB entries nobody wants
     * @param missingNeigh       neighbour entries to add or correct
     * @param extraNeigh         neighbour entries nobody wants
     * @param otherActions       device changes a pass would make (create, MTU, master, up, learning, teardown)
     * @param error              why the check could not be made (store or kernel unreadable)
     * @param desiredBridgeFdb   static bridge entries (remote MAC on the vxlan port) the store asks for
     * @param actualBridgeFdb    static bridge entries on the vxlan port
     * @param missingBridgeFdb   static bridge entries to add (or learned ones to make static)
     * @param extraBridgeFdb     bridge entries on the vxlan port nobody wants (withdrawn peers' static ones)
     * @param learnedBridgeFdb   of those, entries the bridge learned from traffic
     * @param frozen             why a pass leaves the network alone (the store lost its record), if it does
     */
    public record Drift(String networkId, int vni, boolean local, int desiredFdb, int actualFdb, int desiredNeigh,
                        int actualNeigh, int missingFdb, int extraFdb, int missingNeigh, int extraNeigh,
                        int otherActions, Optional<String> error, int desiredBridgeFdb, int actualBridgeFdb,
                        int missingBridgeFdb, int extraBridgeFdb, int learnedBridgeFdb, Optional<String> frozen) {

        /** FDB, bridge and neighbour entries that differ from the store (0 when in sync). */
        public int tableDrift() {
            return missingFdb + extraFdb + missingNeigh + extraNeigh + missingBridgeFdb + extraBridgeFdb;
        }
    }

    private DriftCheck() {
    }

    /** How long a drift must be seen, with no work in flight for its network, before it is reported. */
    static final Duration SETTLE = Duration.ofMillis(300);
    /** The longest {@link #settled} waits for a network that stays busy. */
    static final Duration MAX_WAIT = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(25);

    /**
     * Every existing reconciler's drift, sorted by network. A network that shows table drift is looked at
     * again once its work in flight has ended ({@link Reconcilers#busy}) and at least {@link #SETTLE}
     * has passed (longer than the store watch takes to start a pass), at most {@link #MAX_WAIT}: a
     * status typed right after a change (a container started on another host, one removed here) must
     * not report the moment between the store's change and the pass that follows it. Drift that
     * outlasts that is reported; a network without drift costs no wait.
     */
    public static List<Drift> settled(Reconcilers reconcilers) {
        Map<String, NetworkReconciler> suspects = new HashMap<>();
        Map<String, Drift> out = new HashMap<>();
        for (NetworkReconciler r : reconcilers.existing()) {
            Drift d = inspect(r);
            out.put(r.networkId(), d);
            if (d.tableDrift() > 0 && d.error().isEmpty()) {
                suspects.put(r.networkId(), r);
            }
        }
        long start = System.nanoTime();
        while (!suspects.isEmpty()) {
            boolean late = System.nanoTime() - start >= MAX_WAIT.toNanos() || Thread.currentThread().isInterrupted();
            if (!late) {
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            boolean settled = System.nanoTime() - start >= SETTLE.toNanos();
            for (var it = suspects.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (late || settled && !reconcilers.busy(e.getKey())) {
                    out.put(e.getKey(), inspect(e.getValue()));
                    it.remove();
                }
            }
        }
        List<Drift> list = new ArrayList<>(out.values());
        list.sort(Comparator.comparing(Drift::networkId));
        return list;
    }

    /** Compares the store's wishes for {@code r}'s network with the kernel; never throws. */
    public static Drift inspect(NetworkReconciler r) {
        try {
            Optional<DesiredNetwork> desired = r.desired();
            ActualNetwork actual = r.actual(desired, false);
            return count(r.networkId(), desired, actual, Planner.plan(r.networkId(), desired, actual));
        } catch (NetlinkException | RuntimeException e) {
            return new Drift(r.networkId(), 0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, Optional.of(Applier.describe(e)),
                    0, 0, 0, 0, 0, Optional.empty());
        }
    }

    /** The counting, apart from I/O (unit-tested with hand-made inputs). */
    static Drift count(String networkId, Optional<DesiredNetwork> desired, ActualNetwork actual, List<Action> plan) {
        boolean local = !actual.ports(networkId).isEmpty();
        Set<MacAddress> macs = new HashSet<>();
        Set<IpAddress> ips = new HashSet<>();
        int flood = local ? desired.map(d -> d.floodVteps().size()).orElse(0) : 0;
        if (local) {
            desired.ifPresent(d -> d.peers().forEach(p -> {
                macs.add(p.mac());
                ips.addAll(p.ips());
            }));
        }
        int actualFdb = (int) actual.fdb().stream()
                .filter(e -> e.isSelf() && e.destination().isPresent() && e.isPermanent()).count();
        int actualBridge = (int) actual.fdb().stream().filter(e -> !e.isSelf() && e.isMaster() && e.isStatic()).count();
        int actualNeigh = (int) actual.neighbors().stream().filter(n -> n.isPermanent() && n.mac() != null).count();
        int[] n = new int[8]; // fdb+, fdb-, neigh+, neigh-, bridge+, bridge-, learned, other
        for (Action a : plan) {
            if (a instanceof Action.FdbReplace || a instanceof Action.FloodAppend) {
                n[0]++;
            } else if (a instanceof Action.FdbDelete) {
                n[1]++;
            } else if (a instanceof Action.NeighReplace) {
                n[2]++;
            } else if (a instanceof Action.NeighDelete) {
                n[3]++;
            } else if (a instanceof Action.BridgeFdbReplace) {
                n[4]++;
            } else if (a instanceof Action.BridgeFdbDelete d) {
                n[5]++;
                if (d.learned()) {
                    n[6]++;
                }
            } else {
                n[7]++;
            }
        }
        return new Drift(networkId, desired.map(DesiredNetwork::vni).orElse(0), local, macs.size() + flood, actualFdb,
                ips.size(), actualNeigh, n[0], n[1], n[2], n[3], n[7], Optional.empty(), macs.size(), actualBridge,
                n[4], n[5], n[6], Planner.freezeReason(networkId, desired, actual));
    }
}
