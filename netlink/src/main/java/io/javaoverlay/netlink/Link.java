package io.javaoverlay.netlink;

/**
 * A network interface as the kernel reports it, or as a creation spec for
 * {@link NetlinkHandle#linkAdd}. Kinds we do not model decode to {@link GenericLink}, so a dump
 * never fails because of someone else's device.
 */
public sealed interface Link permits Device, Bridge, Vxlan, Veth, GenericLink {
    /** Attributes common to every kind. */
    LinkAttrs attrs();

    /** The kernel's {@code IFLA_INFO_KIND}, or {@code ""} for a plain device. */
    String kind();

    default String name() {
        return attrs().name();
    }

    default int index() {
        return attrs().index();
    }
}
