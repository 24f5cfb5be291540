package io.javaoverlay.netlink.internal.sys;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Holder of the only JNR-FFI declaration in the module, {@link LibC}. The holder is
 * package-private, so {@code LibC} cannot be named outside this package; the interface itself has
 * to be public because JNR-FFI implements it from a class in its own class loader (a
 * package-private interface fails with IllegalAccessError).
 */
final class Ffi {
    private Ffi() {}

    /**
     * The libc functions this module calls. Every call saves errno, which {@link Native} reads right
     * after a failure on the same thread. {@code byte[]} arguments are copied in ({@code @In}) or out
     * ({@code @Out}) only as needed.
     */
    public interface LibC {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, @In byte[] sockaddr, int len);

        @SaveError
        int getsockname(int fd, @Out byte[] sockaddr, @In @Out int[] len);

        @SaveError
        int setsockopt(int fd, int level, int option, @In byte[] value, int len);

        @SaveError
        @ssize_t
        long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] to, int tolen);

        @SaveError
        @ssize_t
        long recvmsg(int fd, Pointer msghdr, int flags);

        @SaveError
        int setns(int fd, int nstype);

        @SaveError
        int unshare(int flags);

        /** {@code unsigned long mountflags} is 64-bit on the LP64 targets we run on. */
        @SaveError
        int mount(String source, String target, String fstype, long mountflags, Pointer data);

        @SaveError
        int umount2(String target, int flags);

        @SaveError
        int open(String path, int flags, int mode);

        @SaveError
        int close(int fd);
    }
    }
