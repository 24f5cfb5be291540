package io.javaoverlay.netlink;

import io.javaoverlay.types.IpPrefix;

/** An interface address. Equivalent to one line of {@code ip addr show}. */
public record Addr(int linkIndex, IpPrefix prefix, int scope, int flags) {}
