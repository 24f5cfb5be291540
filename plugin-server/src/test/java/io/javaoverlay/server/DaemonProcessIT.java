package io.javaoverlay.server;

import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real daemon process through {@code bin/javaoverlay}: help and usage exit codes, socket
 * ready and sd_notify READY=1, a refused second instance, SIGTERM → STOPPING=1, exit 0 and the
 * socket unlinked, a stale socket after SIGKILL, and socket activation (LISTEN_FDS via
 * {@code systemd-socket-activate}, and fd 0 as with {@code StandardInput=socket}).
 */
class DaemonProcessIT {
    static final String ACTIVATED = "{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}";

    @TempDir
    Path dir;
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    static Path launcher() {
        String root = System.getenv("JAVAOVERLAY_ROOT");
        Path base = root != null ? Path.of(root) : Path.of(System.getProperty("user.dir")).getParent();
        Path l = base.resolve("bin/javaoverlay");
        assertTrue(Files.isExecutable(l), "launcher not found at " + l);
        return l;
    }

    Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("NOTIFY_SOCKET");
        pb.environment().remove("JOURNAL_STREAM");
        pb.environment().remove("CONSUL_HTTP_ADDR");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("out-" + started.size() + ".log").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    String output(int index) throws IOException {
        return Files.readString(dir.resolve("out-" + index + ".log"));
    }

    /**
     * These daemons run in the host's namespace, so they must never start the data plane (its
     * start-up garbage collection works on the namespace it runs in): an advertise interface that
     * does not exist keeps the services in their retry loop, which is the state under test anyway.
     * WiredDaemonIT runs the full wiring inside a throw-away namespace.
     */
    List<String> daemon(Path socket) {
        return List.of(launcher().toString(), "daemon", "--socket", socket.toString(), "--store", "file://" + dir.resolve("state"),
                "--advertise-addr", "jo-nonexist0", "--admin-socket", dir.resolve("admin/admin.sock").toString());
    }

    static void awaitAnswer(Path socket, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("daemon exited with " + p.exitValue());
            }
            if (Files.exists(socket)) {
                try (UdsHttpClient c = new UdsHttpClient(socket)) {
                    Response r = c.exchange(dockerPost("/Plugin.Activate", ""));
                    assertEquals(ACTIVATED, r.body());
                    return;
                } catch (IOException notYet) {
                    // bound but not accepting yet
                }
            }
            Thread.sleep(20);
        }
        fail("socket " + socket + " did not answer within 60 s");
    }

    /** No LISTEN entry in the process's TCP tables belongs to one of its own socket inodes. */
    static void assertNoTcpListener(long pid) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
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
        assertFalse(inodes.isEmpty(), "the daemon holds at least its Unix socket");
        for (String table : List.of("tcp", "tcp6")) {
            Path p = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A")) {
                    assertFalse(inodes.contains(f[9]), "the daemon listens on TCP: " + line);
                }
            }
        }
    }

    static String receive(UnixDatagramChannel rx, String wanted) throws Exception {
        StringBuilder all = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (System.nanoTime() < deadline) {
            buf.clear();
            boolean got;
            try {
                got = rx.receive(buf) != null && buf.position() > 0;
            } catch (IOException eagain) {
                got = false; // jnr reports EAGAIN on an empty non-blocking socket as an exception
            }
            if (got) {
                buf.flip();
                String msg = StandardCharsets.UTF_8.decode(buf).toString();
                all.append(msg).append("\n---\n");
                if (msg.contains(wanted)) {
                    return msg;
                }
            } else {
                Thread.sleep(20);
            }
        }
        fail("no sd_notify message with " + wanted + "; got: " + all);
        return null;
    }

    @Test
    void helpAndUsageExitCodes() throws Exception {
        Process help = start(List.of(launcher().toString(), "--help"), Map.of());
        assertEquals(0, help.waitFor());
        assertTrue(output(0).startsWith("Usage: javaoverlay daemon [flags]"), output(0));
        Process bad = start(List.of(launcher().toString(), "daemon", "--no-such-flag"), Map.of());
        assertEquals(2, bad.waitFor());
        assertTrue(output(1).contains("unknown flag --no-such-flag"), output(1));
    }

    @Test
    void lifecycleWithSdNotify() throws Exception {
        Path socket = dir.resolve("plugins/javaoverlay.sock");
        Path notify = dir.resolve("notify.sock");
        try (UnixDatagramChannel rx = UnixDatagramChannel.open()) {
            rx.bind(new UnixSocketAddress(notify.toString()));
            rx.configureBlocking(false);
            // The services never start here (see daemon()): READY=1 still comes, after --ready-timeout,
            // and STATUS= says what is missing.
            Process p = start(daemon(socket), Map.of("NOTIFY_SOCKET", notify.toString(), "JOURNAL_STREAM", "8:1234",
                    "JAVAOVERLAY_READY_TIMEOUT", "2"));
            String ready = receive(rx, "READY=1");
            assertTrue(ready.contains("STATUS=serving registration calls only; waiting for the services: services not started (store file://"),
                    ready);
            assertTrue(ready.contains("jo-nonexist0"), ready);
            awaitAnswer(socket, p);
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertNoTcpListener(p.pid());
            // store-dependent calls fail cleanly while registration calls work
            try (UdsHttpClient c = new UdsHttpClient(socket)) {
                assertEquals(200, c.exchange(dockerPost("/NetworkDriver.GetCapabilities", "")).status());
                Response r = c.exchange(dockerPost("/IpamDriver.RequestPool", "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.1.0.0/24\"}"));
                assertEquals(500, r.status(), r.toString());
                assertTrue(r.body().startsWith("{\"Err\":\"javaoverlay is not ready to serve this call (waited 2 s): services not started"),
                        r.body());
            }

            Process second = start(daemon(socket), Map.of());
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue());
            assertTrue(output(1).contains("refusing to start: socket " + socket + " is already served by another live process"), output(1));
            awaitAnswer(socket, p);

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), output(0));
            assertTrue(receive(rx, "STOPPING=1").contains("STOPPING=1"));
            assertFalse(Files.exists(socket), "socket file removed on clean shutdown");
            String log = output(0);
            assertTrue(log.lines().anyMatch(l -> l.startsWith("<6>Daemon: socket ready: ")), log);
            assertTrue(log.lines().allMatch(l -> l.matches("<[0-7]>.*")), "journald lines only:\n" + log);
        }
    }

    @Test
    void aTokenFileOthersCanReadIsRefused() throws Exception {
        Path token = dir.resolve("consul.token");
        Files.writeString(token, "s3cret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>(daemon(dir.resolve("javaoverlay.sock")));
        cmd.addAll(List.of("--consul-token-file", token.toString()));
        Process p = start(cmd, Map.of());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertTrue(output(0).contains("refusing to start: the Consul token file " + token + " is accessible by others (rw-r--r--)"),
                output(0));
        assertFalse(output(0).contains("s3cret"), "the token is never logged");
        assertFalse(Files.exists(dir.resolve("javaoverlay.sock")), "nothing was served");
    }

    @Test
    void staleSocketAfterSigkillIsReplaced() throws Exception {
        Path socket = dir.resolve("javaoverlay.sock");
        Process p = start(daemon(socket), Map.of());
        awaitAnswer(socket, p);
        p.destroyForcibly();
        p.waitFor();
        assertTrue(Files.exists(socket), "SIGKILL leaves the file behind");
        Process again = start(daemon(socket), Map.of());
        awaitAnswer(socket, again);
        assertTrue(output(1).contains("removing stale socket file " + socket), output(1));
    }

    @Test
    void socketActivationWithListenFds() throws Exception {
        Path activate = Path.of("/usr/bin/systemd-socket-activate");
        requireOrSkip(Files.isExecutable(activate), "systemd-socket-activate is not installed");
        Path socket = dir.resolve("activated.sock");
        List<String> cmd = new ArrayList<>(List.of(activate.toString(), "-l", socket.toString(),
                "-E", "JAVA_HOME=" + System.getProperty("java.home"), "-E", "PATH=" + System.getenv("PATH")));
        cmd.addAll(daemon(dir.resolve("not-used.sock")));
        Process p = start(cmd, Map.of());
        awaitAnswer(socket, p); // the first connection waits in the backlog while the JVM boots
        assertTrue(output(0).contains("using the socket passed by systemd: " + socket), output(0));
        assertFalse(Files.exists(dir.resolve("not-used.sock")), "--socket is ignored under activation");
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output(0));
        assertTrue(Files.exists(socket), "a socket passed in by systemd is never unlinked");
    }

    @Test
    void socketActivationOnStandardInput() throws Exception {
        requireOrSkip(new File("/usr/bin/python3").canExecute() || hasOnPath("python3"), "python3 is not installed");
        Path socket = dir.resolve("stdin.sock");
        // What StandardInput=socket does: the listening socket becomes fd 0, no LISTEN_* variables.
        String py = "import os,socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX,socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(16)\n"
                + "os.dup2(s.fileno(),0); os.execvp(sys.argv[2], sys.argv[2:])\n";
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", py, socket.toString()));
        cmd.addAll(daemon(dir.resolve("not-used.sock")));
        Process p = start(cmd, Map.of());
        awaitAnswer(socket, p);
        assertTrue(output(0).contains("using the socket passed by systemd: " + socket), output(0));
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output(0));
    }

    private static boolean hasOnPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (new File(d, exe).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Missing tools skip on a laptop, and fail under CI=true. */
    private static void requireOrSkip(boolean present, String why) {
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(why + " (required under CI=true)");
        }
        assumeTrue(present, why);
    }
}
