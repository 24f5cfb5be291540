package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.types.IpAddress;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's side of the tunnels: the VTEP address, the device it lives on and that device's MTU.
 *
 * @param address     VTEP address ({@code local} of every vxlan device)
 * @param deviceIndex ifindex of the underlay device
 * @param deviceName  its name, for messages
 * @param mtu         its MTU; container MTU = mtu − 50 (IPv4) or − 70 (IPv6)
 */
public record Underlay(IpAddress address, int deviceIndex, String deviceName, int mtu) {

    /** Scope of a global address (RT_SCOPE_UNIVERSE). */
    private static final int SCOPE_UNIVERSE = 0;

    public Underlay {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(deviceName, "deviceName");
    }

    /**
     * Finds the VTEP. {@code ipOrIface} may be an address configured on this host, or an interface
     * name (its first global IPv4 address, else IPv6). Empty means the address of the interface
     * that holds the IPv4 default route (else the IPv6 one), like {@code ip route show default}
     * followed by {@code ip addr show dev DEV}.
     *
     * @throws IllegalArgumentException with a sentence naming what was not found
     */
    public static Underlay resolve(NetlinkHandle handle, Optional<String> ipOrIface) throws NetlinkException {
        if (ipOrIface.isPresent() && !ipOrIface.get().isBlank()) {
            String spec = ipOrIface.get().trim();
            Optional<IpAddress> ip = parseIp(spec);
            if (ip.isPresent()) {
                for (Addr a : handle.addrList(0, Family.ALL)) {
                    if (a.prefix().address().equals(ip.get())) {
                        return of(handle, ip.get(), a.linkIndex());
                    }
                }
                throw new IllegalArgumentException("advertise address " + spec + " is not configured on any interface");
            }
            Optional<Link> dev = handle.findLinkByName(spec);
            if (dev.isEmpty()) {
                throw new IllegalArgumentException("advertise interface " + spec + " does not exist");
            }
            IpAddress addr = globalAddress(handle, dev.get().index()).orElseThrow(() ->
                    new IllegalArgumentException("advertise interface " + spec + " has no global IP address"));
            return of(handle, addr, dev.get().index());
        }
        for (Family f : List.of(Family.INET, Family.INET6)) {
            for (Route r : handle.routeList(f)) {
                if (r.destination().isEmpty() || r.destination().get().prefixLength() == 0) {
                    if (r.preferredSource().isPresent()) {
                        return of(handle, r.preferredSource().get(), r.outputIndex());
                    }
                    Optional<IpAddress> addr = globalAddress(handle, r.outputIndex(), f);
                    if (addr.isPresent()) {
                        return of(handle, addr.get(), r.outputIndex());
                    }
                }
            }
        }
        throw new IllegalArgumentException("no default route to derive the VTEP address from;"
                + " give the advertise address or interface explicitly");
    }

    private static Underlay of(NetlinkHandle handle, IpAddress addr, int index) throws NetlinkException {
        Link link = handle.linkByIndex(index);
        return new Underlay(addr, index, link.name(), link.attrs().mtu());
    }

    private static Optional<IpAddress> globalAddress(NetlinkHandle handle, int index) throws NetlinkException {
        Optional<IpAddress> v4 = globalAddress(handle, index, Family.INET);
        return v4.isPresent() ? v4 : globalAddress(handle, index, Family.INET6);
    }

    private static Optional<IpAddress> globalAddress(NetlinkHandle handle, int index, Family f)
            throws NetlinkException {
        return handle.addrList(index, f).stream()
                .filter(a -> a.scope() == SCOPE_UNIVERSE)
                .map(a -> a.prefix().address())
                .findFirst();
    }

    private static Optional<IpAddress> parseIp(String s) {
        try {
            return Optional.of(IpAddress.parse(s));
        } catch (IllegalArgumentException notAnIp) {
            return Optional.empty();
        }
    }
}
