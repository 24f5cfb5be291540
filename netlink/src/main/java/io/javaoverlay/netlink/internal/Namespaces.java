package io.javaoverlay.netlink.internal;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.internal.sys.Native;
import io.javaoverlay.netlink.internal.wire.Errors;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Named namespaces the way {@code ip netns} keeps them, and the one place that calls
 * {@code setns}/{@code unshare}.
 *
 * <p>Threading rule: a namespace switch happens only on a fresh platform thread created for that
 * one piece of work, which ends when the work is done. No pooled, server or caller thread ever
 * changes namespace, so none can be left in the wrong one. The worker still switches back and
 * checks {@code /proc/thread-self/ns/net} before it ends, and reports a failed restore.
 */
public final class Namespaces {
    private static final Logger LOG = System.getLogger(Namespaces.class.getName());
    public static final String NETNS_RUN_DIR = "/run/netns";

    /** Work run inside a namespace. */
    @FunctionalInterface
    public interface NsWork<T> {
        T run() throws NetlinkException;
    }

    private Namespaces() {}

    /** Validates a namespace name as iproute2 would accept it as a file name. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                || name.length() > 255) {
            throw new IllegalArgumentException("invalid namespace name '" + name + "': 1..255 characters, no '/'");
        }
        return name;
    }

    public static String pathOf(String name) {
        return NETNS_RUN_DIR + "/" + checkName(name);
    }

    /**
     * Runs {@code work} on a dedicated new platform thread inside {@code target} (or, when
     * {@code target} is null, inside a brand-new namespace from {@code unshare(CLONE_NEWNET)}).
     */
    public static <T> T onDedicatedThread(NetNs target, String what, NsWork<T> work) throws NetlinkException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                result[0] = switched(target, what, work);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "jo-netns-" + what);
        t.setDaemon(true);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the worker must finish its switch back; wait for it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof NetlinkException ne) {
            throw ne;
        }
        if (failure[0] instanceof RuntimeException re) {
            throw re;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(what + ": " + failure[0], failure[0]);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    private static <T> T switched(NetNs target, String what, NsWork<T> work) throws NetlinkException {
        long savedInode = FdNetNs.currentThreadInode();
        if (target != null && target.inode() == savedInode) {
            // Already there (Netlink.open() of our own namespace): setns would change nothing, yet it
            // needs CAP_SYS_ADMIN, which neither the hardened systemd unit
            // nor the Docker managed plugin grants.
            return work.run();
        }
        int saved = Native.open("/proc/thread-self/ns/net");
        try {
            if (target == null) {
                Native.unshareNet();
            } else {
                Native.setnsNet(target.fd(), target.name());
            }
            return work.run();
        } finally {
            try {
                Native.setnsNet(saved, "back to the thread's namespace");
                long now = FdNetNs.currentThreadInode();
                if (now != savedInode) {
                    LOG.log(Level.ERROR, "{0}: thread still in namespace {1} after restore (want {2}); it ends now",
                            what, now, savedInode);
                }
            } catch (NetlinkException e) {
                // The thread ends right after this; nothing else will ever run on it.
                LOG.log(Level.ERROR, what + ": could not restore the thread's namespace; discarding the thread", e);
            } finally {
                Native.close(saved);
            }
        }
    }

    /** Equivalent to {@code ip netns add NAME}. */
    public static NetNs create(String name) throws NetlinkException {
        String path = pathOf(name);
        ensureRunDirShared();
        Native.createExclusive(path);
        try {
            onDedicatedThread(null, name, () -> {
                // /proc/thread-self, not /proc/self: only this thread is in the new namespace.
                Native.mount("/proc/thread-self/ns/net", path, "none", MS_BIND);
                return null;
            });
            return FdNetNs.open(name, path);
        } catch (NetlinkException | RuntimeException e) {
            try {
                Native.umount2(path, MNT_DETACH);
            } catch (NetlinkException ignored) {
                // not mounted: nothing to undo
            }
            deleteQuietly(path);
            throw e;
        }
    }

    /** Equivalent to {@code ip netns del NAME}; an absent namespace is fine. */
    public static void delete(String name) throws NetlinkException {
        String path = pathOf(name);
        if (!Files.exists(Path.of(path))) {
            return;
        }
        try {
            Native.umount2(path, MNT_DETACH);
        } catch (NetlinkException e) {
            if (e.errno() != Errors.EINVAL && e.errno() != Errors.ENOENT) { // EINVAL: not a mount point
                throw e;
            }
        }
        deleteQuietly(path);
    }

    private static void deleteQuietly(String path) throws NetlinkException {
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException e) {
            throw Errors.local("delete " + path, e.toString());
        }
    }

    /**
     * Makes /run/netns a shared mount, bind-mounting it onto itself first if it is not a mount point
     * (iproute2 {@code netns_add}), so namespace mounts propagate to other mount namespaces.
     */
    private static synchronized void ensureRunDirShared() throws NetlinkException {
        Path dir = Path.of(NETNS_RUN_DIR);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw Errors.local("mkdir " + NETNS_RUN_DIR, e.toString());
        }
        boolean boundOnItself = false;
        while (true) {
            int err = Native.tryMount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC);
            if (err == 0) {
                return;
            }
            if (err != Errors.EINVAL || boundOnItself) {
                throw Errors.of(err, "mount --make-shared " + NETNS_RUN_DIR, null);
            }
            Native.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC);
            boundOnItself = true;
        }
    }
}
