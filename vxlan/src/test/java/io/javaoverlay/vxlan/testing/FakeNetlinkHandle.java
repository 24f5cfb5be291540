package io.javaoverlay.vxlan.testing;

import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.BridgePort;
import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.NotSupportedException;
import io.javaoverlay.netlink.Device;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.netlink.GenericLink;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An in-memory kernel for unit tests: links (with the EEXIST/ENODEV rules that matter here,
 * including "one vxlan per VNI and port"), FDB and neighbour tables, link events. Operations
 * can be made to fail with {@link #failWhen}.
 */
public final class FakeNetlinkHandle implements NetlinkHandle {
    private final Map<Integer, Link> links = new TreeMap<>();
    private final List<FdbEntry> fdb = new ArrayList<>();
    private final List<Neighbor> neigh = new ArrayList<>();
    private final List<Addr> addrs = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<Consumer<LinkEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> mutations = new ArrayList<>();
    private final Map<Integer, Boolean> learning = new TreeMap<>();
    /** Devices with a clsact qdisc → their ingress block (0: own filters). */
    private final Map<Integer, Integer> clsact = new TreeMap<>();
    /** Filters by target ("dev N" / "block N"), by priority; empty = two different ones (foreign). */
    private final Map<String, TreeMap<Integer, Optional<IngressFilter>>> filters = new TreeMap<>();
    private boolean tcMissing;
    private int linkDumps;
    private final ThreadLocal<int[]> threadDumps = ThreadLocal.withInitial(() -> new int[1]);
    private volatile Runnable duringDump = () -> { };
    private volatile Predicate<String> failing = op -> false;
    private int nextIndex = 10;
    private int nextMac = 1;

    /** Adds a plain device (like eth0) with an address; returns its index. */
    public synchronized int addDevice(String name, int mtu, IpPrefix addr) {
        int idx = nextIndex++;
        links.put(idx, new Device(new LinkAttrs(idx, name, mtu, Optional.of(mac()), 0, true, true, Optional.empty())));
        addrs.add(new Addr(idx, addr, 0, 0));
        return idx;
    }

    /** Adds a default route via {@code gw} out of {@code index}. */
    public synchronized void addDefaultRoute(IpAddress gw, int index) {
        routes.add(new Route(Family.INET, Optional.empty(), Optional.of(gw), index, Optional.empty(), 254, 4, 0, 1));
    }

    /** Operations whose name (e.g. "linkAdd jo-vx-1", "fdbSet") matches fail with errno 5. */
    public void failWhen(Predicate<String> op) {
        this.failing = op;
    }

    /** A kernel without the clsact qdisc and the u32 classifier (every tc call is refused as tc(8) reports it). */
    public synchronized void withoutTc() {
        tcMissing = true;
    }

    /** The filters at {@code target} by priority (empty when there are none). */
    public synchronized Map<Integer, Optional<IngressFilter>> filtersAt(IngressTarget target) {
        return Map.copyOf(filters.getOrDefault(key(target), new TreeMap<>()));
    }

    /** The devices with a clsact qdisc and their ingress block. */
    public synchronized Map<Integer, Integer> clsacts() {
        return Map.copyOf(clsact);
    }

    /** Names of mutating calls so far, e.g. {@code linkAdd jo-br-1}. */
    private int filterDumps;

    public synchronized List<String> mutations() {
        return List.copyOf(mutations);
    }

    public synchronized void clearMutations() {
        mutations.clear();
    }

    /** How many full link dumps ({@link #linkList}) were made so far. */
    /** Link dumps made by the calling thread (background reconcile passes do not count). */
    public int linkDumpsOnThisThread() {
        return threadDumps.get()[0];
    }

    public synchronized int linkDumps() {
        return linkDumps;
    }

    /** The bridge learns {@code mac} on port {@code portIndex} from traffic (a dynamic master entry). */
    public synchronized void learn(int portIndex, MacAddress mac) {
        Link port = links.get(portIndex);
        fdb.removeIf(o -> o.linkIndex() == portIndex && o.mac().equals(mac) && !o.isSelf());
        fdb.add(FdbEntry.builder(portIndex, mac).master().dynamic().masterIndex(port.attrs().masterIndex()).build());
    }

    /** IFLA_BRPORT_LEARNING of a bridge port (true: the kernel's default for a new port). */
    public synchronized boolean learning(int portIndex) {
        return learning.getOrDefault(portIndex, true);
    }

    private void op(String name) throws NetlinkException {
        if (failing.test(name)) {
            throw new NetlinkException(5, name, null, "injected failure");
        }
        mutations.add(name);
    }

    private MacAddress mac() {
        int n = nextMac++;
        return MacAddress.of(new byte[]{0x0a, 0, 0, 0, (byte) (n >> 8), (byte) n});
    }

    private static NotFoundException notFound(String op) {
        return new NotFoundException(19, op, null, "No such device");
    }

    private static Link withAttrs(Link l, LinkAttrs a) {
        if (l instanceof Bridge) {
            return new Bridge(a);
        } else if (l instanceof Vxlan v) {
            return Vxlan.builder(a, v.vni()).local(v.local()).port(v.port()).learning(v.learning()).proxy(v.proxy())
                    .l2miss(v.l2miss()).l3miss(v.l3miss()).ttl(v.ttl()).underlayIndex(v.underlayIndex()).build();
        } else if (l instanceof Veth v) {
            return new Veth(a, "", Optional.empty(), v.peerIndex());
        } else if (l instanceof Device) {
            return new Device(a);
        }
        return new GenericLink(a, l.kind());
    }

    private synchronized Link update(int index, String op, UnaryOperator<LinkAttrs> f) throws NetlinkException {
        Link l = links.get(index);
        if (l == null) {
            throw notFound(op + " " + index);
        }
        op(op + " " + l.name());
        Link n = withAttrs(l, f.apply(l.attrs()));
        links.put(index, n);
        fire(new LinkEvent.Changed(n));
        return n;
    }

    private void fire(LinkEvent e) {
        listeners.forEach(c -> c.accept(e));
    }

    private Optional<Link> byName(String name) {
        return links.values().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    @Override
    public synchronized Link linkAdd(Link spec) throws NetlinkException {
        String op = "linkAdd " + spec.name();
        if (failing.test(op)) {
            throw new NetlinkException(5, op, null, "injected failure");
        }
        if (byName(spec.name()).isPresent()) {
            throw new AlreadyExistsException(17, op, null, "File exists");
        }
        if (spec instanceof Vxlan v && links.values().stream().anyMatch(l -> l instanceof Vxlan o
                && o.vni() == v.vni() && o.port() == v.port())) {
            throw new AlreadyExistsException(17, op, "A VXLAN device with the specified VNI already exists", "File exists");
        }
        op(op);
        LinkAttrs s = spec.attrs();
        int idx = nextIndex++;
        LinkAttrs a = new LinkAttrs(idx, s.name(), s.mtu() == 0 ? 1500 : s.mtu(),
                Optional.of(s.hardwareAddr().orElseGet(this::mac)), s.masterIndex(), s.up(), s.up(), s.alias());
        Link created;
        if (spec instanceof Veth v) {
            if (byName(v.peerName()).isPresent()) {
                throw new AlreadyExistsException(17, op, null, "File exists");
            }
            int peerIdx = nextIndex++;
            Link peer = new Veth(new LinkAttrs(peerIdx, v.peerName(), 1500, Optional.of(mac()), 0, false, false,
                    Optional.empty()), "", Optional.empty(), idx);
            links.put(peerIdx, peer);
            created = new Veth(a, "", Optional.empty(), peerIdx);
            fire(new LinkEvent.Changed(peer));
        } else {
            created = withAttrs(spec, a);
        }
        links.put(idx, created);
        fire(new LinkEvent.Changed(created));
        return created;
    }

    @Override
    public synchronized void linkDel(int index) throws NetlinkException {
        Link l = links.get(index);
        if (l == null) {
            throw notFound("linkDel " + index);
        }
        op("linkDel " + l.name());
        links.remove(index);
        dropClsact(index);
        // A redirect to a device that is gone stays, reported with ifindex 0: it reads as foreign.
        for (TreeMap<Integer, Optional<IngressFilter>> at : filters.values()) {
            at.replaceAll((prio, f) -> f.filter(x -> x.redirectTo().orElse(-1) != index));
        }
        fdb.removeIf(e -> e.linkIndex() == index || (!e.isSelf() && e.masterIndex() == index));
        neigh.removeIf(n -> n.linkIndex() == index);
        learning.remove(index);
        for (Link other : new ArrayList<>(links.values())) {
            if (other.attrs().masterIndex() == index) {
                links.put(other.index(), withAttrs(other, other.attrs().withMaster(0)));
                learning.remove(other.index());
            }
        }
        if (l instanceof Veth v && links.containsKey(v.peerIndex())) {
            Link peer = links.remove(v.peerIndex());
            fire(new LinkEvent.Deleted(peer));
        }
        fire(new LinkEvent.Deleted(l));
    }

    @Override
    public synchronized void linkDel(String name) throws NetlinkException {
        linkDel(byName(name).orElseThrow(() -> notFound("linkDel " + name)).index());
    }

    @Override
    public synchronized Link linkByName(String name) throws NetlinkException {
        return byName(name).orElseThrow(() -> notFound("linkByName " + name));
    }

    @Override
    public synchronized Optional<Link> findLinkByName(String name) {
        return byName(name);
    }

    @Override
    public synchronized Link linkByIndex(int index) throws NetlinkException {
        Link l = links.get(index);
        if (l == null) {
            throw notFound("linkByIndex " + index);
        }
        return l;
    }

    @Override
    public List<Link> linkList() {
        List<Link> snapshot;
        Runnable during;
        synchronized (this) {
            linkDumps++;
            threadDumps.get()[0]++;
            snapshot = List.copyOf(links.values());
            during = duringDump;
        }
        during.run(); // what happens while the kernel's answer travels
        return snapshot;
    }

    /** Runs {@code r} inside every later {@link #linkList}, after the snapshot was taken. */
    public void duringDump(Runnable r) {
        this.duringDump = r;
    }

    @Override
    public void linkSetUp(int index) throws NetlinkException {
        update(index, "linkSetUp", a -> a.withUp(true));
    }

    @Override
    public void linkSetDown(int index) throws NetlinkException {
        update(index, "linkSetDown", a -> a.withUp(false));
    }

    @Override
    public void linkSetMtu(int index, int mtu) throws NetlinkException {
        update(index, "linkSetMtu", a -> a.withMtu(mtu));
    }

    @Override
    public synchronized void linkSetMaster(int index, int masterIndex) throws NetlinkException {
        if (!links.containsKey(masterIndex)) {
            throw notFound("linkSetMaster " + masterIndex);
        }
        update(index, "linkSetMaster", a -> a.withMaster(masterIndex));
        learning.remove(index);
        fdb.removeIf(e -> e.linkIndex() == index && !e.isSelf()); // the old bridge's entries for the port go
    }

    @Override
    public void linkSetNoMaster(int index) throws NetlinkException {
        update(index, "linkSetNoMaster", a -> a.withMaster(0));
    }

    @Override
    public void linkSetName(int index, String name) throws NetlinkException {
        update(index, "linkSetName", a -> new LinkAttrs(a.index(), name, a.mtu(), a.hardwareAddr(), a.masterIndex(),
                a.up(), a.lowerUp(), a.alias()));
    }

    @Override
    public void linkSetHardwareAddr(int index, MacAddress mac) throws NetlinkException {
        update(index, "linkSetHardwareAddr", a -> a.withHardwareAddr(mac));
    }

    @Override
    public void linkSetAlias(int index, String alias) throws NetlinkException {
        update(index, "linkSetAlias", a -> a.withAlias(alias));
    }

    @Override
    public synchronized void linkSetNs(int index, NetNs target) throws NetlinkException {
        Link l = linkByIndex(index);
        op("linkSetNs " + l.name());
        links.remove(index);
        fire(new LinkEvent.Deleted(l));
    }

    @Override
    public void linkSetNsPid(int index, int pid) throws NetlinkException {
        linkSetNs(index, null);
    }

    @Override
    public void addrAdd(int linkIndex, IpPrefix address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addrReplace(int linkIndex, IpPrefix address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addrDel(int linkIndex, IpPrefix address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized List<Addr> addrList(int linkIndex, Family family) {
        return addrs.stream().filter(a -> linkIndex == 0 || a.linkIndex() == linkIndex)
                .filter(a -> family == Family.ALL || Family.of(a.prefix().address()) == family).toList();
    }

    @Override
    public void routeAdd(Route route) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void routeReplace(Route route) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void routeDel(Route route) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized List<Route> routeList(Family family) {
        return routes.stream().filter(r -> family == Family.ALL || r.family() == family).toList();
    }

    @Override
    public Route routeGet(IpAddress destination) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized void neighAdd(Neighbor n) throws NetlinkException {
        neighSet(n);
    }

    @Override
    public synchronized void neighSet(Neighbor n) throws NetlinkException {
        linkByIndex(n.linkIndex());
        op("neighSet " + n.ip().toString());
        neigh.removeIf(o -> o.linkIndex() == n.linkIndex() && o.ip().equals(n.ip()));
        neigh.add(n);
    }

    @Override
    public synchronized void neighDel(Neighbor n) throws NetlinkException {
        op("neighDel " + n.ip().toString());
        if (!neigh.removeIf(o -> o.linkIndex() == n.linkIndex() && o.ip().equals(n.ip()))) {
            throw notFound("neighDel " + n.ip());
        }
    }

    @Override
    public synchronized List<Neighbor> neighList(int linkIndex, Family family) {
        return neigh.stream().filter(n -> linkIndex == 0 || n.linkIndex() == linkIndex).toList();
    }

    @Override
    public synchronized void fdbAdd(FdbEntry e) throws NetlinkException {
        fdbAppend(e);
    }

    @Override
    public synchronized void fdbSet(FdbEntry e) throws NetlinkException {
        linkByIndex(e.linkIndex());
        op((e.isMaster() ? "fdbSet master " : "fdbSet ") + e.mac());
        fdb.removeIf(o -> o.linkIndex() == e.linkIndex() && o.mac().equals(e.mac()) && o.isSelf() == e.isSelf());
        Link l = links.get(e.linkIndex());
        fdb.add(e.isMaster() ? FdbEntry.builder(e.linkIndex(), e.mac()).master().staticEntry()
                .masterIndex(l.attrs().masterIndex()).build() : e);
    }

    @Override
    public synchronized void fdbAppend(FdbEntry e) throws NetlinkException {
        linkByIndex(e.linkIndex());
        op("fdbAppend " + e.mac());
        fdb.add(e);
    }

    @Override
    public synchronized void fdbDel(FdbEntry e) throws NetlinkException {
        op((e.isMaster() ? "fdbDel master " : "fdbDel ") + e.mac());
        boolean removed = fdb.removeIf(o -> o.linkIndex() == e.linkIndex() && o.mac().equals(e.mac())
                && o.isSelf() == e.isSelf() && (e.destination().isEmpty() || o.destination().equals(e.destination())));
        if (!removed) {
            throw notFound("fdbDel " + e.mac());
        }
    }

    @Override
    public synchronized List<FdbEntry> fdbList(int linkIndex) {
        return fdb.stream().filter(e -> e.linkIndex() == linkIndex).toList();
    }

    @Override
    public synchronized void bridgePortSet(int index, BridgePortSettings settings) throws NetlinkException {
        Link l = linkByIndex(index);
        if (l.attrs().masterIndex() == 0) {
            throw new NotSupportedException(95, "bridgePortSet " + l.name(), null, "Operation not supported");
        }
        op("bridgePortSet " + l.name() + " " + settings);
        settings.learning().ifPresent(on -> learning.put(index, on));
    }

    @Override
    public synchronized BridgePort bridgePortByIndex(int index) throws NetlinkException {
        Link l = links.get(index);
        if (l == null || l.attrs().masterIndex() == 0) {
            throw notFound("bridgePortByIndex " + index);
        }
        return new BridgePort(index, l.name(), l.attrs().masterIndex(), BridgePort.BR_STATE_FORWARDING,
                BridgePortSettings.builder().learning(learning(index)).build());
    }

    private static String key(IngressTarget t) {
        return t.ifindex() > 0 ? "dev " + t.ifindex() : "block " + Integer.toUnsignedString(t.block());
    }

    private void dropClsact(int ifindex) {
        Integer block = clsact.remove(ifindex);
        filters.remove("dev " + ifindex);
        if (block != null && block != 0 && !clsact.containsValue(block)) {
            filters.remove(key(IngressTarget.block(block))); // a block goes with the last qdisc using it
        }
    }

    private void requireTc(String op) throws NetlinkException {
        if (tcMissing) {
            throw new NotFoundException(2, op, "TC classifier not found", "ENOENT (no such file or directory): TC classifier not found");
        }
    }

    private boolean exists(IngressTarget t) {
        return t.ifindex() > 0 ? clsact.containsKey(t.ifindex()) : clsact.containsValue(t.block());
    }

    @Override
    public synchronized void clsactAdd(int ifindex, int ingressBlock) throws NetlinkException {
        String op = "clsactAdd " + ifindex + " block " + Integer.toUnsignedString(ingressBlock);
        requireTc(op);
        linkByIndex(ifindex);
        if (clsact.containsKey(ifindex)) {
            throw new AlreadyExistsException(17, op, null, "File exists");
        }
        op(op);
        clsact.put(ifindex, ingressBlock);
    }

    @Override
    public synchronized void clsactDel(int ifindex) throws NetlinkException {
        String op = "clsactDel " + ifindex;
        if (!clsact.containsKey(ifindex)) {
            throw new NetlinkException(22, op, "Invalid handle", "EINVAL (invalid argument): Invalid handle"); // as the kernel
        }
        op(op);
        dropClsact(ifindex);
    }

    @Override
    public synchronized Map<Integer, Integer> clsactList() {
        return Map.copyOf(clsact);
    }

    /** How many ingress filter dumps ({@link #ingressFilters}) were made so far. */
    public synchronized int filterDumps() {
        return filterDumps;
    }

    @Override
    public synchronized Map<Integer, Optional<IngressFilter>> ingressFilters(IngressTarget target) {
        filterDumps++;
        return exists(target) ? Map.copyOf(filters.getOrDefault(key(target), new TreeMap<>())) : Map.of();
    }

    @Override
    public synchronized void ingressFilterAdd(IngressTarget target, IngressFilter filter) throws NetlinkException {
        String op = "ingressFilterAdd " + key(target) + " " + filter;
        requireTc(op);
        if (!exists(target)) {
            throw new NotFoundException(2, op, null, "No such file or directory");
        }
        op(op);
        filters.computeIfAbsent(key(target), k -> new TreeMap<>()).merge(filter.priority(), Optional.of(filter),
                (had, now) -> Optional.empty());
    }

    @Override
    public synchronized void ingressFilterDel(IngressTarget target, int priority) throws NetlinkException {
        String op = "ingressFilterDel " + key(target) + " prio " + priority;
        TreeMap<Integer, Optional<IngressFilter>> at = filters.get(key(target));
        if (!exists(target) || at == null || !at.containsKey(priority)) {
            throw new NotFoundException(2, op, null, "No such file or directory");
        }
        op(op);
        at.remove(priority);
    }

    @Override
    public LinkSubscription subscribeLinks(Consumer<LinkEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public NetNs namespace() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
