package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;

import java.util.Optional;

/**
 * One idempotent kernel change planned by {@link Planner} and carried out by {@link Applier}.
 * Devices are referred to by name because a device created earlier in the same pass has no
 * ifindex at planning time.
 */
public sealed interface Action {

    /** {@code ip link add NAME mtu MTU type bridge; ip link set NAME alias ALIAS}. */
    record CreateBridge(String name, int mtu, String alias) implements Action {}

    /**
     * {@code ip link add NAME mtu MTU type vxlan id VNI local VTEP dstport PORT nolearning proxy dev UNDERLAY}
     * plus the alias.
     */
    record CreateVxlan(String name, int vni, IpAddress local, int port, int underlayIndex, int mtu, String alias)
            implements Action {}

    /** {@code ip link del NAME}; NotFound is success. {@code reason} goes to the log. */
    record DeleteLink(String name, int index, String reason) implements Action {}

    /** {@code ip link set NAME mtu MTU}. */
    record SetMtu(String name, int mtu) implements Action {}

    /** {@code ip link set NAME alias ALIAS}. */
    record SetAlias(String name, String alias) implements Action {}

    /** {@code ip link set NAME master MASTER}. */
    record SetMaster(String name, String master) implements Action {}

    /** {@code ip link set NAME up}. */
    record SetUp(String name) implements Action {}

    /** {@code bridge fdb replace MAC dev DEVICE dst VTEP self permanent}. */
    record FdbReplace(String device, MacAddress mac, IpAddress vtep) implements Action {}

    /** {@code bridge fdb del MAC dev DEVICE dst VTEP self}; NotFound is success. */
    record FdbDelete(String device, MacAddress mac, Optional<IpAddress> dst) implements Action {}

    /**
     * {@code bridge fdb append 00:00:00:00:00:00 dev DEVICE dst VTEP self permanent}: one more VTEP in
     * the device's head-end replication list (broadcast, multicast and unknown-unicast frames go to
     * every VTEP in it). EEXIST is success. Removed with {@link FdbDelete} of the all-zero MAC and dst.
     */
    record FloodAppend(String device, IpAddress vtep) implements Action {}

    /**
     * {@code bridge fdb replace MAC dev DEVICE master static}: the bridge forwards frames to {@code mac}
     * out of the vxlan port and never learns (so never keeps) it from traffic. Replaces a learned entry.
     */
    record BridgeFdbReplace(String device, MacAddress mac) implements Action {}

    /**
     * {@code bridge fdb del MAC dev DEVICE master}: a bridge entry on the vxlan port nobody wants (a
     * withdrawn peer's static entry, or one learned from traffic); NotFound is success.
     */
    record BridgeFdbDelete(String device, MacAddress mac, boolean learned) implements Action {}

    /** {@code bridge link set dev NAME learning on|off} (IFLA_BRPORT_LEARNING). */
    record SetLearning(String name, boolean on) implements Action {}

    /**
     * {@code bridge link set dev NAME flood on|off} (IFLA_BRPORT_UNICAST_FLOOD): off keeps unknown
     * unicast from reaching the vxlan port, so head-end replication carries only broadcast and multicast.
     */
    record SetUnicastFlood(String name, boolean on) implements Action {}

    /** {@code ip neigh replace IP lladdr MAC dev DEVICE nud permanent}. */
    record NeighReplace(String device, IpAddress ip, MacAddress mac) implements Action {}

    /** {@code ip neigh del IP dev DEVICE}; NotFound is success. */
    record NeighDelete(String device, IpAddress ip, MacAddress mac) implements Action {}

    /** Something the planner must not fix (a foreign device in the way); always counts as failed. */
    record Refuse(String name, String reason) implements Action {}
}
