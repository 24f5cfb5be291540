package io.javaoverlay.netlink;

/** A link without IFLA_LINKINFO (physical NICs, loopback). */
public record Device(LinkAttrs attrs) implements Link {
    @Override
    public String kind() {
        return "";
    }
}
