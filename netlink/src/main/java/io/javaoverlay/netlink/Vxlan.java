package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A VXLAN device. Equivalent to
 * {@code ip link add NAME type vxlan id VNI local IP dstport PORT [nolearning] [proxy] [l2miss] [l3miss] [ttl N] [dev UNDERLAY]}.
 *
 * @param vni            VXLAN network identifier, 1..2^24-1
 * @param local          source address of the tunnel (our VTEP)
 * @param port           destination UDP port (4789 by default)
 * @param learning       learn remote MACs from received packets
 * @param proxy          answer ARP/ND from the neighbour table
 * @param l2miss         emit RTM_GETNEIGH on FDB misses
 * @param l3miss         emit RTM_GETNEIGH on neighbour misses
 * @param ttl            outer TTL, 0 = inherit default
 * @param underlayIndex  ifindex of the underlay device, 0 for none
 */
public record Vxlan(LinkAttrs attrs, int vni, Optional<IpAddress> local, int port, boolean learning,
                    boolean proxy, boolean l2miss, boolean l3miss, int ttl, int underlayIndex) implements Link {

    /** Largest VXLAN network identifier: the VNI field is 24 bits. */
    public static final int MAX_VNI = (1 << 24) - 1;
    /** The IANA VXLAN UDP port ({@code ip link add ... type vxlan dstport 4789}). */
    public static final int DEFAULT_PORT = 4789;

    public Vxlan {
        if (vni < 1 || vni > MAX_VNI) {
            throw new IllegalArgumentException("VNI " + vni + " out of range 1.." + MAX_VNI);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " out of range");
        }
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("TTL " + ttl + " out of range 0..255");
        }
        local = Objects.requireNonNullElse(local, Optional.empty());
    }

    @Override
    public String kind() {
        return "vxlan";
    }
}
