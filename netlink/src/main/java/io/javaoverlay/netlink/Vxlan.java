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

    /**
     * A spec with every field named, starting from the defaults: no local address, the IANA port
     * 4789 ({@link #DEFAULT_PORT}), and the kernel's defaults for the rest (learning on,
     * proxy/l2miss/l3miss off, TTL inherited, no underlay device).
     */
    public static Builder builder(LinkAttrs attrs, int vni) {
        return new Builder(attrs, vni);
    }

    /** Named fields for a {@link Vxlan}, as flannel's device config has them. */
    public static final class Builder {
        private final LinkAttrs attrs;
        private final int vni;
        private Optional<IpAddress> local = Optional.empty();
        private int port = DEFAULT_PORT;
        private boolean learning = true;
        private boolean proxy;
        private boolean l2miss;
        private boolean l3miss;
        private int ttl;
        private int underlayIndex;

        private Builder(LinkAttrs attrs, int vni) {
            this.attrs = Objects.requireNonNull(attrs, "attrs");
            this.vni = vni;
        }

        /** {@code local IP}: the tunnel's source address (our VTEP). */
        public Builder local(IpAddress address) {
            return local(Optional.of(address));
        }

        /** {@code local IP}, or none. */
        public Builder local(Optional<IpAddress> address) {
            this.local = Objects.requireNonNull(address, "address");
            return this;
        }

        /** {@code dstport PORT}. */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        /** {@code [no]learning}: learn remote MACs from received packets. */
        public Builder learning(boolean on) {
            this.learning = on;
            return this;
        }

        /** {@code proxy}: answer ARP/ND from the neighbour table. */
        public Builder proxy(boolean on) {
            this.proxy = on;
            return this;
        }

        /** {@code l2miss}: RTM_GETNEIGH on FDB misses. */
        public Builder l2miss(boolean on) {
            this.l2miss = on;
            return this;
        }

        /** {@code l3miss}: RTM_GETNEIGH on neighbour misses. */
        public Builder l3miss(boolean on) {
            this.l3miss = on;
            return this;
        }

        /** {@code ttl N}; 0 inherits. */
        public Builder ttl(int t) {
            this.ttl = t;
            return this;
        }

        /** {@code dev UNDERLAY}: ifindex of the underlay device, 0 for none. */
        public Builder underlayIndex(int index) {
            this.underlayIndex = index;
            return this;
        }

        /** The validated record. @throws IllegalArgumentException for a VNI, port or TTL out of range */
        public Vxlan build() {
            return new Vxlan(attrs, vni, local, port, learning, proxy, l2miss, l3miss, ttl, underlayIndex);
        }
    }
}
