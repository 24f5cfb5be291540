package io.javaoverlay.server.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A minimal HTTP/1.1 client over a Unix domain socket (JDK {@link SocketChannel}): one request per
 * connection ({@code Connection: close}), responses framed by Content-Length, chunked encoding or
 * end of stream. Every call is bounded by the timeout, connect included; a blocking channel has
 * no read timeout, so reads go through a selector.
 */
public final class UnixHttpClient {
    /** Largest response accepted; Docker's network listings are far smaller. */
    private static final int MAX_RESPONSE = 16 << 20;

    private final Path socket;
    private final Duration timeout;

    /**
     * @param socket  the server's socket path (e.g. {@code /run/docker.sock})
     * @param timeout bound on one whole request (connect, send, receive)
     */
    public UnixHttpClient(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The socket this client talks to. */
    public Path socket() {
        return socket;
    }

    /** A response: status code and the (de-chunked) body. */
    public record Response(int status, byte[] body) {
        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends one request and reads the whole response.
     *
     * @param body JSON body, or null for none
     * @throws IOException on connection failure, timeout or a malformed response
     */
    public Response send(String method, String path, byte[] body) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector sel = Selector.open()) {
            // Connecting to a Unix socket does not block on the network; a missing or dead socket fails at once.
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: docker\r\nUser-Agent: javaoverlay\r\nConnection: close\r\nAccept: application/json\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            req.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                req.writeBytes(body);
            }
            ByteBuffer out = ByteBuffer.wrap(req.toByteArray());
            SelectionKey key = ch.register(sel, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                await(sel, deadline, method, path);
                ch.write(out);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16384);
            Response done = null;
            while (done == null) {
                await(sel, deadline, method, path);
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    done = parse(in.toByteArray(), true);
                    if (done == null) {
                        throw new IOException(method + " " + path + ": connection closed mid-response");
                    }
                    break;
                }
                in.write(buf.array(), 0, n);
                if (in.size() > MAX_RESPONSE) {
                    throw new IOException(method + " " + path + ": response larger than " + MAX_RESPONSE + " bytes");
                }
                done = parse(in.toByteArray(), false);
            }
            return done;
        }
    }

    private static void await(Selector sel, long deadline, String method, String path) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || sel.select(left) == 0 && System.nanoTime() >= deadline) {
            throw new SocketTimeoutException(method + " " + path + ": no complete answer in time");
        }
        sel.selectedKeys().clear();
    }

    /** The response if {@code data} holds a complete one, else null. */
    static Response parse(byte[] data, boolean eof) throws IOException {
        int end = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (end < 0) {
            return null;
        }
        String[] lines = new String(data, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + lines[0]);
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + lines[0]);
        }
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c < 0) {
                continue;
            }
            String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(c + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        int start = end + 4;
        if (code == 204 || code == 304 || code / 100 == 1) {
            return new Response(code, new byte[0]);
        }
        if (chunked) {
            return dechunk(data, start, code);
        }
        if (length >= 0) {
            if (data.length - start < length) {
                return null;
            }
            byte[] b = new byte[(int) length];
            System.arraycopy(data, start, b, 0, (int) length);
            return new Response(code, b);
        }
        if (!eof) {
            return null; // body delimited by the end of the connection
        }
        byte[] b = new byte[data.length - start];
        System.arraycopy(data, start, b, 0, b.length);
        return new Response(code, b);
    }

    private static Response dechunk(byte[] data, int pos, int code) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] crlf = {'\r', '\n'};
        while (true) {
            int eol = indexOf(data, crlf, pos);
            if (eol < 0) {
                return null;
            }
            String sizeText = new String(data, pos, eol - pos, StandardCharsets.US_ASCII);
            int semi = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size '" + sizeText + "'");
            }
            int chunk = eol + 2;
            if (size == 0) {
                return new Response(code, body.toByteArray()); // trailers, if any, are ignored
            }
            if (data.length < chunk + size + 2) {
                return null;
            }
            body.write(data, chunk, size);
            pos = chunk + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pat, int from) {
        outer:
        for (int i = from; i <= data.length - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (data[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
