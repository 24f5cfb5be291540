package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Vxlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out planned {@link Action}s through rtnetlink, each idempotently: a create that meets
 * EEXIST reads the device back and keeps it when {@link Compat} finds it fit (recreating it with
 * a reason otherwise); a delete that meets NotFound is a success; FDB and neighbour entries use
 * REPLACE. A failed action does not stop the others; the pass reports it and retries later.
 */
public final class Applier {

    /** What happened to one action. {@code error} is empty on success. */
    public record Outcome(Action action, Optional<String> error) {}

    /** Outcome of a batch. */
    public record Result(List<Outcome> outcomes) {
        public Result {
            outcomes = List.copyOf(outcomes);
        }

        /** How many actions succeeded. */
        public long applied() {
            return outcomes.stream().filter(o -> o.error().isEmpty()).count();
        }

        /** The actions that failed, with their errors. */
        public List<Outcome> failures() {
            return outcomes.stream().filter(o -> o.error().isPresent()).toList();
        }
    }

    private final NetlinkHandle handle;

    public Applier(NetlinkHandle handle) {
        this.handle = handle;
    }

    /** Applies {@code actions} in order; never throws for a kernel failure. */
    public Result apply(List<Action> actions) {
        Map<String, Integer> indexes = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (Action a : actions) {
            try {
                applyOne(a, indexes);
                outcomes.add(new Outcome(a, Optional.empty()));
            } catch (NotFoundException e) {
                // A container's interface that vanished (its namespace went) needs no fixing any more.
                outcomes.add(new Outcome(a, portGone(a) ? Optional.empty() : Optional.of(describe(e))));
            } catch (NetlinkException | RuntimeException e) {
                outcomes.add(new Outcome(a, Optional.of(describe(e))));
            }
        }
        return new Result(outcomes);
    }

    /** True for a change of a host end ({@code jo-h-*}): NotFound means the container's interface is gone. */
    private static boolean portGone(Action a) {
        String name = a instanceof Action.SetMtu s ? s.name() : a instanceof Action.SetAlias s ? s.name()
                : a instanceof Action.SetMaster s ? s.name() : a instanceof Action.SetUp s ? s.name() : "";
        return DeviceNames.isHostEnd(name);
    }

    private void applyOne(Action a, Map<String, Integer> indexes) throws NetlinkException {
        if (a instanceof Action.CreateBridge c) {
            LinkAttrs attrs = LinkAttrs.named(c.name()).withMtu(c.mtu()).withAlias(c.alias());
            Link link = createOrAdopt(new Bridge(attrs), existing -> Compat.bridgeIncompat(existing));
            ensureAlias(link, c.alias());
            indexes.put(c.name(), link.index());
        } else if (a instanceof Action.CreateVxlan c) {
            LinkAttrs attrs = LinkAttrs.named(c.name()).withMtu(c.mtu()).withAlias(c.alias());
            // No learning: peers come from the store. Proxy: the kernel answers ARP/ND from our neighbour entries.
            Vxlan spec = Vxlan.builder(attrs, c.vni()).local(c.local()).port(c.port()).learning(false).proxy(true)
                    .underlayIndex(c.underlayIndex()).build();
            Link link = createOrAdopt(spec, existing -> Compat.vxlanIncompat(existing, c));
            ensureAlias(link, c.alias());
            if (link.attrs().mtu() != c.mtu()) {
                handle.linkSetMtu(link.index(), c.mtu());
            }
            indexes.put(c.name(), link.index());
        } else if (a instanceof Action.DeleteLink d) {
            indexes.remove(d.name());
            deleteLink(d.name(), d.index());
        } else if (a instanceof Action.SetMtu s) {
            handle.linkSetMtu(index(s.name(), indexes), s.mtu());
        } else if (a instanceof Action.SetAlias s) {
            handle.linkSetAlias(index(s.name(), indexes), s.alias());
        } else if (a instanceof Action.SetMaster s) {
            handle.linkSetMaster(index(s.name(), indexes), index(s.master(), indexes));
        } else if (a instanceof Action.SetUp s) {
            handle.linkSetUp(index(s.name(), indexes));
        } else if (a instanceof Action.FdbReplace f) {
            handle.fdbSet(FdbEntry.toVtep(index(f.device(), indexes), f.mac(), f.vtep()));
        } else if (a instanceof Action.FdbDelete f) {
            try {
                handle.fdbDel(FdbEntry.self(index(f.device(), indexes), f.mac(), f.dst()));
            } catch (NotFoundException gone) {
                // already gone: the goal is reached
            }
        } else if (a instanceof Action.FloodAppend f) {
            try {
                handle.fdbAppend(FdbEntry.flood(index(f.device(), indexes), f.vtep()));
            } catch (AlreadyExistsException there) {
                // already in the replication list
            }
        } else if (a instanceof Action.BridgeFdbReplace f) {
            handle.fdbSet(FdbEntry.masterStatic(index(f.device(), indexes), f.mac()));
        } else if (a instanceof Action.BridgeFdbDelete f) {
            try {
                handle.fdbDel(FdbEntry.builder(index(f.device(), indexes), f.mac()).master().build());
            } catch (NotFoundException gone) {
                // aged out or removed meanwhile
            }
        } else if (a instanceof Action.SetLearning s) {
            handle.bridgePortSet(index(s.name(), indexes), BridgePortSettings.builder().learning(s.on()).build());
        } else if (a instanceof Action.SetUnicastFlood s) {
            handle.bridgePortSet(index(s.name(), indexes), BridgePortSettings.builder().unicastFlood(s.on()).build());
        } else if (a instanceof Action.NeighReplace n) {
            handle.neighSet(Neighbor.permanent(index(n.device(), indexes), n.ip(), n.mac()));
        } else if (a instanceof Action.NeighDelete n) {
            try {
                handle.neighDel(Neighbor.toDelete(index(n.device(), indexes), n.ip(), n.mac()));
            } catch (NotFoundException gone) {
                // already gone
            }
        } else if (a instanceof Action.Refuse r) {
            throw new IllegalStateException(r.reason());
        } else {
            throw new IllegalArgumentException("unknown action " + a);
        }
    }

    /** The check returns why an existing device is unfit, or empty if it can be kept. */
    private interface Check {
        Optional<String> reason(Link existing);
    }

    /**
     * Creates {@code spec}; on EEXIST reads the device back and keeps it if {@code check} finds it
     * fit, else deletes and creates it once more. EEXIST without a device of that name means
     * another device holds a unique property (for vxlan: the VNI on that port).
     */
    private Link createOrAdopt(Link spec, Check check) throws NetlinkException {
        try {
            return handle.linkAdd(spec);
        } catch (AlreadyExistsException e) {
            Optional<Link> existing = handle.findLinkByName(spec.name());
            if (existing.isEmpty()) {
                throw new IllegalStateException("cannot create " + spec.name() + ": " + conflictHint(spec)
                        + " (" + describe(e) + ")");
            }
            Optional<Link> foreign = existing.filter(l -> Compat.foreignOwner(l).isPresent());
            if (foreign.isPresent()) {
                throw new IllegalStateException(Compat.foreignOwner(foreign.get()).get());
            }
            Optional<String> reason = check.reason(existing.get());
            if (reason.isEmpty()) {
                return existing.get();
            }
            deleteLink(spec.name(), existing.get().index());
            return handle.linkAdd(spec);
        }
    }

    private String conflictHint(Link spec) throws NetlinkException {
        if (spec instanceof Vxlan want) {
            for (Link l : handle.linkList()) {
                if (l instanceof Vxlan other && other.vni() == want.vni() && other.port() == want.port()) {
                    return "VNI " + want.vni() + " on UDP port " + want.port() + " is already used by device "
                            + other.name();
                }
            }
        }
        return "the kernel reports that it exists";
    }

    private void ensureAlias(Link link, String alias) throws NetlinkException {
        if (!link.attrs().alias().map(alias::equals).orElse(false)) {
            handle.linkSetAlias(link.index(), alias);
        }
    }

    private void deleteLink(String name, int index) throws NetlinkException {
        try {
            if (index > 0) {
                handle.linkDel(index);
            } else {
                handle.linkDel(name);
            }
        } catch (NotFoundException gone) {
            // already gone
        }
    }

    private int index(String name, Map<String, Integer> indexes) throws NetlinkException {
        Integer known = indexes.get(name);
        if (known != null) {
            return known;
        }
        int idx = handle.linkByName(name).index();
        indexes.put(name, idx);
        return idx;
    }

    static String describe(Throwable e) {
        if (e instanceof NetlinkException ne) {
            String msg = ne.operation() + " failed: " + ne.getMessage();
            return ne.extAck().map(ack -> msg + " (" + ack + ")").orElse(msg);
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
