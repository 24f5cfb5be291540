/**
 * The {@link io.javaoverlay.netlink.NetlinkHandle} implementation, named namespaces and the
 * dedicated-thread namespace switching, and the link-event reader. Depends on {@code wire} for
 * bytes and on {@code sys} for syscalls; nothing outside this module may use it.
 */
package io.javaoverlay.netlink.internal;
