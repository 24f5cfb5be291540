package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
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
import java.util.Optional;

/**
 * One never-ending HTTP/1.1 GET over a Unix socket, read line by line: Docker's {@code GET /events}
 * (one JSON object per line, each flushed as a chunk). The status and headers must arrive within the
 * open timeout; after that an idle stream is normal and never an error: {@link #readLine(Duration)}
 * returns empty when nothing came in time, and only the end of the stream, a broken connection or a
 * malformed body fail. Not thread-safe, except {@link #wakeup()} and {@link #close()}.
 */
public final class UnixHttpStream implements Closeable {
    /** Longest line kept; an event is a few hundred bytes. */
    private static final int MAX_LINE = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel ch;
    private final Selector sel;
    private final String what;
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    private final ByteBuffer buf = ByteBuffer.allocate(16384);
    private int status;
    private boolean chunked;
    private long remaining = -1; // Content-Length left, or bytes left in the current chunk
    private boolean inChunkData;
    private boolean eof;

    private UnixHttpStream(SocketChannel ch, Selector sel, String what) {
        this.ch = ch;
        this.sel = sel;
        this.what = what;
    }

    /**
     * Sends {@code GET path} and waits for the status line and headers.
     *
     * @throws DockerApiException   with Docker's message for a non-2xx status
     * @throws SocketTimeoutException if the headers do not arrive within {@code timeout}
     * @throws IOException          when the socket cannot be reached or the answer is not HTTP
     */
    public static UnixHttpStream open(Path socket, String path, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector sel = null;
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            sel = Selector.open();
            UnixHttpStream s = new UnixHttpStream(ch, sel, "GET " + path);
            s.start(path, System.nanoTime() + timeout.toNanos());
            return s;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
    }

    private void start(String path, long deadline) throws IOException {
        byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: javaoverlay\r\n"
                + "Accept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.wrap(req);
        SelectionKey key = ch.register(sel, SelectionKey.OP_WRITE);
        while (out.hasRemaining()) {
            if (!await(deadline)) {
                throw new SocketTimeoutException(what + ": could not send the request in time");
            }
            ch.write(out);
        }
        key.interestOps(SelectionKey.OP_READ);
        int end;
        while ((end = indexOf(raw.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) < 0) {
            if (!await(deadline)) {
                throw new SocketTimeoutException(what + ": no response headers in time");
            }
            if (!fill()) {
                throw new IOException(what + ": connection closed before the response headers");
            }
        }
        byte[] all = raw.toByteArray();
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] sl = lines[0].split(" ", 3);
        if (sl.length < 2 || !sl[0].startsWith("HTTP/1.")) {
            throw new IOException(what + ": not an HTTP response: " + lines[0]);
        }
        try {
            status = Integer.parseInt(sl[1]);
        } catch (NumberFormatException e) {
            throw new IOException(what + ": bad status line: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(c + 1).trim().toLowerCase(Locale.ROOT);
                if (name.equals("transfer-encoding") && value.contains("chunked")) {
                    chunked = true;
                } else if (name.equals("content-length")) {
                    remaining = Long.parseLong(value);
                }
            }
        }
        if (chunked) {
            remaining = -1; // chunked framing wins over a Content-Length (RFC 9112 6.3)
        }
        raw.reset();
        raw.write(all, end + 4, all.length - end - 4);
        decode();
        if (status / 100 != 2) {
            throw new DockerApiException(status, what + " -> " + status + ": " + errorBody(deadline));
        }
    }

    /** Docker's {@code message} of an error answer (whatever arrives before the deadline). */
    private String errorBody(long deadline) {
        try {
            while (!eof && await(deadline) && fill()) {
                decode();
            }
        } catch (IOException e) {
            // keep what we have
        }
        String text = decoded.toString(StandardCharsets.UTF_8).trim();
        try {
            JsonNode m = JSON.readTree(text).path("message");
            return m.isTextual() ? m.asText() : text;
        } catch (IOException e) {
            return text;
        }
    }

    /** The HTTP status (2xx once {@link #open} returned). */
    public int status() {
        return status;
    }

    /**
     * The next line of the body, without its line end, waiting at most {@code maxWait} for it.
     *
     * @return the line, or empty when none arrived in time (or {@link #wakeup()} was called)
     * @throws EOFException when the server ended the stream
     * @throws IOException  when the connection broke or the body is malformed
     */
    public Optional<String> readLine(Duration maxWait) throws IOException {
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        while (true) {
            Optional<String> line = takeLine();
            if (line.isPresent()) {
                return line;
            }
            if (eof) {
                throw new EOFException(what + ": the stream ended");
            }
            if (!await(deadline)) {
                return Optional.empty();
            }
            if (!fill()) {
                if (!chunked && remaining < 0) {
                    eof = true; // a close-delimited body ends here
                    continue;
                }
                throw new EOFException(what + ": connection closed");
            }
            decode();
        }
    }

    /** Makes a {@link #readLine} in progress return early (empty). Any thread. */
    public void wakeup() {
        sel.wakeup();
    }

    private Optional<String> takeLine() throws IOException {
        byte[] d = decoded.toByteArray();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == '\n') {
                int len = i > 0 && d[i - 1] == '\r' ? i - 1 : i;
                String line = new String(d, 0, len, StandardCharsets.UTF_8);
                decoded.reset();
                decoded.write(d, i + 1, d.length - i - 1);
                return Optional.of(line);
            }
        }
        if (d.length > MAX_LINE) {
            throw new IOException(what + ": a line longer than " + MAX_LINE + " bytes");
        }
        return Optional.empty();
    }

    /** Waits for readiness until the deadline; false on timeout or wakeup. */
    private boolean await(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            return sel.selectNow() > 0 && clearSelected();
        }
        return sel.select(left) > 0 && clearSelected();
    }

    private boolean clearSelected() {
        sel.selectedKeys().clear();
        return true;
    }

    /** Reads what is there into {@code raw}; false at the end of the connection. */
    private boolean fill() throws IOException {
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
            return false;
        }
        raw.write(buf.array(), 0, n);
        return true;
    }

    /** Moves the body bytes of {@code raw} (de-chunked) to {@code decoded}. */
    private void decode() throws IOException {
        byte[] r = raw.toByteArray();
        int pos = 0;
        if (!chunked) {
            int n = remaining < 0 ? r.length : (int) Math.min(remaining, r.length);
            decoded.write(r, 0, n);
            pos = n;
            if (remaining >= 0) {
                remaining -= n;
                eof = remaining == 0;
            }
        } else {
            while (pos < r.length && !eof) {
                if (inChunkData) {
                    int n = (int) Math.min(remaining, r.length - pos);
                    decoded.write(r, pos, n);
                    pos += n;
                    remaining -= n;
                    if (remaining > 0) {
                        break;
                    }
                    inChunkData = false;
                    remaining = -2; // the CRLF after the data
                }
                if (remaining == -2) {
                    if (r.length - pos < 2) {
                        break;
                    }
                    pos += 2;
                    remaining = -1;
                }
                int eol = indexOf(r, pos, new byte[] {'\r', '\n'});
                if (eol < 0) {
                    if (r.length - pos > 1024) {
                        throw new IOException(what + ": bad chunk header");
                    }
                    break;
                }
                String size = new String(r, pos, eol - pos, StandardCharsets.US_ASCII);
                int semi = size.indexOf(';');
                try {
                    remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException(what + ": bad chunk size '" + size + "'");
                }
                pos = eol + 2;
                if (remaining == 0) {
                    eof = true; // last chunk; trailers are ignored
                } else {
                    inChunkData = true;
                }
            }
        }
        raw.reset();
        raw.write(r, pos, r.length - pos);
    }

    private static int indexOf(byte[] data, byte[] pat) {
        return indexOf(data, 0, pat);
    }

    private static int indexOf(byte[] data, int from, byte[] pat) {
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

    @Override
    public void close() throws IOException {
        try {
            ch.close();
        } finally {
            sel.close();
        }
    }
}
