package io.javaoverlay.server.uds;

import jnr.ffi.LibraryLoader;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.Map;
import java.util.Optional;

/**
 * systemd socket activation. {@code System.inheritedChannel()} only looks at fd 0 (the inetd
 * convention), while systemd passes sockets from fd 3 with {@code LISTEN_PID}/{@code LISTEN_FDS}.
 * When those name us, fd 3 is moved to fd 0 ({@code dup2(3,0)}) before the JDK looks, because the
 * JDK caches the first {@code inheritedChannel()} result.
 */
final class SystemdActivation {
    static final int SD_LISTEN_FDS_START = 3;

    /** The two libc calls needed; kept here so no jnr type leaks out of this class. */
    public interface LibC {
        int dup2(int oldFd, int newFd);

        int close(int fd);
    }

    private SystemdActivation() {
    }

    /** True when the environment passes at least one socket to process {@code pid}. */
    static boolean activatedFor(Map<String, String> env, long pid) {
        String listenPid = env.get("LISTEN_PID");
        String listenFds = env.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return false;
        }
        try {
            return Long.parseLong(listenPid.trim()) == pid && Integer.parseInt(listenFds.trim()) >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static Optional<Channel> inheritedChannel(Map<String, String> env, long pid) throws IOException {
        if (activatedFor(env, pid)) {
            LibC libc = LibraryLoader.create(LibC.class).load("c");
            if (libc.dup2(SD_LISTEN_FDS_START, 0) < 0) {
                throw new IOException("socket activation: dup2(3, 0) failed");
            }
            libc.close(SD_LISTEN_FDS_START);
        }
        // Also covers StandardInput=socket (fd 0 is the listener, no LISTEN_* needed).
        Channel ch = System.inheritedChannel();
        if (ch instanceof java.nio.channels.ServerSocketChannel) {
            return Optional.of(ch);
        }
        if (activatedFor(env, pid)) {
            throw new IOException("socket activation: fd 3 is not a listening stream socket");
        }
        return Optional.empty();
    }
}
