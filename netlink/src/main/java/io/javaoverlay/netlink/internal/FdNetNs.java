package io.javaoverlay.netlink.internal;

import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.internal.sys.Native;
import io.javaoverlay.netlink.internal.wire.Errors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** A namespace file descriptor opened by this module; closing it closes the fd once. */
public final class FdNetNs implements NetNs {
    private final String name;
    private final int fd;
    private final long inode;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FdNetNs(String name, int fd, long inode) {
        this.name = name;
        this.fd = fd;
        this.inode = inode;
    }

    /** Opens {@code path} (a namespace file or bind mount) and reads its inode. */
    public static FdNetNs open(String name, String path) throws NetlinkException {
        int fd = Native.open(path);
        try {
            return new FdNetNs(name, fd, inodeOf(Path.of("/proc/self/fd/" + fd), path));
        } catch (NetlinkException | RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /**
     * The inode of a namespace file: {@code stat} follows the magic link to the nsfs inode, which
     * is what {@code ls -iL} shows. For {@code /proc/thread-self/ns/net} it is the namespace of the
     * calling thread.
     */
    public static long inodeOf(Path nsLink, String what) throws NetlinkException {
        try {
            return ((Number) Files.getAttribute(nsLink, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            throw Errors.local("stat " + what, "cannot read the namespace inode: " + e);
        }
    }

    /** The namespace of the calling thread right now. */
    public static long currentThreadInode() throws NetlinkException {
        return inodeOf(Path.of("/proc/thread-self/ns/net"), "/proc/thread-self/ns/net");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int fd() {
        if (closed.get()) {
            throw new IllegalStateException("namespace " + name + " is closed");
        }
        return fd;
    }

    @Override
    public long inode() {
        return inode;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NetNs[" + name + ", inode " + inode + "]";
    }
}
