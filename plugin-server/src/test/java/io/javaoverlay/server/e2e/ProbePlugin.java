package io.javaoverlay.server.e2e;

import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A do-nothing Docker network plugin for testbed tests: answers Plugin.Activate with NetworkDriver,
 * GetCapabilities with local scope and every other call with {@code {}}, and records the paths it
 * was asked for. It proves that a socket created at {@link Testbed#pluginDir(String)} from the root
 * namespace is found by that host's dockerd. Minimal HTTP/1.1 (Content-Length bodies, keep-alive);
 * not a model for the real plugin server.
 */
final class ProbePlugin implements AutoCloseable {

    private static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.1+json";

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** Starts listening on {@code socket}. */
    ProbePlugin(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::acceptLoop, "probe-plugin-" + socket.getFileName());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The request paths received so far, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread t = new Thread(() -> serve(ch), "probe-plugin-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch; InputStream in = Channels.newInputStream(ch); OutputStream out = Channels.newOutputStream(ch)) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ", 3)[1];
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                in.readNBytes(length);
                calls.add(path);
                byte[] body = answer(path).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + CONTENT_TYPE + "\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // connection dropped by dockerd; nothing to do
        }
    }

    private static String answer(String path) {
        if (path.equals("/" + PluginApi.ACTIVATE)) {
            return "{\"Implements\":[\"NetworkDriver\"]}";
        }
        if (path.equals("/" + NetworkDriverApi.GET_CAPABILITIES)) {
            return "{\"Scope\":\"local\"}";
        }
        return "{}";
    }

    /** Reads up to the blank line; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            buf.write(b);
            int n = buf.size();
            byte[] a = buf.toByteArray();
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return buf.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
