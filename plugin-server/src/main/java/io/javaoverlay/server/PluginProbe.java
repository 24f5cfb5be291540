package io.javaoverlay.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One request to our own plugin socket, the way dockerd sends it, bounded by a deadline: the whole
 * request path (accept, Grizzly's HTTP codec, Jersey, a resource, the JSON writer) must answer.
 * Used for the warm-up before READY=1 and by the {@link Watchdog}.
 */
final class PluginProbe {
    /** Docker's registration call: answered from static settings, so it never waits for the store. */
    static final String PATH = "/NetworkDriver.GetCapabilities";

    private final Path socket;

    PluginProbe(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    /** The socket probed. */
    Path socket() {
        return socket;
    }

    /**
     * POSTs {@link #PATH} and returns the status line.
     *
     * @throws IOException when the socket refuses, the answer is not HTTP, or nothing complete
     *                     arrives within {@code timeout} (the message says which)
     */
    String exchange(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String req = "POST " + PATH + " HTTP/1.1\r\nHost: plugin.moby.localhost\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer in = ByteBuffer.allocate(2048);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector sel = Selector.open()) {
            // A Unix-socket connect completes or fails at once (a full backlog gives EAGAIN).
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, SelectionKey.OP_WRITE);
            boolean eof = false;
            while (!eof) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no complete answer from " + socket + " within " + timeout.toMillis() + " ms"
                            + (in.position() > 0 ? " (partial: " + firstLine(in) + ")" : ""));
                }
                sel.select(Math.max(1, left / 1_000_000));
                sel.selectedKeys().clear();
                if (out.hasRemaining()) {
                    ch.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    continue;
                }
                int n = ch.read(in);
                if (n < 0) {
                    eof = true;
                } else if (!in.hasRemaining()) {
                    eof = true;   // enough for the status line; the body does not matter
                }
            }
        }
        String head = firstLine(in);
        if (!head.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer from " + socket + ": '" + head + "'");
        }
        return head;
    }

    private static String firstLine(ByteBuffer in) {
        String s = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        int nl = s.indexOf('\r');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
