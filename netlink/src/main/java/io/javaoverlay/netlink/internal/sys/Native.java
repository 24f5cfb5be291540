package io.javaoverlay.netlink.internal.sys;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.internal.wire.Errors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import io.javaoverlay.netlink.internal.sys.Ffi.LibC;
import jnr.ffi.Runtime;

/**
 * Thin, checked wrappers over {@link LibC}: each returns a result or throws the
 * {@link Errors#of errno-mapped} exception, and loops on EINTR where the call can be interrupted.
 * No JNR type leaves this package.
 */
public final class Native {
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;

    private static final class Holder {
        static final LibC LIBC;
        static final Runtime RUNTIME;
        static final Throwable LOAD_FAILURE;

        static {
            LibC lib = null;
            Runtime rt = null;
            Throwable failure = null;
            try {
                lib = LibraryLoader.create(LibC.class).load("c");
                rt = Runtime.getRuntime(lib);
                if (rt.addressSize() != 8) {
                    failure = new UnsupportedOperationException("only 64-bit Linux is supported (msghdr layout)");
                }
            } catch (Throwable t) {
                failure = t;
            }
            LIBC = lib;
            RUNTIME = rt;
            LOAD_FAILURE = failure;
        }
    }

    private Native() {}

    static LibC libc() {
        if (Holder.LOAD_FAILURE != null) {
            throw new IllegalStateException("libc via JNR-FFI unavailable: " + Holder.LOAD_FAILURE, Holder.LOAD_FAILURE);
        }
        return Holder.LIBC;
    }

    static Runtime runtime() {
        libc();
        return Holder.RUNTIME;
    }

    static int errno() {
        return runtime().getLastError();
    }

    /** Throws the mapped exception for the current errno. */
    static NetlinkException fail(String operation) {
        return Errors.of(errno(), operation, null);
    }

    /**
     * Why netlink cannot be used here, or empty: libc must load through JNR-FFI and a NETLINK_ROUTE
     * socket must open and bind.
     */
    public static Optional<Throwable> probe() {
        try {
            libc();
            SysTransport.open(0, 1000).close();
            return Optional.empty();
        } catch (Throwable t) {
            return Optional.of(t);
        }
    }

    /** Opens a file read-only with O_CLOEXEC (namespace files). */
    public static int open(String path) throws NetlinkException {
        int fd;
        do {
            fd = libc().open(path, O_RDONLY | O_CLOEXEC, 0);
        } while (fd < 0 && errno() == Errors.EINTR);
        if (fd < 0) {
            throw fail("open " + path);
        }
        return fd;
    }

    /** Creates an empty file, failing with AlreadyExistsException if it exists (the ip netns mount point). */
    public static void createExclusive(String path) throws NetlinkException {
        int fd = libc().open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
        if (fd < 0) {
            throw fail("create " + path);
        }
        libc().close(fd);
    }

    public static void close(int fd) {
        if (fd >= 0) {
            libc().close(fd); // Linux closes the fd even on EINTR; never retry
        }
    }

    /** setns(fd, CLONE_NEWNET) on the calling thread only. */
    public static void setnsNet(int fd, String what) throws NetlinkException {
        if (libc().setns(fd, CLONE_NEWNET) != 0) {
            throw fail("setns " + what);
        }
    }

    /** unshare(CLONE_NEWNET): gives the calling thread a new, empty network namespace. */
    public static void unshareNet() throws NetlinkException {
        if (libc().unshare(CLONE_NEWNET) != 0) {
            throw fail("unshare(CLONE_NEWNET)");
        }
    }

    public static void mount(String source, String target, String fstype, long flags) throws NetlinkException {
        if (libc().mount(source, target, fstype, flags, null) != 0) {
            throw fail("mount " + source + " on " + target + " flags 0x" + Long.toHexString(flags));
        }
    }

    /** As {@link #mount} but returns the errno instead of throwing (0 on success). */
    public static int tryMount(String source, String target, String fstype, long flags) {
        return libc().mount(source, target, fstype, flags, null) == 0 ? 0 : errno();
    }

    public static void umount2(String target, int flags) throws NetlinkException {
        if (libc().umount2(target, flags) != 0) {
            throw fail("umount " + target);
        }
    }

    static byte[] sockaddrNl(int pid, int groups) {
        return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) AF_NETLINK).putShort((short) 0)
                .putInt(pid).putInt(groups).array();
    }

    static byte[] intOpt(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static byte[] timeval(int millis) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(millis / 1000)
                .putLong((millis % 1000) * 1000L).array();
    }
}
