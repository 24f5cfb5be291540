package io.javaoverlay.netlink;

/** A Linux bridge. Equivalent to {@code ip link add NAME type bridge}. */
public record Bridge(LinkAttrs attrs) implements Link {
    @Override
    public String kind() {
        return "bridge";
    }
}
