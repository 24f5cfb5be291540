package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.reconcile.Action;
import io.javaoverlay.vxlan.reconcile.Applier;
import io.javaoverlay.vxlan.reconcile.Compat;
import io.javaoverlay.vxlan.reconcile.DeviceNames;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Join's device work: the network's bridge and vxlan device, each looked up by name and created only
 * when missing (no pass, no dump of the host's links). What else a device may need (MTU, alias, a
 * device of an older shape) is the pass's business, which Join triggers right after. Runs on the
 * network's executor.
 */
final class DevicePlumber {
    private final NetlinkHandle handle;
    private final VxlanConfig config;
    private final Applier applier;

    DevicePlumber(NetlinkHandle handle, VxlanConfig config) {
        this.handle = handle;
        this.config = config;
        this.applier = new Applier(handle);
    }

    /**
     * The container MTU of {@code net} on this host: the network's MTU, decided at its creation. A host
     * whose underlay cannot carry it refuses (capping it silently would give one network two MTUs, and
     * large packets between the hosts would be lost). Records of the previous release have no MTU:
     * this host's maximum, as before.
     *
     * @throws OverlayException INVALID_REQUEST naming both numbers and the fix
     */
    int joinMtu(NetworkRecord net) {
        int max = config.maxContainerMtu();
        Optional<Integer> mtu = net.storedMtu();
        if (mtu.isEmpty()) {
            return max;
        }
        if (mtu.get() > max) {
            Underlay u = config.underlay();
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + net.networkId() + " has MTU " + mtu.get()
                    + ", but this host's underlay device " + u.deviceName() + " has MTU " + u.mtu() + " and VXLAN needs "
                    + config.overhead() + " bytes, so containers here can have at most " + max + ". Raise the MTU of "
                    + u.deviceName() + " to at least " + (mtu.get() + config.overhead()) + " on this host, or use a"
                    + " network created with -o com.docker.network.driver.mtu=" + max + " (or less)");
        }
        return mtu.get();
    }

    /**
     * The network's devices after {@link #ensure}.
     *
     * @param bridgeIndex  the bridge's ifindex
     * @param vxlanCreated the vxlan device was created by this call, so it holds no forwarding or
     *                     neighbour entry for any peer yet
     */
    record Devices(int bridgeIndex, boolean vxlanCreated) {}

    /**
     * Makes sure the bridge and vxlan device of {@code net} exist, the vxlan device on the bridge with
     * learning off, both up; creates only what is missing.
     *
     * @throws OverlayException CONFLICT (a foreign device holds a name), UNAVAILABLE (the kernel refused)
     */
    Devices ensure(NetworkRecord net, int mtu) throws NetlinkException {
        String brName = DeviceNames.bridge(net.vni());
        String vxName = DeviceNames.vxlan(net.vni());
        String alias = DeviceNames.networkAlias(net.networkId());
        Optional<Link> br = handle.findLinkByName(brName);
        Optional<Link> vx = handle.findLinkByName(vxName);
        for (Optional<Link> l : List.of(br, vx)) {
            Optional<String> foreign = l.flatMap(Compat::foreignOwner);
            if (foreign.isPresent()) {
                throw new OverlayException(Kind.CONFLICT, "network " + net.networkId() + ": " + foreign.get());
            }
        }
        List<Action> actions = new ArrayList<>();
        if (br.isEmpty()) {
            actions.add(new Action.CreateBridge(brName, mtu, alias));
        }
        if (br.isEmpty() || !br.get().attrs().up()) {
            actions.add(new Action.SetUp(brName));
        }
        if (vx.isEmpty()) {
            actions.add(new Action.CreateVxlan(vxName, net.vni(), config.vtep(), config.port(),
                    config.underlay().deviceIndex(), mtu, alias));
        }
        if (vx.isEmpty() || br.isEmpty() || vx.get().attrs().masterIndex() != br.get().index()) {
            actions.add(new Action.SetMaster(vxName, brName));
            actions.add(new Action.SetLearning(vxName, false));
        }
        if (vx.isEmpty() || !vx.get().attrs().up()) {
            actions.add(new Action.SetUp(vxName));
        }
        Applier.Result result = applier.apply(actions);
        if (!result.failures().isEmpty()) {
            List<String> why = result.failures().stream().map(f -> f.error().orElse("")).toList();
            throw new OverlayException(Kind.UNAVAILABLE, "network " + net.networkId() + ": could not set up " + brName
                    + " and " + vxName + ": " + String.join("; ", why));
        }
        return new Devices(br.isPresent() ? br.get().index() : handle.linkByName(brName).index(), vx.isEmpty());
    }
}
