package io.javaoverlay.netlink;

/** A link of a kind this module does not model; carries only the common attributes. */
public record GenericLink(LinkAttrs attrs, String kind) implements Link {}
