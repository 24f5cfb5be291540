package io.javaoverlay.netlink;

import java.io.Closeable;

/**
 * An open reference (file descriptor) to a network namespace. Named namespaces live where
 * {@code ip netns} keeps them: a bind mount under {@code /run/netns/NAME}.
 *
 * <p>Implementation note for the netlink module: factories are static methods on
 * {@link Netlink}; this type only exposes what callers need.
 */
public interface NetNs extends Closeable {
    /** The namespace's name when opened by name, else a description such as {@code pid:1234}. */
    String name();

    /** The open file descriptor (O_RDONLY|O_CLOEXEC), valid until {@link #close()}. */
    int fd();

    /** Inode number of the namespace (as in {@code ls -iL /run/netns/NAME}). */
    long inode();

    @Override
    void close();
}
