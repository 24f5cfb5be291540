/**
 * The only package that touches JNR-FFI: one package-private {@code LibC} declaration (socket,
 * bind, getsockname, setsockopt, sendto, recvmsg, setns, unshare, mount, umount2, open, close) and
 * checked wrappers that turn errno into typed exceptions through
 * {@link io.javaoverlay.netlink.internal.wire.Errors#of}. jffi's native stub is loaded with its
 * defaults (extracted to {@code java.io.tmpdir}); set {@code -Djffi.extract.dir} on hosts where
 * that directory is mounted noexec.
 */
package io.javaoverlay.netlink.internal.sys;
