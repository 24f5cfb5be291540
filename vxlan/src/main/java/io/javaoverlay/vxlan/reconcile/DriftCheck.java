package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.MacAddress;
import io.javaoverlay.netlink.NetlinkException;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only look at one network on this host: the store's desired FDB and neighbour entries
 * against the kernel's, counted through the same {@link Planner} a pass uses, without applying
 * anything and without queueing on the network's executor (so it never delays a Join). A pass
 * may run at the same time; the counts are then a snapshot of a moving target.
 */
public final class DriftCheck {

    /**
     * The comparison for one network.
     *
     * @param networkId    cluster network ID
     * @param vni          the network's VNI, or 0 when its record could not be read
     * @param local        true when this host has an endpoint in the network (else nothing is wanted here)
     * @param desiredFdb   FDB entries (remote MAC → VTEP) the store asks for
     * @param actualFdb    permanent FDB entries with a destination on the vxlan device
     * @param desiredNeigh neighbour entries (remote IP → MAC) the store asks for
     * @param actualNeigh  permanent neighbour entries on the vxlan device
     * @param missingFdb   FDB entries to add or correct
     * @param extraFdb     FDB entries nobody wants
     * @param missingNeigh neighbour entries to add or correct
     * @param extraNeigh   neighbour entries nobody wants
     * @param otherActions device changes a pass would make (create, MTU, master, up, teardown)
     * @param error        why the check could not be made (store or kernel unreadable)
     */
    public record Drift(String networkId, int vni, boolean local, int desiredFdb, int actualFdb, int desiredNeigh,
                        int actualNeigh, int missingFdb, int extraFdb, int missingNeigh, int extraNeigh,
                        int otherActions, Optional<String> error) {

        /** FDB and neighbour entries that differ from the store (0 when in sync). */
        public int tableDrift() {
            return missingFdb + extraFdb + missingNeigh + extraNeigh;
        }
    }

    private DriftCheck() {
    }

    /** Compares the store's wishes for {@code r}'s network with the kernel; never throws. */
    public static Drift inspect(NetworkReconciler r) {
        try {
            Optional<DesiredNetwork> desired = r.desired();
            ActualNetwork actual = r.actual(desired);
            return count(r.networkId(), desired, actual, Planner.plan(r.networkId(), desired, actual));
        } catch (NetlinkException | RuntimeException e) {
            return new Drift(r.networkId(), 0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, Optional.of(Applier.describe(e)));
        }
    }

    /** The counting, apart from I/O (unit-tested with hand-made inputs). */
    static Drift count(String networkId, Optional<DesiredNetwork> desired, ActualNetwork actual, List<Action> plan) {
        Set<MacAddress> macs = new HashSet<>();
        Set<InetAddress> ips = new HashSet<>();
        desired.ifPresent(d -> d.peers().forEach(p -> {
            macs.add(p.mac());
            ips.addAll(p.ips());
        }));
        int actualFdb = (int) actual.fdb().stream()
                .filter(e -> (e.flags() & FdbEntry.NTF_SELF) != 0 && e.destination().isPresent() && e.isPermanent())
                .count();
        int actualNeigh = (int) actual.neighbors().stream().filter(n -> n.isPermanent() && n.mac() != null).count();
        int missingFdb = 0;
        int extraFdb = 0;
        int missingNeigh = 0;
        int extraNeigh = 0;
        int other = 0;
        for (Action a : plan) {
            if (a instanceof Action.FdbReplace) {
                missingFdb++;
            } else if (a instanceof Action.FdbDelete) {
                extraFdb++;
            } else if (a instanceof Action.NeighReplace) {
                missingNeigh++;
            } else if (a instanceof Action.NeighDelete) {
                extraNeigh++;
            } else {
                other++;
            }
        }
        return new Drift(networkId, desired.map(DesiredNetwork::vni).orElse(0), desired.isPresent(), macs.size(),
                actualFdb, ips.size(), actualNeigh, missingFdb, extraFdb, missingNeigh, extraNeigh, other,
                Optional.empty());
    }
}
