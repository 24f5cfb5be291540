package io.javaoverlay.netlink;

/** A link notification from {@link NetlinkHandle#subscribeLinks}. */
public sealed interface LinkEvent {
    /** RTM_NEWLINK: a link appeared or changed. */
    record Changed(Link link) implements LinkEvent {}

    /** RTM_DELLINK: a link was deleted. */
    record Deleted(Link link) implements LinkEvent {}

    /** The kernel dropped events (ENOBUFS): resync with a dump. */
    record Overflow() implements LinkEvent {}
}
