package io.javaoverlay.netlink;

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

    /** The kernel's AF_* value. */
    public int af() {
        return af;
    }
}
