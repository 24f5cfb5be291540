package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.BusyException;
import io.javaoverlay.netlink.DumpInterruptedException;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.NotSupportedException;
import io.javaoverlay.netlink.PermissionDeniedException;
import java.util.Map;

/**
 * The one errno → exception function of the module (netty's {@code Errors} chokepoint): every
 * kernel NLMSG_ERROR and every failing syscall goes through {@link #of}. Callers branch on the
 * subclass, never on the message; unknown errnos keep their number in the base class.
 */
public final class Errors {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (operation not permitted)"),
            Map.entry(ENOENT, "ENOENT (no such file or directory)"),
            Map.entry(ESRCH, "ESRCH (no such process)"),
            Map.entry(EINTR, "EINTR (interrupted)"),
            Map.entry(9, "EBADF (bad file descriptor)"),
            Map.entry(EAGAIN, "EAGAIN (resource temporarily unavailable / timed out)"),
            Map.entry(12, "ENOMEM (out of memory)"),
            Map.entry(EACCES, "EACCES (permission denied)"),
            Map.entry(EBUSY, "EBUSY (device or resource busy)"),
            Map.entry(EEXIST, "EEXIST (file exists)"),
            Map.entry(ENODEV, "ENODEV (no such device)"),
            Map.entry(20, "ENOTDIR (not a directory)"),
            Map.entry(EINVAL, "EINVAL (invalid argument)"),
            Map.entry(ERANGE, "ERANGE (numerical result out of range)"),
            Map.entry(90, "EMSGSIZE (message too long)"),
            Map.entry(93, "EPROTONOSUPPORT (protocol not supported)"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP (operation not supported)"),
            Map.entry(97, "EAFNOSUPPORT (address family not supported)"),
            Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL (cannot assign requested address)"),
            Map.entry(101, "ENETUNREACH (network is unreachable)"),
            Map.entry(ENOBUFS, "ENOBUFS (no buffer space available)"),
            Map.entry(113, "EHOSTUNREACH (no route to host)"));

    private Errors() {}

    /** {@code ENODEV (no such device)} style name, or {@code errno N}. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /**
     * Maps a positive errno (a kernel NLMSG_ERROR's {@code -error}, or a syscall's errno) to the
     * typed exception. {@code extAck} may be null.
     */
    public static NetlinkException of(int errno, String operation, String extAck) {
        String message = operation + ": " + name(errno) + (extAck == null || extAck.isEmpty() ? "" : ": " + extAck);
        switch (errno) {
            case EEXIST:
                return new AlreadyExistsException(errno, operation, extAck, message);
            case ENODEV:
            case ENOENT:
            case ESRCH:
            case EADDRNOTAVAIL: // what RTM_DELADDR returns for an address the link does not have
                return new NotFoundException(errno, operation, extAck, message);
            case EPERM:
            case EACCES:
                return new PermissionDeniedException(errno, operation, extAck, message);
            case EOPNOTSUPP:
                return new NotSupportedException(errno, operation, extAck, message);
            case EBUSY:
                return new BusyException(errno, operation, extAck, message);
            default:
                return new NetlinkException(errno, operation, extAck, message);
        }
    }

    /** NLM_F_DUMP_INTR seen on a dump reply: the table changed while it was being read. */
    public static DumpInterruptedException dumpInterrupted(String operation) {
        return new DumpInterruptedException(EINTR, operation, null,
                operation + ": dump interrupted (NLM_F_DUMP_INTR), the table changed; retry");
    }

    /** A failure that did not come from the kernel (malformed reply, closed socket, bad argument). */
    public static NetlinkException local(String operation, String problem) {
        return new NetlinkException(0, operation, null, operation + ": " + problem);
    }
}
