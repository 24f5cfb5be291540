package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A bridge forwarding-database entry (AF_BRIDGE neighbour). On a VXLAN device with
 * {@code NTF_SELF}, {@code destination} is the remote VTEP.
 * Equivalent to one line of {@code bridge fdb show}.
 *
 * @param state       NUD_* (0x80 = permanent)
 * @param flags       NTF_* (0x02 = self, 0x04 = master)
 * @param vni         NDA_VNI, 0 when absent
 * @param masterIndex NDA_MASTER, 0 when absent
 */
public record FdbEntry(int linkIndex, MacAddress mac, Optional<IpAddress> destination, int state, int flags,
                       int vni, int masterIndex) {
    /** The entry belongs to the device itself (a vxlan device's own table): {@code bridge fdb ... self}. */
    public static final int NTF_SELF = 0x02;
    /** The entry belongs to the device's master bridge: {@code bridge fdb ... master}. */
    public static final int NTF_MASTER = 0x04;

    public FdbEntry {
        Objects.requireNonNull(mac, "mac");
        destination = Objects.requireNonNullElse(destination, Optional.empty());
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

    /** True for a static entry ({@code bridge fdb ... permanent}). */
    public boolean isPermanent() {
        return (state & Neighbor.NUD_PERMANENT) != 0;
    }
}
