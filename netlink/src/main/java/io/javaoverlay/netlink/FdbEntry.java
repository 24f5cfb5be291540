package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * A bridge forwarding-database entry (AF_BRIDGE neighbour). Two tables share this shape:
 * <ul>
 *   <li>a device's own table ({@code NTF_SELF}): on a VXLAN device {@code destination} is the
 *       remote VTEP, and several all-zero-MAC entries (one per VTEP) make the flood list;</li>
 *   <li>a bridge's table ({@code NTF_MASTER} in requests): {@code linkIndex} is the port. The kernel
 *       reports these with no NTF_* flag and with {@code NDA_MASTER} = the bridge
 *       ({@link #masterIndex}); {@link #isMaster()} covers both spellings.</li>
 * </ul>
 * Build entries with {@link #builder}, {@link #toVtep}, {@link #flood} or {@link #masterStatic};
 * the canonical constructor takes raw NUD_* / NTF_* bits. Equivalent to one line of
 * {@code bridge fdb show}.
 *
 * @param state       NUD_* bits. In requests, as bridge(8) spells them: {@code permanent} =
 *                    NUD_PERMANENT|NUD_NOARP, {@code static} = NUD_NOARP|NUD_REACHABLE, {@code dynamic}
 *                    = NUD_REACHABLE. The bridge reports local entries as NUD_PERMANENT, static ones as
 *                    NUD_NOARP and learned ones as NUD_REACHABLE (or NUD_STALE once older than the ageing time).
 * @param flags       NTF_* bits (0x02 = self, 0x04 = master)
 * @param vni         NDA_VNI, 0 when absent
 * @param masterIndex NDA_MASTER, 0 when absent
 * @param vlan        NDA_VLAN (a vlan-filtering bridge's entries), 0 when absent
 */
public record FdbEntry(int linkIndex, MacAddress mac, Optional<IpAddress> destination, int state, int flags,
                       int vni, int masterIndex, int vlan) {
    /** The entry belongs to the device itself (a vxlan device's own table): {@code bridge fdb ... self}. */
    public static final int NTF_SELF = 0x02;
    /** The entry belongs to the device's master bridge: {@code bridge fdb ... master}. */
    public static final int NTF_MASTER = 0x04;
    /** Added by an external learner (a switch driver or a control plane: {@code extern_learn}). */
    public static final int NTF_EXT_LEARNED = 0x10;

    public FdbEntry {
        Objects.requireNonNull(mac, "mac");
        destination = Objects.requireNonNullElse(destination, Optional.empty());
        if (vlan < 0 || vlan > 4094) {
            throw new IllegalArgumentException("VLAN " + vlan + " out of range 0..4094 for FDB entry " + mac);
        }
    }

    /** An entry without a VLAN (every entry of a bridge that does not filter VLANs). */
    public FdbEntry(int linkIndex, MacAddress mac, Optional<IpAddress> destination, int state, int flags, int vni,
                    int masterIndex) {
        this(linkIndex, mac, destination, state, flags, vni, masterIndex, 0);
    }

    /** A permanent self entry MAC → remote VTEP on a VXLAN device ({@code bridge fdb ... dev VX dst VTEP self permanent}). */
    public static FdbEntry toVtep(int vxlanIndex, MacAddress mac, IpAddress vtep) {
        return self(vxlanIndex, mac, Optional.of(vtep));
    }

    /**
     * A permanent entry in the device's own table, with or without a destination: what
     * {@code bridge fdb del MAC dev DEV [dst IP] self} names.
     */
    public static FdbEntry self(int linkIndex, MacAddress mac, Optional<IpAddress> destination) {
        return new FdbEntry(linkIndex, mac, destination, Neighbor.NUD_PERMANENT, NTF_SELF, 0, 0);
    }

    /**
     * A flood (head-end replication) entry: all-zero MAC → one remote VTEP, on a VXLAN device. Add
     * one per VTEP with {@link NetlinkHandle#fdbAppend}; delete one with {@link NetlinkHandle#fdbDel}.
     * Equivalent to {@code bridge fdb append 00:00:00:00:00:00 dev VX dst VTEP self permanent}.
     */
    public static FdbEntry flood(int vxlanIndex, IpAddress vtep) {
        return toVtep(vxlanIndex, MacAddress.ZERO, vtep);
    }

    /**
     * A static entry in the bridge's table: frames to {@code mac} leave by port {@code portIndex} and
     * the entry never ages. Equivalent to {@code bridge fdb replace MAC dev PORT master static}.
     */
    public static FdbEntry masterStatic(int portIndex, MacAddress mac) {
        return builder(portIndex, mac).master().staticEntry().build();
    }

    /** A builder for an entry on {@code linkIndex}; it starts as {@code self permanent}, as bridge(8) sends it. */
    public static Builder builder(int linkIndex, MacAddress mac) {
        return new Builder(linkIndex, mac);
    }

    /** True for a static entry ({@code bridge fdb ... permanent}). */
    public boolean isPermanent() {
        return (state & Neighbor.NUD_PERMANENT) != 0;
    }

    /** True for an entry that does not age but is not local: {@code static} (NUD_NOARP without NUD_PERMANENT). */
    public boolean isStatic() {
        return (state & Neighbor.NUD_NOARP) != 0 && !isPermanent();
    }

    /** True for an ageing entry (neither NUD_PERMANENT nor NUD_NOARP): learned from traffic, or added {@code dynamic}. */
    public boolean isDynamic() {
        return (state & (Neighbor.NUD_PERMANENT | Neighbor.NUD_NOARP)) == 0;
    }

    /** True for an entry of the device's own table ({@code self}). */
    public boolean isSelf() {
        return (flags & NTF_SELF) != 0;
    }

    /** True for an entry of the master bridge's table: NTF_MASTER in a request, NDA_MASTER without NTF_SELF in a dump. */
    public boolean isMaster() {
        return (flags & NTF_MASTER) != 0 || (masterIndex > 0 && !isSelf());
    }

    /** True for an all-zero-MAC entry: on a VXLAN device, where broadcast and unknown traffic is replicated to. */
    public boolean isFlood() {
        return mac.isZero();
    }

    /** Builds an {@link FdbEntry} with named flags instead of raw NUD_* / NTF_* bits. */
    public static final class Builder {
        private final int linkIndex;
        private final MacAddress mac;
        private Optional<IpAddress> destination = Optional.empty();
        private int state = Neighbor.NUD_PERMANENT | Neighbor.NUD_NOARP;
        private int flags = NTF_SELF;
        private int vni;
        private int masterIndex;
        private int vlan;

        private Builder(int linkIndex, MacAddress mac) {
            this.linkIndex = linkIndex;
            this.mac = Objects.requireNonNull(mac, "mac");
        }

        /** The device's own table (the default): {@code self}. */
        public Builder self() {
            flags = (flags & ~NTF_MASTER) | NTF_SELF;
            return this;
        }

        /** The master bridge's table: {@code master}. */
        public Builder master() {
            flags = (flags & ~NTF_SELF) | NTF_MASTER;
            return this;
        }

        /** Never ages; on a bridge, a local address (the default): {@code permanent}. */
        public Builder permanent() {
            state = Neighbor.NUD_PERMANENT | Neighbor.NUD_NOARP;
            return this;
        }

        /** Never ages, forwards to the port: {@code static}. */
        public Builder staticEntry() {
            state = Neighbor.NUD_NOARP | Neighbor.NUD_REACHABLE;
            return this;
        }

        /** Ages like a learned entry: {@code dynamic}. */
        public Builder dynamic() {
            state = Neighbor.NUD_REACHABLE;
            return this;
        }

        /** The remote VTEP (IPv4 or IPv6) of a VXLAN self entry: {@code dst IP}. */
        public Builder destination(IpAddress vtep) {
            destination = Optional.of(Objects.requireNonNull(vtep, "vtep"));
            return this;
        }

        /** {@code vni VNI}. */
        public Builder vni(int newVni) {
            vni = newVni;
            return this;
        }

        /** {@code vlan VID} on a vlan-filtering bridge. */
        public Builder vlan(int vid) {
            vlan = vid;
            return this;
        }

        /** NDA_MASTER; needed only to describe an entry as a dump reports it. */
        public Builder masterIndex(int index) {
            masterIndex = index;
            return this;
        }

        public FdbEntry build() {
            return new FdbEntry(linkIndex, mac, destination, state, flags, vni, masterIndex, vlan);
        }
    }
}
