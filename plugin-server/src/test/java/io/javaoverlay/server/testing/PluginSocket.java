package io.javaoverlay.server.testing;

import io.javaoverlay.server.protocol.Json;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shared socket and server set-up of plugin-server's tests: the plugin API served on a Unix
 * socket (the same Jersey application as the daemon's), requests as Docker sends them, and the
 * transport checks every socket test needs (no TCP listener, listed as a Unix socket). The static
 * helpers also talk to a daemon started some other way (a {@code Daemon}, a child process).
 */
public final class PluginSocket implements AutoCloseable {
    /** The content type of every plugin answer. */
    public static final String DOCKER_JSON = Json.DOCKER_PLUGIN_JSON;
    /** The body of {@code /Plugin.Activate}. */
    public static final String ACTIVATED = "{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}";

    private final Path socket;
    private UdsHttpServer server;

    private PluginSocket(Path socket) {
        this.socket = socket;
    }

    /** Serves {@code services} on {@code socket} with scope {@code scope} and a body limit. */
    public static PluginSocket serve(Path socket, Services services, String scope, long maxBodyBytes) throws IOException {
        PluginSocket s = new PluginSocket(socket);
        s.restart(services, scope, maxBodyBytes);
        return s;
    }

    /** Stops the current server (if any) and serves again on the same path. */
    public void restart(Services services, String scope, long maxBodyBytes) throws IOException {
        close();
        server = UdsHttpServer.start(UdsListener.bind(socket),
                PluginApplication.create(services, DriverSettings.withScope(scope), maxBodyBytes));
    }

    /** The socket path. */
    public Path path() {
        return socket;
    }

    /** Sends raw request text on a fresh connection and reads one response. */
    public Response raw(String request) throws IOException {
        return exchange(socket, request);
    }

    /** A Docker-shaped POST of {@code body} to {@code path} ({@code "/" + NetworkDriverApi.JOIN}). */
    public Response post(String path, String body) throws IOException {
        return post(socket, path, body);
    }

    /** Asserts that {@code /Plugin.Activate} still answers: the server survived what came before. */
    public void assertStillServing() throws IOException {
        Response r = post("/" + PluginApi.ACTIVATE, "");
        assertEquals(200, r.status(), "the plugin stopped answering: " + r);
        assertEquals(ACTIVATED, r.body());
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Sends raw request text to the plugin on {@code socket} and reads one response. */
    public static Response exchange(Path socket, String request) throws IOException {
        try (UdsHttpClient c = new UdsHttpClient(socket)) {
            return c.exchange(request);
        }
    }

    /** A Docker-shaped POST to the plugin on {@code socket}. */
    public static Response post(Path socket, String path, String body) throws IOException {
        return exchange(socket, dockerPost(path, body));
    }

    /** Polls the plugin on {@code socket} until {@code path} answers {@code status} (30 s at most). */
    public static Response awaitStatus(Path socket, String path, String body, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Response r = null;
        while (System.nanoTime() < deadline) {
            r = post(socket, path, body);
            if (r.status() == status) {
                return r;
            }
            Thread.sleep(50);
        }
        fail(path + " never answered " + status + "; last: " + r);
        return r;
    }

    /**
     * No LISTEN entry in the process's TCP tables belongs to one of its own socket inodes: the
     * plugin API is served on the Unix socket only.
     */
    public static void assertNoTcpListener(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // fd went away between list and readlink
                }
            }
        }
        assertFalse(inodes.isEmpty(), "process " + pid + " holds at least its Unix socket");
        for (String table : List.of("tcp", "tcp6")) {
            Path p = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p); // read once: the table changes under us
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A")) {
                    assertFalse(inodes.contains(f[9]), "process " + pid + " listens on TCP: " + line);
                }
            }
        }
    }

    /** The socket is listed in {@code /proc/net/unix}: a real Unix socket, bound at that path. */
    public static void assertListedAsUnixSocket(Path socket) throws IOException {
        boolean listed = Files.readAllLines(Path.of("/proc/self/net/unix")).stream()
                .anyMatch(l -> l.endsWith(socket.toString()));
        assertTrue(listed, socket + " is listed in /proc/net/unix");
    }
}
