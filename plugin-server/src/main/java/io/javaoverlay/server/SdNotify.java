package io.javaoverlay.server;

import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * systemd's sd_notify protocol: newline-separated {@code KEY=VALUE} lines in one datagram to the
 * AF_UNIX SOCK_DGRAM socket named by {@code NOTIFY_SOCKET}. The JDK has no Unix datagram channel,
 * so jnr-unixsocket sends it. A leading {@code @} names the abstract namespace (a NUL byte).
 * Without {@code NOTIFY_SOCKET} every call is a no-op; failures are logged, never thrown.
 *
 * <p>{@link #ready}, {@link #status} and {@link #stopping} are sent in order by one background
 * thread: loading jnr-unixsocket (jnr-ffi, jffi's native stub, generated classes) costs about
 * 0.2 s of CPU and 14 MB, and the first status is sent before the plugin socket is opened, so it
 * must not sit on the path to the socket answering.
 */
public final class SdNotify {
    private static final System.Logger LOG = System.getLogger(SdNotify.class.getName());
    /** How long {@link #stopping()} waits for the queue, so STOPPING=1 leaves before the JVM exits. */
    private static final long FLUSH_MILLIS = 2000;

    private final Optional<String> socket;
    /** One thread at most, so messages keep their order; it ends when idle. */
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "sd-notify");
                t.setDaemon(true);
                return t;
            });

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
        post("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    /** {@code STATUS=...} (shown by {@code systemctl status}). */
    public void status(String status) {
        post("STATUS=" + status);
    }

    /** {@code STOPPING=1}; waits (bounded) until it and everything queued before it went out. */
    public void stopping() {
        Future<?> sent = post("STOPPING=1\nSTATUS=stopping");
        try {
            sent.get(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.DEBUG, "sd_notify STOPPING=1 not confirmed: " + e);
        }
    }

    /** Queues one datagram behind the earlier ones. */
    private Future<?> post(String message) {
        if (socket.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return sender.submit(() -> send(message));
    }

    /** Sends one datagram now, on the caller's thread; returns true when it went out. */
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
