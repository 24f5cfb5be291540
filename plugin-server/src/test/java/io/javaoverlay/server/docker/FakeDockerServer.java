package io.javaoverlay.server.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake Engine API on a Unix socket: each request (method, path, body) goes to a handler that
 * returns the raw bytes to send back, so tests control framing (Content-Length, chunked, none).
 */
final class FakeDockerServer implements AutoCloseable {
    record Request(String method, String path, String body) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread thread;
    private final Path socket;

    FakeDockerServer(Path socket, Function<Request, byte[]> handler) throws IOException {
        this.socket = socket;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> {
            while (server.isOpen()) {
                SocketChannel c = null;
                boolean keep = false;
                try {
                    c = server.accept();
                    Request r = read(c);
                    requests.add(r);
                    byte[] answer = handler.apply(r);
                    if (answer == STREAM) {
                        streams.add(c); // stays open: emit() writes to it (listed before the client sees the head)
                        keep = true;
                        c.write(ByteBuffer.wrap(STREAM_HEAD));
                    } else if (answer != null) {
                        c.write(ByteBuffer.wrap(answer));
                    } else {
                        Thread.sleep(5000); // never answer
                    }
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    } // else: that client went away; serve the next one
                } catch (InterruptedException e) {
                    return;
                } finally {
                    if (c != null && !keep) {
                        try {
                            c.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                }
            }
        }, "fake-dockerd");
        thread.setDaemon(true);
        thread.start();
    }

    /** Handler answer that opens a never-ending chunked stream (like {@code GET /events}); see {@link #emit}. */
    static final byte[] STREAM = new byte[0];
    private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    final List<SocketChannel> streams = new CopyOnWriteArrayList<>();

    /** Writes {@code line} + newline as one chunk to every open stream; returns how many got it. */
    int emit(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] chunk = (Integer.toHexString(b.length) + "\r\n" + new String(b, StandardCharsets.UTF_8) + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        int n = 0;
        for (SocketChannel c : streams) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(chunk);
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                n++;
            } catch (IOException e) {
                streams.remove(c);
            }
        }
        return n;
    }

    /** Ends every open stream by closing its connection (as a dockerd that exits). */
    void dropStreams() {
        for (SocketChannel c : streams) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        streams.clear();
    }

    static byte[] json(int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return (("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n") + body).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] chunked(int status, String... chunks) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 " + status + " X\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String c : chunks) {
            sb.append(Integer.toHexString(c.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(c).append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Request read(SocketChannel c) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                break;
            }
            in.write(buf.array(), 0, n);
            String s = in.toString(StandardCharsets.UTF_8);
            int end = s.indexOf("\r\n\r\n");
            if (end >= 0) {
                int len = 0;
                for (String line : s.substring(0, end).split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        len = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (in.size() >= end + 4 + len) {
                    String[] first = s.substring(0, s.indexOf("\r\n")).split(" ");
                    return new Request(first[0], first[1], s.substring(end + 4, end + 4 + len));
                }
            }
        }
        throw new IOException("client closed early");
    }

    @Override
    public void close() throws IOException {
        dropStreams();
        server.close();
        thread.interrupt();
        Files.deleteIfExists(socket);
    }
}
