package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Vxlan;

import io.javaoverlay.types.IpAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Per-host settings of the data plane. Build with {@link #builder(String, Underlay)}.
 *
 * @param hostId            this host's identity in endpoint records (stable across restarts)
 * @param underlay          VTEP address, underlay device and its MTU ({@link Underlay#resolve})
 * @param port              VXLAN UDP port (4789)
 * @param vniMin            lowest VNI handed out automatically (1)
 * @param vniMax            highest VNI handed out automatically (4095: below Docker swarm's 4096+)
 * @param singleHost        true with the embedded file store: no other host can ever share a
 *                          network, so Docker's per-host default IPAM is acceptable
 * @param ipamAddressSpaces address spaces that prove javaoverlay's own IPAM allocated the pools
 * @param resyncInterval    period of the safety-net reconcile pass (~30 s)
 * @param watchWait         longest blocking store query before it is re-issued
 * @param bumLimits         how many hosts a network with {@code javaoverlay.bum=replicate} may span
 * @param fastPath          containers' unicast frames to other hosts bypass the bridge by tc redirects
 *                          ({@code --fast-path}; see {@link io.javaoverlay.vxlan.reconcile.FastPath})
 */
public record VxlanConfig(String hostId, Underlay underlay, int port, int vniMin, int vniMax, boolean singleHost,
                          Set<String> ipamAddressSpaces, Duration resyncInterval, Duration watchWait,
                          BumLimits bumLimits, boolean fastPath) {

    public static final int DEFAULT_VNI_MIN = 1;
    public static final int DEFAULT_VNI_MAX = 4095;
    public static final Set<String> DEFAULT_ADDRESS_SPACES = Set.of("JavaOverlayLocal", "JavaOverlayGlobal");

    public VxlanConfig {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(underlay, "underlay");
        if (hostId.isBlank() || !hostId.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("invalid host ID '" + hostId + "': use [A-Za-z0-9._:-]");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("VXLAN UDP port " + port + " out of range 1..65535");
        }
        if (vniMin < 1 || vniMax > Vxlan.MAX_VNI || vniMin > vniMax) {
            throw new IllegalArgumentException("invalid VNI range " + vniMin + ".." + vniMax
                    + " (must lie within 1.." + Vxlan.MAX_VNI + ")");
        }
        ipamAddressSpaces = Set.copyOf(ipamAddressSpaces);
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        Objects.requireNonNull(watchWait, "watchWait");
        Objects.requireNonNull(bumLimits, "bumLimits");
    }

    /**
     * The cost guard of head-end replication: a broadcast or multicast frame is sent once per other
     * host of the network by the host that sends it (docs/bum-replication.md).
     *
     * @param warnHosts from this many hosts in a network with replication, each pass that sees the
     *                  number change logs a warning with the cost ({@code --bum-warn-hosts})
     * @param maxHosts  a container may not join such a network on a host that would make it span more
     *                  hosts than this ({@code --bum-max-hosts})
     */
    public record BumLimits(int warnHosts, int maxHosts) {
        /** Warn from 16 hosts, refuse beyond 64. */
        public static final BumLimits DEFAULT = new BumLimits(16, 64);

        public BumLimits {
            if (warnHosts < 2 || maxHosts < 2) {
                throw new IllegalArgumentException("--bum-warn-hosts " + warnHosts + " and --bum-max-hosts " + maxHosts
                        + " must be at least 2 (hosts in one network)");
            }
        }
    }

    /** Our VTEP address. */
    public IpAddress vtep() {
        return underlay.address();
    }

    /** VXLAN encapsulation overhead: outer IP (20 or 40) + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    public int overhead() {
        return underlay.address().v6() ? 70 : 50;
    }

    /** The largest container MTU the underlay can carry. */
    public int maxContainerMtu() {
        return underlay.mtu() - overhead();
    }

    /** A builder with the defaults for everything but host and underlay. */
    public static Builder builder(String hostId, Underlay underlay) {
        return new Builder(hostId, underlay);
    }

    /** Builder with the defaults listed on the record. */
    public static final class Builder {
        private final String hostId;
        private final Underlay underlay;
        private int port = Vxlan.DEFAULT_PORT;
        private int vniMin = DEFAULT_VNI_MIN;
        private int vniMax = DEFAULT_VNI_MAX;
        private boolean singleHost;
        private Set<String> addressSpaces = DEFAULT_ADDRESS_SPACES;
        private Duration resync = Duration.ofSeconds(30);
        private Duration watchWait = Duration.ofMinutes(5);
        private BumLimits bumLimits = BumLimits.DEFAULT;
        private boolean fastPath = true;

        private Builder(String hostId, Underlay underlay) {
            this.hostId = hostId;
            this.underlay = underlay;
        }

        /** VXLAN UDP port (default 4789). */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        /** Range for automatic VNIs (default 1..4095). */
        public Builder vniRange(int min, int max) {
            this.vniMin = min;
            this.vniMax = max;
            return this;
        }

        /** True with the embedded store (allows Docker's default IPAM). */
        public Builder singleHost(boolean single) {
            this.singleHost = single;
            return this;
        }

        /** Address spaces accepted as javaoverlay's IPAM. */
        public Builder ipamAddressSpaces(Set<String> spaces) {
            this.addressSpaces = spaces;
            return this;
        }

        /** Period of the safety-net resync (default 30 s). */
        public Builder resyncInterval(Duration d) {
            this.resync = d;
            return this;
        }

        /** Longest blocking store query (default 5 min). */
        public Builder watchWait(Duration d) {
            this.watchWait = d;
            return this;
        }

        /** Cost guard of BUM replication (default: warn from 16 hosts, refuse beyond 64). */
        public Builder bumLimits(BumLimits limits) {
            this.bumLimits = limits;
            return this;
        }

        /** The tc fast path for unicast between hosts (default on). */
        public Builder fastPath(boolean on) {
            this.fastPath = on;
            return this;
        }

        /** The validated config. @throws IllegalArgumentException naming the bad setting */
        public VxlanConfig build() {
            return new VxlanConfig(hostId, underlay, port, vniMin, vniMax, singleHost, addressSpaces, resync, watchWait,
                    bumLimits, fastPath);
        }
    }
}
