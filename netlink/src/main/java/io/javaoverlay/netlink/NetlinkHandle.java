package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A handle on rtnetlink bound to one network namespace (the one it was opened in; see
 * {@link Netlink#open()} and {@link Netlink#openIn(NetNs)}). Thread-safe: requests on one handle
 * are serialised. No operation mutates its arguments; results are read back from the kernel.
 *
 * <p>Method names follow iproute2 verbs; each Javadoc names the equivalent command.
 *
 * <p>Operations added after the first release (link sizes, bridge ports, the bridge's own FDB) are
 * default methods that throw {@link UnsupportedOperationException}, so test doubles written against
 * the earlier interface still compile; the kernel-backed handle implements them all.
 */
public interface NetlinkHandle extends Closeable {

    // ---- links -------------------------------------------------------------------------

    /**
     * Creates a link (CREATE|EXCL) of the kind given by {@code spec}'s type and returns it as
     * read back from the kernel. For a {@link Veth} the peer is created too, in
     * {@link Veth#peerNamespace()} when present. If {@code spec.attrs().masterIndex()} is set the
     * link is enslaved in the same request; if {@code spec.attrs().up()} it is brought up after.
     * Equivalent to {@code ip link add NAME type KIND ...}.
     *
     * @throws AlreadyExistsException if a link of that name exists
     */
    Link linkAdd(Link spec) throws NetlinkException;

    /** Deletes a link by index. Equivalent to {@code ip link del dev DEV}. */
    void linkDel(int index) throws NetlinkException;

    /** Deletes a link by name. Equivalent to {@code ip link del NAME}. */
    void linkDel(String name) throws NetlinkException;

    /** Equivalent to {@code ip -d link show NAME}. @throws NotFoundException if absent */
    Link linkByName(String name) throws NetlinkException;

    /** Equivalent to {@code ip -d link show NAME}, empty when absent. */
    Optional<Link> findLinkByName(String name) throws NetlinkException;

    /** Equivalent to {@code ip -d link show} for one ifindex. @throws NotFoundException if absent */
    Link linkByIndex(int index) throws NetlinkException;

    /** Dumps every link in the namespace. Equivalent to {@code ip -d link show}. */
    List<Link> linkList() throws NetlinkException;

    /** Equivalent to {@code ip link set DEV up}. */
    void linkSetUp(int index) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV down}. */
    void linkSetDown(int index) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV mtu MTU}. */
    void linkSetMtu(int index, int mtu) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV master BR}. */
    void linkSetMaster(int index, int masterIndex) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV nomaster}. */
    void linkSetNoMaster(int index) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV name NAME}. */
    void linkSetName(int index, String name) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV address MAC}. */
    void linkSetHardwareAddr(int index, MacAddress mac) throws NetlinkException;

    /** Equivalent to {@code ip link set DEV alias ALIAS}. */
    void linkSetAlias(int index, String alias) throws NetlinkException;

    /** Moves a link into another namespace. Equivalent to {@code ip link set DEV netns NS}. */
    void linkSetNs(int index, NetNs target) throws NetlinkException;

    /** Moves a link into the namespace of a process. Equivalent to {@code ip link set DEV netns PID}. */
    void linkSetNsPid(int index, int pid) throws NetlinkException;

    /** Sets the transmit queue length in packets. Equivalent to {@code ip link set DEV txqueuelen N}. */
    default void linkSetTxQueueLen(int index, int packets) throws NetlinkException {
        throw unsupported("linkSetTxQueueLen");
    }

    /**
     * Sets the largest GSO packet the stack builds for the link. Equivalent to
     * {@code ip link set DEV gso_max_size BYTES}.
     */
    default void linkSetGsoMaxSize(int index, int bytes) throws NetlinkException {
        throw unsupported("linkSetGsoMaxSize");
    }

    /**
     * Sets the largest packet GRO aggregates on the link. Equivalent to
     * {@code ip link set DEV gro_max_size BYTES}.
     */
    default void linkSetGroMaxSize(int index, int bytes) throws NetlinkException {
        throw unsupported("linkSetGroMaxSize");
    }

    // ---- bridge ports ------------------------------------------------------------------

    /**
     * Changes the switches set in {@code settings} on a bridge port and leaves the others alone.
     * Equivalent to {@code bridge link set dev DEV learning off flood off mcast_flood on bcast_flood on
     * neigh_suppress on}.
     *
     * @throws NotSupportedException if the link is not enslaved to a bridge
     * @throws NotFoundException if there is no such link
     */
    default void bridgePortSet(int index, BridgePortSettings settings) throws NetlinkException {
        throw unsupported("bridgePortSet");
    }

    /** Every bridge port in the namespace with its settings. Equivalent to {@code bridge -d link show}. */
    default List<BridgePort> bridgePortList() throws NetlinkException {
        throw unsupported("bridgePortList");
    }

    /**
     * One bridge port with its settings. Equivalent to {@code bridge -d link show dev DEV}.
     *
     * @throws NotFoundException if no bridge port has that ifindex
     */
    default BridgePort bridgePortByIndex(int index) throws NetlinkException {
        throw unsupported("bridgePortByIndex");
    }

    // ---- addresses ---------------------------------------------------------------------

    /** Equivalent to {@code ip addr add PREFIX dev DEV}. */
    void addrAdd(int linkIndex, IpPrefix address) throws NetlinkException;

    /** Equivalent to {@code ip addr replace PREFIX dev DEV}. */
    void addrReplace(int linkIndex, IpPrefix address) throws NetlinkException;

    /** Equivalent to {@code ip addr del PREFIX dev DEV}. */
    void addrDel(int linkIndex, IpPrefix address) throws NetlinkException;

    /** Addresses of one link ({@code linkIndex > 0}) or all links (0). Equivalent to {@code ip addr show}. */
    List<Addr> addrList(int linkIndex, Family family) throws NetlinkException;

    // ---- routes ------------------------------------------------------------------------

    /** Equivalent to {@code ip route add ...}. */
    void routeAdd(Route route) throws NetlinkException;

    /** Equivalent to {@code ip route replace ...}. */
    void routeReplace(Route route) throws NetlinkException;

    /** Equivalent to {@code ip route del ...}. */
    void routeDel(Route route) throws NetlinkException;

    /** Routes of the main table. Equivalent to {@code ip route show table main}. */
    List<Route> routeList(Family family) throws NetlinkException;

    /** The route the kernel would use to reach {@code destination}. Equivalent to {@code ip route get ADDR}. */
    Route routeGet(IpAddress destination) throws NetlinkException;

    // ---- neighbours (ARP / ND) ---------------------------------------------------------

    /** CREATE|EXCL. Equivalent to {@code ip neigh add IP lladdr MAC dev DEV nud STATE}. */
    void neighAdd(Neighbor neighbor) throws NetlinkException;

    /** CREATE|REPLACE. Equivalent to {@code ip neigh replace IP lladdr MAC dev DEV nud STATE}. */
    void neighSet(Neighbor neighbor) throws NetlinkException;

    /** Equivalent to {@code ip neigh del IP dev DEV}. */
    void neighDel(Neighbor neighbor) throws NetlinkException;

    /** Equivalent to {@code ip neigh show dev DEV} (all links when {@code linkIndex == 0}). */
    List<Neighbor> neighList(int linkIndex, Family family) throws NetlinkException;

    // ---- FDB (AF_BRIDGE) ---------------------------------------------------------------

    /** CREATE|EXCL. Equivalent to {@code bridge fdb add MAC dev DEV dst IP self permanent}. */
    void fdbAdd(FdbEntry entry) throws NetlinkException;

    /** CREATE|REPLACE. Equivalent to {@code bridge fdb replace MAC dev DEV dst IP self permanent}. */
    void fdbSet(FdbEntry entry) throws NetlinkException;

    /**
     * CREATE|APPEND, for several remote VTEPs on one MAC (the all-zeros MAC for head-end
     * replication). Equivalent to {@code bridge fdb append MAC dev DEV dst IP self permanent}.
     */
    void fdbAppend(FdbEntry entry) throws NetlinkException;

    /**
     * Deletes one entry: from the device's own table for a self entry (with {@code dst}, only the
     * entry to that VTEP, so one flood entry of several goes), from the bridge's table for a master
     * entry. Entries read back by {@link #fdbList} or {@link #fdbListBridge} can be passed as they are.
     * Equivalent to {@code bridge fdb del MAC dev DEV [dst IP] self|master}.
     *
     * @throws NotFoundException if there is no such entry
     */
    void fdbDel(FdbEntry entry) throws NetlinkException;

    /**
     * FDB entries whose device is {@code linkIndex}: for a VXLAN device its own entries, for a bridge
     * port also the bridge's entries pointing at the port (static and learned; see
     * {@link FdbEntry#isDynamic()}). Equivalent to {@code bridge fdb show dev DEV}.
     */
    List<FdbEntry> fdbList(int linkIndex) throws NetlinkException;

    /**
     * The FDB of a bridge: the bridge's entries for every port (local, static and learned, each with
     * its port as {@link FdbEntry#linkIndex()}) and the own entries of the bridge and its ports.
     * Equivalent to {@code bridge fdb show br BR}.
     *
     * @throws NotFoundException if there is no such bridge
     */
    default List<FdbEntry> fdbListBridge(int bridgeIndex) throws NetlinkException {
        throw unsupported("fdbListBridge");
    }

    // ---- traffic control (ingress filters) -------------------------------------------------

    /**
     * Adds the {@code clsact} qdisc to device {@code ifindex}, its ingress bound to shared filter block
     * {@code ingressBlock} (0: the device's own filters). Equivalent to
     * {@code tc qdisc add dev DEV clsact [ingress_block N]}.
     *
     * @throws AlreadyExistsException if the device has a clsact (or ingress) qdisc already
     * @throws NotSupportedException  if the kernel has no clsact qdisc
     */
    default void clsactAdd(int ifindex, int ingressBlock) throws NetlinkException {
        throw unsupported("clsactAdd");
    }

    /** Removes the device's {@code clsact} qdisc and every filter it holds ({@code tc qdisc del dev DEV clsact}). */
    default void clsactDel(int ifindex) throws NetlinkException {
        throw unsupported("clsactDel");
    }

    /**
     * The ingress block of every device with a {@code clsact} qdisc: ifindex to block index (0 when
     * the device has its own filters). Equivalent to {@code tc qdisc show}.
     */
    default java.util.Map<Integer, Integer> clsactList() throws NetlinkException {
        throw unsupported("clsactList");
    }

    /**
     * The filters at {@code target}, by priority: a filter of the shape {@link IngressFilter} describes, or
     * empty for anything else at that priority. Equivalent to {@code tc filter show (dev DEV ingress | block N)}.
     *
     * Empty when the device has no clsact qdisc, or no qdisc uses the block.
     */
    default java.util.Map<Integer, Optional<IngressFilter>> ingressFilters(IngressTarget target) throws NetlinkException {
        throw unsupported("ingressFilters");
    }

    /**
     * Adds {@code filter} at its priority. Equivalent to {@code tc filter add ... prio P protocol all u32
     * match ether dst MAC [action mirred egress redirect dev DEV]}. The kernel keeps any number of u32
     * filters at one priority: callers keep one per priority ({@link #ingressFilters} reports a priority
     * holding two different ones as foreign).
     *
     * @throws NotFoundException if the device has no clsact qdisc, or the kernel has no u32 classifier
     *                           or mirred action ("TC classifier not found")
     */
    default void ingressFilterAdd(IngressTarget target, IngressFilter filter) throws NetlinkException {
        throw unsupported("ingressFilterAdd");
    }

    /** Removes every filter of {@code priority} at {@code target}. @throws NotFoundException if there is none */
    default void ingressFilterDel(IngressTarget target, int priority) throws NetlinkException {
        throw unsupported("ingressFilterDel");
    }

    // ---- events ------------------------------------------------------------------------

    /**
     * Subscribes to link events (RTNLGRP_LINK) in this handle's namespace on a separate socket.
     * Events are delivered on a dedicated daemon thread. If the kernel drops events (ENOBUFS) the
     * listener receives {@link LinkEvent.Overflow} and must resync with a dump.
     */
    LinkSubscription subscribeLinks(Consumer<LinkEvent> listener) throws NetlinkException;

    /** The namespace this handle operates in. */
    NetNs namespace();

    @Override
    void close();

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + " is not supported by " + getClass().getSimpleName());
    }
}
