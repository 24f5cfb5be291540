package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.reconcile.DeviceNames;
import io.javaoverlay.vxlan.state.EndpointRecord;

import java.util.Optional;

/**
 * Join's kernel work: the endpoint's veth pair in the host namespace. The host end goes on the
 * bridge (up, MTU, ownership alias); the container end gets MTU and the endpoint's MAC and stays
 * down, for Docker to move into the sandbox. Never touches the sandbox namespace.
 */
final class VethPlumber {
    private final NetlinkHandle handle;

    VethPlumber(NetlinkHandle handle) {
        this.handle = handle;
    }

    /**
     * Ensures the pair of endpoint {@code ep} exists and is set up. An existing complete pair is
     * adopted (repeated Join); a half pair is replaced. On failure the new pair is removed again.
     * Returns the host end as the kernel has it afterwards.
     * Equivalent to {@code ip link add jo-h-X mtu M type veth peer name jo-c-X;
     * ip link set jo-c-X mtu M address MAC; ip link set jo-h-X master BR alias A up}.
     */
    Link ensure(String networkId, EndpointRecord ep, int mtu, int bridgeIndex) throws NetlinkException {
        String hostName = DeviceNames.hostEnd(ep.endpointId());
        String ctrName = DeviceNames.containerEnd(ep.endpointId());
        String alias = DeviceNames.endpointAlias(networkId, ep.endpointId());
        Optional<Link> host = handle.findLinkByName(hostName);
        Optional<Link> ctr = handle.findLinkByName(ctrName);
        for (Optional<Link> l : java.util.List.of(host, ctr)) {
            Optional<String> a = l.flatMap(x -> x.attrs().alias()).filter(s -> !s.isEmpty());
            if (a.isPresent() && !a.get().equals(alias)) {
                throw new OverlayException(Kind.CONFLICT, "endpoint " + ep.endpointId() + ": interface "
                        + l.get().name() + " already exists and belongs to something else (alias '" + a.get() + "')");
            }
        }
        boolean complete = host.isPresent() && ctr.isPresent() && host.get() instanceof Veth
                && ctr.get() instanceof Veth;
        if (!complete) {
            deleteQuietly(host);
            deleteQuietly(ctr);
            handle.linkAdd(Veth.pair(LinkAttrs.named(hostName).withMtu(mtu).withAlias(alias), ctrName));
        }
        try {
            configure(hostName, ctrName, alias, mtu, bridgeIndex, ep.mac());
            return handle.linkByName(hostName);
        } catch (NetlinkException | RuntimeException e) {
            if (!complete) {
                deleteQuietly(handle.findLinkByName(hostName));
            }
            throw e;
        }
    }

    private void configure(String hostName, String ctrName, String alias, int mtu, int bridgeIndex, MacAddress mac)
            throws NetlinkException {
        Link ctr = handle.linkByName(ctrName);
        if (ctr.attrs().mtu() != mtu) {
            handle.linkSetMtu(ctr.index(), mtu);
        }
        if (!ctr.attrs().hardwareAddr().map(mac::equals).orElse(false)) {
            handle.linkSetHardwareAddr(ctr.index(), mac);
        }
        Link host = handle.linkByName(hostName);
        if (host.attrs().mtu() != mtu) {
            handle.linkSetMtu(host.index(), mtu);
        }
        if (!host.attrs().alias().map(alias::equals).orElse(false)) {
            handle.linkSetAlias(host.index(), alias);
        }
        if (host.attrs().masterIndex() != bridgeIndex) {
            handle.linkSetMaster(host.index(), bridgeIndex);
        }
        if (!host.attrs().up()) {
            handle.linkSetUp(host.index());
        }
    }

    private void deleteQuietly(Optional<Link> link) throws NetlinkException {
        if (link.isPresent()) {
            try {
                handle.linkDel(link.get().index());
            } catch (NotFoundException gone) {
                // deleting one end of a pair takes the other with it
            }
        }
    }
}
