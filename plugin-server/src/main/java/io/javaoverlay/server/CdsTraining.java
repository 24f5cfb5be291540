package io.javaoverlay.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AppCDS training run behind {@code bin/javaoverlay cds-archive}, which the build runs in
 * {@code package}: the JVM runs this class with {@code -XX:ArchiveClassesAtExit} and writes, at exit,
 * an archive of every class the daemon's start-up and first requests loaded. It runs the real
 * {@link Main#run} path (flags, logging, the Unix socket, Jersey, Grizzly, the warm-up) on a socket
 * and an embedded store inside the given directory (the admin socket too), with an advertise interface that does not exist,
 * so the data plane never starts: no bridge, no firewall rule, no root needed. Then it sends the
 * calls Docker sends first and a few failing ones (store not ready, bad JSON, unknown path), and stops
 * the daemon as SIGTERM would.
 *
 * <p>{@code NOTIFY_SOCKET} names a socket nobody listens on, so that sd_notify's jnr-unixsocket
 * (jnr-ffi, jffi) is loaded too, as under systemd; the sends fail quietly.
 *
 * <p>Usage: {@code CdsTraining DIR}. Exit 0 when every call was answered as expected, else 1 and
 * the reason on stderr (then the caller discards the archive).
 */
public final class CdsTraining {
    private static final long ANSWER_TIMEOUT_NANOS = 60_000_000_000L;

    /** Path, body, and whether the call must succeed (200) or only be answered with a JSON error. */
    private record Call(String path, String body, boolean mustSucceed) {
    }

    private static final List<Call> CALLS = List.of(
            new Call("/Plugin.Activate", "", true),
            new Call("/NetworkDriver.GetCapabilities", "", true),
            new Call("/IpamDriver.GetCapabilities", "", true),
            new Call("/IpamDriver.GetDefaultAddressSpaces", "", true),
            new Call("/IpamDriver.RequestPool",
                    "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"198.18.0.0/24\",\"SubPool\":\"\",\"Options\":{},\"V6\":false}", false),
            new Call("/IpamDriver.RequestAddress",
                    "{\"PoolID\":\"p\",\"Address\":\"\",\"Options\":{}}", false),
            new Call("/NetworkDriver.CreateNetwork",
                    "{\"NetworkID\":\"cds\",\"Options\":{\"com.docker.network.generic\":{}},"
                    + "\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"198.18.0.0/24\",\"Gateway\":\"198.18.0.1/24\"}],\"IPv6Data\":[]}", false),
            new Call("/NetworkDriver.CreateEndpoint",
                    "{\"NetworkID\":\"cds\",\"EndpointID\":\"e\",\"Interface\":{\"Address\":\"198.18.0.2/24\"},\"Options\":{}}", false),
            new Call("/NetworkDriver.Join", "{\"NetworkID\":\"cds\",\"EndpointID\":\"e\",\"SandboxKey\":\"/x\",\"Options\":{}}", false),
            new Call("/IpamDriver.RequestPool", "{bad", false),
            new Call("/NoSuch.Endpoint", "", false));

    private CdsTraining() {
    }

    /** Runs the training; see the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CdsTraining DIR");
            System.exit(Main.EXIT_USAGE);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        Path socket = dir.resolve("plugin.sock");
        // Only what the training needs: the build's own JAVAOVERLAY_* settings must not leak in.
        Map<String, String> env = Map.of(
                "NOTIFY_SOCKET", dir.resolve("no-listener.sock").toString(),
                "JAVAOVERLAY_READY_TIMEOUT", "0");
        List<String> daemonArgs = List.of("daemon", "--socket", socket.toString(),
                "--store", "file://" + dir.resolve("state"), "--advertise-addr", "jo-cds-none0",
                "--admin-socket", dir.resolve("admin/admin.sock").toString(), "--log-level", "warn");
        AtomicInteger status = new AtomicInteger(-1);
        Thread daemon = new Thread(() -> status.set(Main.run(daemonArgs, env, Wiring.production(env), System.out, System.err)),
                "cds-daemon");
        daemon.start();
        String failure = train(socket, daemon);
        // Stop the way systemd does; Main's handler closes the daemon and run() returns.
        sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
        daemon.join(30_000);
        if (failure == null && status.get() != 0) {
            failure = "the daemon exited with status " + status.get();
        }
        if (failure != null) {
            System.err.println("cds training failed: " + failure);
            System.exit(1);
        }
        System.out.println("cds training: " + CALLS.size() + " calls answered");
        System.exit(0);
    }

    /** Null when every call was answered as expected, else why not. */
    private static String train(Path socket, Thread daemon) {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_NANOS;
        while (true) {
            try {
                exchange(socket, "/Plugin.Activate", "");
                break;
            } catch (IOException notYet) {
                if (!daemon.isAlive()) {
                    return "the daemon did not start (its log above says why)";
                }
                if (System.nanoTime() > deadline) {
                    return "the plugin socket " + socket + " did not answer within 60 s: " + notYet.getMessage();
                }
                sleep();
            }
        }
        for (Call c : CALLS) {
            try {
                String answer = exchange(socket, c.path(), c.body());
                boolean ok = c.mustSucceed() ? answer.startsWith("HTTP/1.1 200") : answer.contains("\r\n\r\n{");
                if (!ok) {
                    return c.path() + " got an unexpected answer: " + answer.lines().findFirst().orElse("nothing");
                }
            } catch (IOException e) {
                return c.path() + " failed: " + e.getMessage();
            }
        }
        return null;
    }

    /** One POST on a fresh connection (Connection: close); the whole answer. */
    private static String exchange(Path socket, String path, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: plugin\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n"
                + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ch.write(ByteBuffer.wrap(b));
            ByteBuffer buf = ByteBuffer.allocate(16384);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until the server closes the connection
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
