package io.javaoverlay.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.x client over a JDK Unix socket: writes the raw request text it is
 * given and parses one response (Content-Length or chunked). Keeps the connection for reuse.
 */
public final class UdsHttpClient implements Closeable {
    private final SocketChannel channel;

    public UdsHttpClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
    }

    /** One parsed response. Header names are lower-cased. */
    public record Response(String statusLine, int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A Docker-shaped POST: Host plugin.moby.localhost, vendor Accept, no Content-Type. */
    public static String dockerPost(String path, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: plugin.moby.localhost\r\nUser-Agent: Go-http-client/1.1\r\n"
                + "Content-Length: " + b.length + "\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n"
                + "Accept-Encoding: gzip\r\n\r\n" + body;
    }

    /** Sends raw request bytes and reads one response. */
    public Response exchange(String rawRequest) throws IOException {
        send(rawRequest.getBytes(StandardCharsets.UTF_8));
        return read();
    }

    /** Sends raw bytes without reading. */
    public void send(byte[] raw) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(raw);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Reads one response. */
    public Response read() throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String body;
        if (headers.containsKey("content-length")) {
            body = new String(readExactly(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(readLine().trim(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                out.write(readExactly(size));
                readLine();
            }
            body = out.toString(StandardCharsets.UTF_8);
        } else {
            body = new String(readToEof(), StandardCharsets.UTF_8);
        }
        return new Response(lines[0], status, headers, body);
    }

    /** True when the server has closed its side (a read returns EOF). */
    public boolean isClosedByPeer() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return channel.read(one) < 0;
    }

    private String readHead() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            sb.append((char) readByte());
        }
        return sb.substring(0, sb.length() - 4);
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n")) {
            sb.append((char) readByte());
        }
        return sb.substring(0, sb.length() - 2);
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) readByte();
        }
        return out;
    }

    private byte[] readToEof() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = readByteOrEof()) >= 0) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private int readByte() throws IOException {
        int b = readByteOrEof();
        if (b < 0) {
            throw new IOException("connection closed by the server");
        }
        return b;
    }

    private final ByteBuffer in = ByteBuffer.allocate(8192).flip();

    private int readByteOrEof() throws IOException {
        if (!in.hasRemaining()) {
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                return -1;
            }
        }
        return in.get() & 0xff;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
