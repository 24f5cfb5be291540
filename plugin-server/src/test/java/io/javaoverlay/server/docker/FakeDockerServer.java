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
                try (SocketChannel c = server.accept()) {
                    Request r = read(c);
                    requests.add(r);
                    byte[] answer = handler.apply(r);
                    if (answer != null) {
                        c.write(ByteBuffer.wrap(answer));
                    } else {
                        Thread.sleep(5000); // never answer
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "fake-dockerd");
        thread.setDaemon(true);
        thread.start();
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
        server.close();
        thread.interrupt();
        Files.deleteIfExists(socket);
    }
}
