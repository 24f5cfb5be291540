package io.javaoverlay.netlink.internal;

import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.BridgePort;
import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.DumpInterruptedException;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.netlink.internal.wire.AddrCodec;
import io.javaoverlay.netlink.internal.wire.BridgePortCodec;
import io.javaoverlay.netlink.internal.wire.Errors;
import io.javaoverlay.netlink.internal.wire.LinkCodec;
import io.javaoverlay.netlink.internal.wire.NeighCodec;
import io.javaoverlay.netlink.internal.wire.NetlinkSocket;
import io.javaoverlay.netlink.internal.wire.NetlinkTransport;
import io.javaoverlay.netlink.internal.wire.NlMessage;
import io.javaoverlay.netlink.internal.wire.NlMsgBuilder;
import io.javaoverlay.netlink.internal.wire.RouteCodec;
import io.javaoverlay.netlink.internal.wire.TcCodec;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

/**
 * {@link NetlinkHandle} over one {@link NetlinkSocket}. Encoding lives in the wire codecs; this
 * class picks the header flags (they encode intent: add = CREATE|EXCL, set = CREATE|REPLACE,
 * append = CREATE|APPEND), names each operation for error messages, and retries interrupted dumps.
 */
public final class RtnlHandle implements NetlinkHandle {
    /** Attempts for a dump that keeps coming back with NLM_F_DUMP_INTR. */
    static final int DUMP_ATTEMPTS = 5;

    /** Opens another socket in this handle's namespace (for event subscriptions). */
    @FunctionalInterface
    public interface TransportFactory {
        NetlinkTransport open(int groups, int rcvTimeoutMillis) throws NetlinkException;
    }

    private final NetlinkSocket socket;
    private final NetNs namespace;
    private final TransportFactory factory;

    public RtnlHandle(NetlinkSocket socket, NetNs namespace, TransportFactory factory) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.namespace = namespace;
        this.factory = factory;
    }

    private <T> List<T> dumpAll(NlMsgBuilder req, String op, Function<NlMessage, Optional<T>> decode)
            throws NetlinkException {
        for (int attempt = 1; ; attempt++) {
            try {
                List<T> out = new ArrayList<>();
                for (NlMessage m : socket.dump(req, op)) {
                    decode.apply(m).ifPresent(out::add);
                }
                return out;
            } catch (DumpInterruptedException e) {
                if (attempt >= DUMP_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static String op(NlMsgBuilder b, String object) {
        return rtmName(b.type()) + " " + object;
    }

    private void ack(NlMsgBuilder b, String object) throws NetlinkException {
        socket.request(b, op(b, object));
    }

    private static String dev(int index) {
        return "ifindex " + index;
    }

    // ---- links ---------------------------------------------------------------------------

    @Override
    public Link linkAdd(Link spec) throws NetlinkException {
        Objects.requireNonNull(spec, "spec");
        ack(LinkCodec.encodeCreate(spec, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL), spec.name());
        Link created = linkByName(spec.name());
        if (spec.attrs().up()) {
            linkSetUp(created.index());
            created = linkByIndex(created.index());
        }
        return created;
    }

    @Override
    public void linkDel(int index) throws NetlinkException {
        ack(LinkCodec.encodeDelete(index, null), dev(index));
    }

    @Override
    public void linkDel(String name) throws NetlinkException {
        ack(LinkCodec.encodeDelete(0, name), name);
    }

    @Override
    public Link linkByName(String name) throws NetlinkException {
        NlMsgBuilder b = LinkCodec.encodeGet(0, name);
        return single(socket.request(b, op(b, name)), op(b, name));
    }

    @Override
    public Optional<Link> findLinkByName(String name) throws NetlinkException {
        try {
            return Optional.of(linkByName(name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Link linkByIndex(int index) throws NetlinkException {
        NlMsgBuilder b = LinkCodec.encodeGet(index, null);
        return single(socket.request(b, op(b, dev(index))), op(b, dev(index)));
    }

    private static Link single(List<NlMessage> replies, String op) throws NetlinkException {
        for (NlMessage m : replies) {
            if (m.header().type() == RTM_NEWLINK) {
                return LinkCodec.decode(m);
            }
        }
        throw Errors.local(op, "no RTM_NEWLINK in the reply");
    }

    @Override
    public List<Link> linkList() throws NetlinkException {
        return dumpAll(LinkCodec.encodeDump(), "RTM_GETLINK dump",
                m -> m.header().type() == RTM_NEWLINK ? Optional.of(LinkCodec.decode(m)) : Optional.empty());
    }

    @Override
    public void linkSetUp(int index) throws NetlinkException {
        ack(LinkCodec.encodeChange(index, IFF_UP, IFF_UP), dev(index) + " up");
    }

    @Override
    public void linkSetDown(int index) throws NetlinkException {
        ack(LinkCodec.encodeChange(index, 0, IFF_UP), dev(index) + " down");
    }

    @Override
    public void linkSetMtu(int index, int mtu) throws NetlinkException {
        if (mtu <= 0) {
            throw new IllegalArgumentException("invalid MTU " + mtu + " for " + dev(index));
        }
        ack(LinkCodec.encodeChange(index, 0, 0).attrU32(IFLA_MTU, mtu), dev(index) + " mtu " + mtu);
    }

    @Override
    public void linkSetMaster(int index, int masterIndex) throws NetlinkException {
        ack(LinkCodec.encodeChange(index, 0, 0).attrU32(IFLA_MASTER, masterIndex), dev(index) + " master " + masterIndex);
    }

    @Override
    public void linkSetNoMaster(int index) throws NetlinkException {
        ack(LinkCodec.encodeChange(index, 0, 0).attrU32(IFLA_MASTER, 0), dev(index) + " nomaster");
    }

    @Override
    public void linkSetName(int index, String name) throws NetlinkException {
        io.javaoverlay.netlink.LinkAttrs.named(name); // validates
        ack(LinkCodec.encodeChange(index, 0, 0).attrString(IFLA_IFNAME, name), dev(index) + " name " + name);
    }

    @Override
    public void linkSetHardwareAddr(int index, MacAddress mac) throws NetlinkException {
        Objects.requireNonNull(mac, "mac");
        ack(LinkCodec.encodeChange(index, 0, 0).attr(IFLA_ADDRESS, mac.bytes()), dev(index) + " address " + mac);
    }

    @Override
    public void linkSetAlias(int index, String alias) throws NetlinkException {
        Objects.requireNonNull(alias, "alias");
        ack(LinkCodec.encodeChange(index, 0, 0).attrString(IFLA_IFALIAS, alias), dev(index) + " alias " + alias);
    }

    @Override
    public void linkSetNs(int index, NetNs target) throws NetlinkException {
        ack(LinkCodec.encodeChange(index, 0, 0).attrU32(IFLA_NET_NS_FD, target.fd()), dev(index) + " netns " + target.name());
    }

    @Override
    public void linkSetNsPid(int index, int pid) throws NetlinkException {
        ack(LinkCodec.encodeChange(index, 0, 0).attrU32(IFLA_NET_NS_PID, pid), dev(index) + " netns pid " + pid);
    }

    @Override
    public void linkSetTxQueueLen(int index, int packets) throws NetlinkException {
        setSize(index, IFLA_TXQLEN, "txqueuelen", packets, 0);
    }

    @Override
    public void linkSetGsoMaxSize(int index, int bytes) throws NetlinkException {
        setSize(index, IFLA_GSO_MAX_SIZE, "gso_max_size", bytes, 1);
    }

    @Override
    public void linkSetGroMaxSize(int index, int bytes) throws NetlinkException {
        setSize(index, IFLA_GRO_MAX_SIZE, "gro_max_size", bytes, 1);
    }

    /** One u32 link attribute, named as {@code ip link set} names it; refused below {@code min} before sending. */
    private void setSize(int index, int attr, String keyword, int value, int min) throws NetlinkException {
        if (value < min) {
            throw new IllegalArgumentException("invalid " + keyword + " " + value + " for " + dev(index));
        }
        ack(LinkCodec.encodeChange(index, 0, 0).attrU32(attr, value), dev(index) + " " + keyword + " " + value);
    }

    // ---- bridge ports --------------------------------------------------------------------

    @Override
    public void bridgePortSet(int index, BridgePortSettings settings) throws NetlinkException {
        Objects.requireNonNull(settings, "settings");
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("bridge port " + dev(index) + ": no setting to change");
        }
        ack(BridgePortCodec.encodeSet(index, settings), "AF_BRIDGE " + dev(index) + " " + settings);
    }

    @Override
    public List<BridgePort> bridgePortList() throws NetlinkException {
        return dumpAll(BridgePortCodec.encodeDump(), "RTM_GETLINK AF_BRIDGE dump",
                m -> m.header().type() == RTM_NEWLINK ? BridgePortCodec.decode(m) : Optional.empty());
    }

    @Override
    public BridgePort bridgePortByIndex(int index) throws NetlinkException {
        // AF_BRIDGE RTM_GETLINK has no single-link form (the bridge registers only a dump handler).
        for (BridgePort p : bridgePortList()) {
            if (p.index() == index) {
                return p;
            }
        }
        throw (NotFoundException) Errors.of(Errors.ENODEV, "RTM_GETLINK AF_BRIDGE " + dev(index), "not a bridge port");
    }

    // ---- addresses -----------------------------------------------------------------------

    @Override
    public void addrAdd(int linkIndex, IpPrefix address) throws NetlinkException {
        ack(AddrCodec.encode(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, linkIndex, address),
                address + " dev " + dev(linkIndex));
    }

    @Override
    public void addrReplace(int linkIndex, IpPrefix address) throws NetlinkException {
        ack(AddrCodec.encode(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, linkIndex, address),
                address + " dev " + dev(linkIndex));
    }

    @Override
    public void addrDel(int linkIndex, IpPrefix address) throws NetlinkException {
        ack(AddrCodec.encode(RTM_DELADDR, NLM_F_ACK, linkIndex, address), address + " dev " + dev(linkIndex));
    }

    @Override
    public List<Addr> addrList(int linkIndex, Family family) throws NetlinkException {
        return dumpAll(AddrCodec.encodeDump(family), "RTM_GETADDR dump",
                m -> m.header().type() == RTM_NEWADDR ? AddrCodec.decode(m)
                        .filter(a -> linkIndex == 0 || a.linkIndex() == linkIndex) : Optional.empty());
    }

    // ---- routes --------------------------------------------------------------------------

    private static String describe(Route r) {
        return r.destination().map(IpPrefix::toString).orElse("default")
                + r.gateway().map(g -> " via " + g).orElse("")
                + (r.outputIndex() > 0 ? " dev " + dev(r.outputIndex()) : "") + " table " + r.table();
    }

    @Override
    public void routeAdd(Route route) throws NetlinkException {
        ack(RouteCodec.encode(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, route), describe(route));
    }

    @Override
    public void routeReplace(Route route) throws NetlinkException {
        ack(RouteCodec.encode(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, route), describe(route));
    }

    @Override
    public void routeDel(Route route) throws NetlinkException {
        ack(RouteCodec.encode(RTM_DELROUTE, NLM_F_ACK, route), describe(route));
    }

    @Override
    public List<Route> routeList(Family family) throws NetlinkException {
        return dumpAll(RouteCodec.encodeDump(family), "RTM_GETROUTE dump",
                m -> m.header().type() == RTM_NEWROUTE ? RouteCodec.decode(m)
                        .filter(r -> r.table() == RT_TABLE_MAIN) : Optional.empty());
    }

    @Override
    public Route routeGet(IpAddress destination) throws NetlinkException {
        NlMsgBuilder b = RouteCodec.encodeGet(destination);
        String op = op(b, destination.toString());
        for (NlMessage m : socket.request(b, op)) {
            if (m.header().type() == RTM_NEWROUTE) {
                Optional<Route> r = RouteCodec.decode(m);
                if (r.isPresent()) {
                    return r.get();
                }
            }
        }
        throw Errors.local(op, "no RTM_NEWROUTE in the reply");
    }

    // ---- neighbours ----------------------------------------------------------------------

    private static String describe(Neighbor n) {
        return n.ip().toString() + (n.mac() != null ? " lladdr " + n.mac() : "") + " dev " + dev(n.linkIndex());
    }

    @Override
    public void neighAdd(Neighbor n) throws NetlinkException {
        ack(NeighCodec.encodeNeighbor(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, n), describe(n));
    }

    @Override
    public void neighSet(Neighbor n) throws NetlinkException {
        ack(NeighCodec.encodeNeighbor(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, n), describe(n));
    }

    @Override
    public void neighDel(Neighbor n) throws NetlinkException {
        ack(NeighCodec.encodeNeighbor(RTM_DELNEIGH, NLM_F_ACK, n), describe(n));
    }

    @Override
    public List<Neighbor> neighList(int linkIndex, Family family) throws NetlinkException {
        // The kernel filters by device; filtering again here keeps the result right on any kernel.
        return dumpAll(NeighCodec.encodeDump(family, linkIndex), "RTM_GETNEIGH dump",
                m -> m.header().type() == RTM_NEWNEIGH ? NeighCodec.decodeNeighbor(m)
                        .filter(n -> linkIndex == 0 || n.linkIndex() == linkIndex) : Optional.empty());
    }

    // ---- FDB -----------------------------------------------------------------------------

    private static String describe(FdbEntry e) {
        return e.mac() + " dev " + dev(e.linkIndex()) + e.destination().map(d -> " dst " + d).orElse("")
                + (e.isMaster() ? " master" : e.isSelf() ? " self" : "");
    }

    @Override
    public void fdbAdd(FdbEntry e) throws NetlinkException {
        ack(NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, e), describe(e));
    }

    @Override
    public void fdbSet(FdbEntry e) throws NetlinkException {
        ack(NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, e), describe(e));
    }

    @Override
    public void fdbAppend(FdbEntry e) throws NetlinkException {
        ack(NeighCodec.encodeFdb(RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND, e), describe(e));
    }

    @Override
    public void fdbDel(FdbEntry e) throws NetlinkException {
        ack(NeighCodec.encodeFdbDelete(e), describe(e));
    }

    @Override
    public List<FdbEntry> fdbList(int linkIndex) throws NetlinkException {
        // The kernel filters by port; filtering again here keeps the result right on any kernel.
        return dumpAll(NeighCodec.encodeFdbDump(linkIndex), "RTM_GETNEIGH AF_BRIDGE dump " + dev(linkIndex),
                m -> m.header().type() == RTM_NEWNEIGH ? NeighCodec.decodeFdb(m)
                        .filter(e -> e.linkIndex() == linkIndex) : Optional.empty());
    }

    @Override
    public List<FdbEntry> fdbListBridge(int bridgeIndex) throws NetlinkException {
        if (bridgeIndex <= 0) {
            throw new IllegalArgumentException("invalid bridge ifindex " + bridgeIndex);
        }
        return dumpAll(NeighCodec.encodeFdbDumpBridge(bridgeIndex), "RTM_GETNEIGH AF_BRIDGE dump br " + dev(bridgeIndex),
                m -> m.header().type() == RTM_NEWNEIGH ? NeighCodec.decodeFdb(m) : Optional.empty());
    }

    // ---- traffic control ---------------------------------------------------------------------

    @Override
    public void clsactAdd(int ifindex, int ingressBlock) throws NetlinkException {
        ack(TcCodec.encodeClsact(TcCodec.RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ifindex, ingressBlock),
                "clsact " + dev(ifindex) + (ingressBlock != 0 ? " ingress_block " + Integer.toUnsignedString(ingressBlock) : ""));
    }

    @Override
    public void clsactDel(int ifindex) throws NetlinkException {
        ack(TcCodec.encodeClsact(TcCodec.RTM_DELQDISC, NLM_F_ACK, ifindex, 0), "clsact " + dev(ifindex));
    }

    @Override
    public java.util.Map<Integer, Integer> clsactList() throws NetlinkException {
        java.util.Map<Integer, Integer> out = new java.util.TreeMap<>();
        for (TcCodec.Qdisc q : dumpAll(TcCodec.encodeQdiscDump(), "RTM_GETQDISC dump", TcCodec::decodeQdisc)) {
            if (q.kind().equals("clsact")) {
                out.put(q.ifindex(), q.ingressBlock());
            }
        }
        return out;
    }

    @Override
    public java.util.Map<Integer, Optional<IngressFilter>> ingressFilters(IngressTarget target) throws NetlinkException {
        java.util.Map<Integer, Optional<IngressFilter>> out = new java.util.TreeMap<>();
        for (TcCodec.Decoded d : dumpAll(TcCodec.encodeFilterDump(target), "RTM_GETTFILTER dump " + target,
                TcCodec::decodeFilter)) {
            // A priority with a foreign filter stays foreign whatever else it holds.
            out.merge(d.priority(), d.filter(), (had, now) -> had.isPresent() && now.isPresent() && had.equals(now)
                    ? had : Optional.empty());
        }
        return out;
    }

    @Override
    public void ingressFilterAdd(IngressTarget target, IngressFilter filter) throws NetlinkException {
        ack(TcCodec.encodeFilterAdd(NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, target, filter), "u32 " + filter + " at " + target);
    }

    @Override
    public void ingressFilterDel(IngressTarget target, int priority) throws NetlinkException {
        ack(TcCodec.encodeFilterDel(target, priority), "filter prio " + priority + " at " + target);
    }

    // ---- events --------------------------------------------------------------------------

    @Override
    public LinkSubscription subscribeLinks(Consumer<LinkEvent> listener) throws NetlinkException {
        Objects.requireNonNull(listener, "listener");
        if (factory == null) {
            throw Errors.local("subscribe RTNLGRP_LINK", "this handle cannot open further sockets");
        }
        return LinkWatcher.start(factory.open(RTMGRP_LINK, LinkWatcher.POLL_MILLIS), listener,
                namespace == null ? "?" : namespace.name());
    }

    @Override
    public NetNs namespace() {
        return namespace;
    }

    @Override
    public void close() {
        socket.close();
        if (namespace != null) {
            namespace.close();
        }
    }
}
