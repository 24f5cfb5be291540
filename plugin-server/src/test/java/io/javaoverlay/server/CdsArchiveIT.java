package io.javaoverlay.server;

import io.javaoverlay.server.testing.UdsHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/javaoverlay cds-archive} in an installed layout (a copy of the build: {@code bin/} and
 * {@code lib/*.jar}, as scripts/install makes it): the training run writes an archive that the
 * launcher then uses for the whole request path (Jersey, HK2, Grizzly, Jackson come from it, checked
 * with {@code -Xshare:on}, which refuses to start on an unusable archive), and an archive older than
 * the jars is not used, with a hint. Needs the packaged build (runs in {@code verify}).
 */
class CdsArchiveIT {
    @TempDir
    Path dir;

    /** A copy of the build in the installed layout: ROOT/bin/javaoverlay and ROOT/lib/*.jar. */
    private Path installedCopy(Path root) throws IOException {
        Path build = DaemonProcessIT.launcher().getParent().getParent().resolve("plugin-server/target");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("lib"));
        Files.copy(DaemonProcessIT.launcher(), root.resolve("bin/javaoverlay"), StandardCopyOption.COPY_ATTRIBUTES);
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Files.list(build.resolve("lib")), Files.list(build))) {
            s.filter(p -> p.toString().endsWith(".jar") && !p.toString().endsWith("-tests.jar")).forEach(jars::add);
        }
        for (Path j : jars) {
            Files.copy(j, root.resolve("lib").resolve(j.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return root.resolve("bin/javaoverlay");
    }

    @Test
    void trainedArchiveServesTheRequestPathAndAStaleOneIsSkipped() throws Exception {
        Path root = dir.resolve("opt");
        Path launcher = installedCopy(root);
        Path jsa = root.resolve("lib/javaoverlay.jsa");

        Run train = run(List.of(launcher.toString(), "cds-archive"), List.of());
        assertEquals(0, train.status, train.output);
        assertTrue(train.output.contains("wrote the AppCDS archive " + jsa), train.output);
        assertTrue(Files.size(jsa) > 1 << 20, "archive size " + Files.size(jsa));

        // -Xshare:on after the launcher's -Xshare:auto: the JVM refuses to start if the archive is unusable.
        Path classLog = dir.resolve("classes.log");
        Path socket = dir.resolve("p.sock");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "daemon", "--socket", socket.toString(),
                "--store", "file://" + dir.resolve("state"), "--advertise-addr", "jo-nonexist0", "--ready-timeout", "0",
                "--admin-socket", dir.resolve("admin/admin.sock").toString());
        // sd_notify to a socket nobody listens on: jnr-unixsocket is loaded as under systemd (sends fail quietly).
        pb.environment().put("NOTIFY_SOCKET", dir.resolve("nobody.sock").toString());
        pb.environment().put("JAVAOVERLAY_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classLog);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
        Process daemon = pb.start();
        try {
            DaemonProcessIT.awaitAnswer(socket, daemon);
            // A call through Jersey (not one of the early answers): the store is not there, a JSON 500.
            try (UdsHttpClient c = new UdsHttpClient(socket)) {
                assertEquals(500, c.exchange(dockerPost("/IpamDriver.RequestPool", UdsTransportTest.POOL)).status());
            }
        } finally {
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
        }
        String classes = Files.readString(classLog);
        for (String c : List.of("org.glassfish.jersey.server.ApplicationHandler", "org.jvnet.hk2.internal.ServiceLocatorImpl",
                "org.glassfish.grizzly.nio.transport.TCPNIOTransport", "com.fasterxml.jackson.databind.ObjectMapper",
                "io.javaoverlay.server.resource.NetworkDriverResource", "jnr.unixsocket.UnixDatagramChannel")) {
            assertTrue(classes.contains(c + " source: shared objects file (top)"), c + " not from the archive");
        }

        // A jar newer than the archive: the launcher does not use it and says how to remake it.
        Path aJar;
        try (Stream<Path> s = Files.list(root.resolve("lib"))) {
            aJar = s.filter(p -> p.getFileName().toString().startsWith("javaoverlay-plugin-server-")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(aJar, FileTime.fromMillis(Files.getLastModifiedTime(jsa).toMillis() + 60_000));
        Run help = run(List.of(launcher.toString(), "--help"), List.of());
        assertEquals(0, help.status, help.output);
        assertTrue(help.output.contains("not using the AppCDS archive " + jsa + ": " + aJar + " is newer"), help.output);
        assertTrue(help.output.contains(launcher + " cds-archive"), help.output);
        assertTrue(help.output.contains("Usage: javaoverlay daemon"), help.output);
    }

    @Test
    void aFailedTrainingLeavesNoArchiveAndSaysWhy() throws Exception {
        Path root = dir.resolve("opt");
        Path launcher = installedCopy(root);
        Path jsa = root.resolve("lib/javaoverlay.jsa");
        Files.writeString(jsa, "an archive from an earlier build");
        // A socket path longer than sun_path allows: the daemon cannot bind, as where no socket can be made.
        Path longDir = Files.createDirectories(dir.resolve("x".repeat(100)));
        Run train = run(List.of(launcher.toString(), "cds-archive"), List.of("TMPDIR=" + longDir));
        assertEquals(1, train.status, train.output);
        assertTrue(train.output.contains("no AppCDS archive made"), train.output);
        assertTrue(train.output.contains("Unix domain path too long"), train.output);
        assertFalse(Files.exists(jsa), "a failed training must not leave an archive, not even the old one");
    }

    private record Run(int status, String output) {
    }

    private Run run(List<String> command, List<String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("NOTIFY_SOCKET");
        pb.environment().remove("JAVAOVERLAY_JAVA_OPTS");
        for (String kv : env) {
            pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Run(p.exitValue(), out);
    }
}
