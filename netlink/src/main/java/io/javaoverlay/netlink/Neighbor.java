package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import java.util.Objects;

/**
 * An ARP (IPv4) or ND (IPv6) neighbour entry.
 * Equivalent to one line of {@code ip neigh show}.
 *
 * @param state NUD_* bit set (0x80 = PERMANENT)
 * @param flags NTF_* bit set
 */
public record Neighbor(int linkIndex, IpAddress ip, MacAddress mac, int state, int flags) {
    /** Static entry, never expires ({@code ip neigh ... nud permanent}). */
    public static final int NUD_PERMANENT = 0x80;
    /** Valid without resolution ({@code nud noarp}). */
    public static final int NUD_NOARP = 0x40;
    /** Confirmed reachable recently ({@code nud reachable}). */
    public static final int NUD_REACHABLE = 0x02;
    /** Usable but unconfirmed ({@code nud stale}). */
    public static final int NUD_STALE = 0x04;

    public Neighbor {
        Objects.requireNonNull(ip, "ip");
    }

    /** A permanent entry IP → MAC on a link. */
    public static Neighbor permanent(int linkIndex, IpAddress ip, MacAddress mac) {
        return new Neighbor(linkIndex, ip, Objects.requireNonNull(mac, "mac"), NUD_PERMANENT, 0);
    }

    /**
     * A permanent entry as {@code ip neigh del IP dev DEV} names it: {@code mac} may be null (an
     * entry without a link-layer address); the kernel matches on address and link only.
     */
    public static Neighbor toDelete(int linkIndex, IpAddress ip, MacAddress mac) {
        return new Neighbor(linkIndex, ip, mac, NUD_PERMANENT, 0);
    }

    /** True if the state includes NUD_PERMANENT. */
    public boolean isPermanent() {
        return (state & NUD_PERMANENT) != 0;
    }
}
