package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;

/** Address families used in filters and records (values are the kernel's AF_*). */
public enum Family {
    /** Both IPv4 and IPv6 (AF_UNSPEC). */
    ALL(0),
    INET(2),
    INET6(10);

    private final int af;

    Family(int af) {
        this.af = af;
    }

    /** The family of {@code address}: INET or INET6. */
    public static Family of(IpAddress address) {
        return address.v6() ? INET6 : INET;
    }

    /** The kernel's AF_* value. */
    public int af() {
        return af;
    }
}
