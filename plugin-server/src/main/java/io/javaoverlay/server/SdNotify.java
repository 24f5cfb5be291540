package io.javaoverlay.server;

import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's sd_notify protocol: newline-separated {@code KEY=VALUE} lines in one datagram to the
 * AF_UNIX SOCK_DGRAM socket named by {@code NOTIFY_SOCKET}. The JDK has no Unix datagram channel,
 * so jnr-unixsocket sends it. A leading {@code @} names the abstract namespace (a NUL byte).
 * Without {@code NOTIFY_SOCKET} every call is a no-op; failures are logged, never thrown.
 */
public final class SdNotify {
    private static final System.Logger LOG = System.getLogger(SdNotify.class.getName());

    private final Optional<String> socket;

    private SdNotify(Optional<String> socket) {
        this.socket = socket;
    }

    /** Notifier for {@code $NOTIFY_SOCKET}, or a no-op one when unset. */
    public static SdNotify fromEnvironment(Map<String, String> env) {
        return new SdNotify(Optional.ofNullable(env.get("NOTIFY_SOCKET")).filter(s -> !s.isBlank()));
    }

    /** True when running under a notify-aware supervisor. */
    public boolean enabled() {
        return socket.isPresent();
    }

    /** {@code READY=1} plus a status line. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    /** {@code STATUS=...} (shown by {@code systemctl status}). */
    public void status(String status) {
        send("STATUS=" + status);
    }

    /** {@code STOPPING=1}. */
    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    /** Sends one datagram; returns true when it went out. */
    public boolean send(String message) {
        if (socket.isEmpty()) {
            return false;
        }
        String path = socket.get();
        String target = path.startsWith("@") ? "\0" + path.substring(1) : path;
        try (UnixDatagramChannel ch = UnixDatagramChannel.open()) {
            ch.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), new UnixSocketAddress(target));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "sd_notify to " + path + " failed: " + e);
            return false;
        }
    }
}
