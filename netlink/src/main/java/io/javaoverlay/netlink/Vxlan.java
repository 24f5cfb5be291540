package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * A VXLAN device. Build a creation spec with {@link #builder(LinkAttrs, int)}, whose defaults are
 * the kernel's. Equivalent to
 * {@code ip link add NAME type vxlan id VNI local IP dstport PORT [nolearning] [proxy] [l2miss] [l3miss]
 * [ttl N|inherit] [tos N|inherit] [df unset|set|inherit] [[no]udpcsum] [[no]udp6zerocsumtx]
 * [[no]udp6zerocsumrx] [dev UNDERLAY]}.
 *
 * @param vni            VXLAN network identifier, 1..2^24-1
 * @param local          source address of the tunnel (our VTEP), IPv4 (IFLA_VXLAN_LOCAL) or IPv6 (IFLA_VXLAN_LOCAL6)
 * @param port           destination UDP port (4789 by default)
 * @param learning       learn remote MACs from received packets
 * @param proxy          answer ARP/ND from the neighbour table
 * @param l2miss         emit RTM_GETNEIGH on FDB misses
 * @param l3miss         emit RTM_GETNEIGH on neighbour misses
 * @param ttl            outer TTL / hop limit, 0 = the route's default ({@code ttl auto})
 * @param underlayIndex  ifindex of the underlay device, 0 for none
 * @param ttlInherit     copy the inner packet's TTL to the outer header ({@code ttl inherit}); excludes {@code ttl}
 * @param tos            outer TOS, 0 = none, {@link #TOS_INHERIT} = copy the inner packet's ({@code tos inherit})
 * @param df             the outer IPv4 header's don't-fragment bit ({@code df unset|set|inherit})
 * @param udpCsum        compute UDP checksums over IPv4 ({@code [no]udpcsum}; the kernel's default is on)
 * @param udpZeroCsum6Tx send zero UDP checksums over IPv6 ({@code udp6zerocsumtx}; RFC 6935 allows it for tunnels)
 * @param udpZeroCsum6Rx accept zero UDP checksums over IPv6 ({@code udp6zerocsumrx}); needed to receive from a
 *                       peer that sends them
 */
public record Vxlan(LinkAttrs attrs, int vni, Optional<IpAddress> local, int port, boolean learning,
                    boolean proxy, boolean l2miss, boolean l3miss, int ttl, int underlayIndex, boolean ttlInherit,
                    int tos, Df df, boolean udpCsum, boolean udpZeroCsum6Tx, boolean udpZeroCsum6Rx) implements Link {

    /** Largest VXLAN network identifier: the VNI field is 24 bits. */
    public static final int MAX_VNI = (1 << 24) - 1;
    /** The IANA VXLAN UDP port ({@code ip link add ... type vxlan dstport 4789}). */
    public static final int DEFAULT_PORT = 4789;
    /** The TOS value that means "copy the inner packet's" ({@code tos inherit}); the kernel spells it 1. */
    public static final int TOS_INHERIT = 1;
    /**
     * Bytes VXLAN adds to an inner Ethernet frame over an IPv4 underlay: outer IPv4 20 + UDP 8 + VXLAN 8
     * + inner Ethernet 14. The overlay MTU is the underlay MTU minus this.
     */
    public static final int OVERHEAD_IPV4 = 50;
    /** The same over an IPv6 underlay: the outer IPv6 header is 40 bytes, so 70. */
    public static final int OVERHEAD_IPV6 = 70;

    /** The outer header's don't-fragment bit, {@code enum ifla_vxlan_df} (linux/if_link.h). */
    public enum Df {
        /** VXLAN_DF_UNSET: never set DF (the default). */
        UNSET,
        /** VXLAN_DF_SET: always set DF. */
        SET,
        /** VXLAN_DF_INHERIT: copy DF from the inner IPv4 header. */
        INHERIT
    }

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
        if (ttlInherit && ttl != 0) {
            throw new IllegalArgumentException("VXLAN " + vni + ": 'ttl " + ttl + "' and 'ttl inherit' exclude each other");
        }
        if (tos < 0 || tos > 255) {
            throw new IllegalArgumentException("TOS " + tos + " out of range 0..255");
        }
        local = Objects.requireNonNullElse(local, Optional.empty());
        Objects.requireNonNull(df, "df");
    }

    /**
     * A builder with the kernel's defaults (learning on, proxy and misses off, port 4789, ttl auto,
     * no tos, df unset, UDP checksums on over IPv4 and required over IPv6).
     * Equivalent to {@code ip link add NAME type vxlan id VNI dstport 4789}.
     */
    public static Builder builder(LinkAttrs attrs, int vni) {
        return new Builder(attrs, vni);
    }

    /** A builder holding this device's values, to derive a changed spec. */
    public Builder toBuilder() {
        Builder b = new Builder(attrs, vni);
        b.local = local;
        b.port = port;
        b.learning = learning;
        b.proxy = proxy;
        b.l2miss = l2miss;
        b.l3miss = l3miss;
        b.ttl = ttl;
        b.underlayIndex = underlayIndex;
        b.ttlInherit = ttlInherit;
        b.tos = tos;
        b.df = df;
        b.udpCsum = udpCsum;
        b.udpZeroCsum6Tx = udpZeroCsum6Tx;
        b.udpZeroCsum6Rx = udpZeroCsum6Rx;
        return b;
    }

    /** True when the tunnel's source address is IPv6, so the outer headers are IPv6 ones. */
    public boolean isIpv6Underlay() {
        return local.filter(IpAddress::v6).isPresent();
    }

    @Override
    public String kind() {
        return "vxlan";
    }

    /** Builds a {@link Vxlan} creation spec by option name; each method names its iproute2 keyword. */
    public static final class Builder {
        private LinkAttrs attrs;
        private final int vni;
        private Optional<IpAddress> local = Optional.empty();
        private int port = DEFAULT_PORT;
        private boolean learning = true;
        private boolean proxy;
        private boolean l2miss;
        private boolean l3miss;
        private int ttl;
        private int underlayIndex;
        private boolean ttlInherit;
        private int tos;
        private Df df = Df.UNSET;
        private boolean udpCsum = true;
        private boolean udpZeroCsum6Tx;
        private boolean udpZeroCsum6Rx;

        private Builder(LinkAttrs attrs, int vni) {
            this.attrs = Objects.requireNonNull(attrs, "attrs");
            this.vni = vni;
        }

        /** The common link attributes (name, MTU, master, up, queues...). */
        public Builder attrs(LinkAttrs newAttrs) {
            attrs = Objects.requireNonNull(newAttrs, "attrs");
            return this;
        }

        /** {@code local IP}: IPv4 or IPv6 (an IPv6 underlay). */
        public Builder local(IpAddress address) {
            local = Optional.of(Objects.requireNonNull(address, "address"));
            return this;
        }

        /** {@code local IP}, or none. */
        public Builder local(Optional<IpAddress> address) {
            local = Objects.requireNonNull(address, "address");
            return this;
        }

        /** {@code dstport PORT}. */
        public Builder port(int udpPort) {
            port = udpPort;
            return this;
        }

        /** {@code [no]learning}. */
        public Builder learning(boolean on) {
            learning = on;
            return this;
        }

        /** {@code [no]proxy}. */
        public Builder proxy(boolean on) {
            proxy = on;
            return this;
        }

        /** {@code [no]l2miss}. */
        public Builder l2miss(boolean on) {
            l2miss = on;
            return this;
        }

        /** {@code [no]l3miss}. */
        public Builder l3miss(boolean on) {
            l3miss = on;
            return this;
        }

        /** {@code ttl N} (0 = {@code ttl auto}); clears {@code ttl inherit}. */
        public Builder ttl(int outerTtl) {
            ttl = outerTtl;
            ttlInherit = false;
            return this;
        }

        /** {@code ttl inherit}; clears a fixed ttl. */
        public Builder ttlInherit() {
            ttl = 0;
            ttlInherit = true;
            return this;
        }

        /** {@code tos N} (0 = none). */
        public Builder tos(int outerTos) {
            tos = outerTos;
            return this;
        }

        /** {@code tos inherit}. */
        public Builder tosInherit() {
            tos = TOS_INHERIT;
            return this;
        }

        /** {@code df unset|set|inherit}. */
        public Builder df(Df value) {
            df = Objects.requireNonNull(value, "df");
            return this;
        }

        /** {@code [no]udpcsum} (IPv4 underlay). */
        public Builder udpCsum(boolean on) {
            udpCsum = on;
            return this;
        }

        /** {@code [no]udp6zerocsumtx} (IPv6 underlay). */
        public Builder udpZeroCsum6Tx(boolean on) {
            udpZeroCsum6Tx = on;
            return this;
        }

        /** {@code [no]udp6zerocsumrx} (IPv6 underlay). */
        public Builder udpZeroCsum6Rx(boolean on) {
            udpZeroCsum6Rx = on;
            return this;
        }

        /** {@code dev UNDERLAY} by ifindex (0 = none). */
        public Builder underlayIndex(int index) {
            underlayIndex = index;
            return this;
        }

        /** The validated record. @throws IllegalArgumentException for a VNI, port, TTL or TOS out of range */
        public Vxlan build() {
            return new Vxlan(attrs, vni, local, port, learning, proxy, l2miss, l3miss, ttl, underlayIndex, ttlInherit,
                    tos, df, udpCsum, udpZeroCsum6Tx, udpZeroCsum6Rx);
        }
    }
}
