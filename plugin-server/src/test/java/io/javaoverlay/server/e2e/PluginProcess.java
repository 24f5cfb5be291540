package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;

import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real javaoverlay daemon ({@code bin/javaoverlay daemon ...}) running inside a testbed host's
 * namespaces, so it serves that host's dockerd and programs that host's kernel. Output goes to a log
 * file under the test's {@code target/e2e-logs} directory; {@link #close()} stops it with SIGTERM
 * (the daemon's clean shutdown), then SIGKILL if it does not exit.
 */
final class PluginProcess implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginProcess.class.getName());
    /** Logged by Daemon once the store is connected and the data plane is up. */
    static final String READY_LINE = "Daemon: ready: serving";

    private final String host;
    private final Process process;
    private final Path log;
    private final long readyMillis;

    private PluginProcess(String host, Process process, Path log, long readyMillis) {
        this.host = host;
        this.process = process;
        this.log = log;
        this.readyMillis = readyMillis;
    }

    /**
     * Starts {@code bin/javaoverlay daemon ARGS...} in {@code host} and waits until its socket
     * answers {@code /Plugin.Activate} and the daemon has logged that its services are ready.
     *
     * @throws IllegalStateException if the launcher has no build, or the daemon exits or does not
     *                               answer within 90 s (with the end of its log)
     */
    static PluginProcess start(Testbed tb, String host, String logName, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "daemon"));
        command.addAll(withoutOmittedFlags(Arrays.asList(args)));
        return startCommand(tb, host, logName, command);
    }

    /**
     * Starts {@code bin/javaoverlay daemon ARGS...} in {@code host} and returns the instant its
     * socket file exists (polled every millisecond), without waiting for anything else: for tests
     * of what Docker sees when it calls a daemon that has only just started. A socket file left by
     * an earlier daemon is deleted first. {@link #readyMillis()} is the time until the file existed.
     *
     * @throws IllegalStateException if the daemon exits, or no socket appears within 90 s
     */
    static PluginProcess launch(Testbed tb, String host, String logName, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "daemon"));
        command.addAll(withoutOmittedFlags(Arrays.asList(args)));
        Path log = freshLog(host, logName);
        Path socket = Testbed.pluginDir(host).resolve("javaoverlay.sock");
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        Process process = tb.start(host, log, command.toArray(String[]::new));
        long deadline = t0 + Duration.ofSeconds(90).toNanos();
        while (!Files.exists(socket)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("javaoverlay daemon on " + host + " exited with "
                        + process.exitValue() + " before creating its socket; log " + log + ":\n" + tail(log, 40));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("javaoverlay daemon on " + host + " created no socket within 90 s; log "
                        + log + ":\n" + tail(log, 40));
            }
            sleep(1);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        LOG.log(Level.INFO, "javaoverlay daemon on {0}: socket file after {1} ms: {2}", host, ms, String.join(" ", command));
        return new PluginProcess(host, process, log, ms);
    }

    /**
     * Flags named in the system property {@code e2e.omitFlags} (comma-separated names without
     * dashes, e.g. {@code resync-interval,endpoint-grace}) are dropped with their values. The
     * issue-10 tests pass flags that a daemon from before issue 10 refuses (a usage error); this
     * lets the same tests run against such a daemon to show which behaviour is missing.
     */
    static List<String> withoutOmittedFlags(List<String> args) {
        String omit = System.getProperty("e2e.omitFlags", "").strip();
        if (omit.isEmpty()) {
            return args;
        }
        List<String> names = Arrays.stream(omit.split(",")).map(String::strip).toList();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : null;
            if (name != null && names.contains(name)) {
                LOG.log(Level.WARNING, "e2e.omitFlags: not passing " + a + (a.contains("=") ? "" : " " + args.get(i + 1)));
                if (!a.contains("=")) {
                    i++;
                }
                continue;
            }
            kept.add(a);
        }
        return kept;
    }

    /**
     * Like {@link #start} but runs {@code command} as given (e.g. {@code scripts/run ...}, the
     * README's first command, which execs {@code bin/javaoverlay daemon}).
     */
    static PluginProcess startCommand(Testbed tb, String host, String logName, List<String> command) {
        launcher(); // fail clearly when there is no build
        Path log = freshLog(host, logName);
        long t0 = System.nanoTime();
        Process process = tb.start(host, log, command.toArray(String[]::new));
        awaitReady(host, process, log, Duration.ofSeconds(90));
        long ready = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        LOG.log(Level.INFO, "javaoverlay daemon on {0} ready after {1} ms: {2}", host, ready, String.join(" ", command));
        return new PluginProcess(host, process, log, ready);
    }

    private static Path freshLog(String host, String logName) {
        Path log = logDir().resolve(logName + "-" + host + ".log");
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return log;
    }

    /** The repository root (the directory holding scripts/testbed). */
    static Path repoRoot() {
        return Testbed.script().toAbsolutePath().getParent().getParent();
    }

    /** {@code <repo>/bin/javaoverlay}; fails clearly when the package phase has not run. */
    static Path launcher() {
        Path root = repoRoot();
        Path launcher = root.resolve("bin").resolve("javaoverlay");
        Path jar = root.resolve("plugin-server/target/lib");
        if (!Files.isDirectory(jar)) {
            throw new IllegalStateException("no plugin build under " + jar.getParent()
                    + ": run `mvn -B -pl plugin-server -am package -DskipTests` (mvn verify does it)");
        }
        return launcher;
    }

    /** {@code plugin-server/target/e2e-logs} (Failsafe runs in the module directory). */
    static Path logDir() {
        Path dir = Path.of("target", "e2e-logs").toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The host's plugin socket as seen from the root mount namespace. */
    Path socket() {
        return Testbed.pluginDir(host).resolve("javaoverlay.sock");
    }

    /** The daemon's log file. */
    Path log() {
        return log;
    }

    /** Milliseconds from the launch until the socket answered {@code /Plugin.Activate}. */
    long readyMillis() {
        return readyMillis;
    }

    /** The host the daemon runs in. */
    String host() {
        return host;
    }

    /** The log's current length in bytes: a mark for {@link #errorLinesSince}. */
    long logMark() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Lines the daemon logged at ERROR level after {@code mark} (a {@link #logMark()}) that contain
     * {@code needle}. The level is the log format's second field ({@code <instant> ERROR <logger>: ...}).
     */
    List<String> errorLinesSince(long mark, String needle) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, (int) Math.min(mark, all.length), (int) Math.max(0, all.length - mark),
                    java.nio.charset.StandardCharsets.UTF_8);
            return text.lines().filter(l -> l.matches("^\\S+ ERROR .*") && l.contains(needle)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole log (for assertions on what it says). */
    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The daemon JVM's thread dump ({@code jcmd PID Thread.print}, with the test JVM's jcmd; the
     * daemon shares the machine's pid namespace and /tmp, so the attach works across the host's
     * network namespace). Empty if the attach fails.
     */
    String threadDump() {
        Path jcmd = ProcessHandle.current().info().command().map(Path::of).map(Path::getParent)
                .map(d -> d.resolve("jcmd")).orElse(Path.of("jcmd"));
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * True when a thread of the daemon is inside a plugin API handler (a frame of
     * {@code io.javaoverlay.server.resource}): Docker has a call in flight.
     */
    boolean hasCallInFlight() {
        return threadDump().contains("at io.javaoverlay.server.resource.");
    }

    /** SIGKILL (kill -9) and wait for the process to be gone; its socket file stays behind. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("javaoverlay daemon on " + host + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** True while the daemon process runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** The last {@code n} lines of the log, for failure messages. */
    String logTail(int n) {
        return tail(log, n);
    }

    private static String tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void awaitReady(String host, Process process, Path log, Duration timeout) {
        Path socket = Testbed.pluginDir(host).resolve("javaoverlay.sock");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("javaoverlay daemon on " + host + " exited with "
                        + process.exitValue() + "; log " + log + ":\n" + tail(log, 40));
            }
            // The socket answers Activate before the store is connected (by design: Docker's
            // registration calls never wait); until then data calls fail with "not ready". Tests
            // drive Docker right away, so they wait for the daemon's "ready" line as well.
            if (Files.exists(socket) && tail(log, 400).contains(READY_LINE)) {
                try (UdsHttpClient c = new UdsHttpClient(socket)) {
                    if (PluginSocket.ACTIVATED.equals(c.exchange(dockerPost("/" + PluginApi.ACTIVATE, "")).body())) {
                        return;
                    }
                } catch (IOException notYet) {
                    // bound but not accepting yet
                }
            }
            sleep(50);
        }
        throw new IllegalStateException("javaoverlay daemon on " + host + " did not answer within " + timeout
                + "; log " + log + ":\n" + tail(log, 40));
    }

    /**
     * The end of an end-to-end class: closes every plugin (logging where its log is, for a failed
     * run's reader) and then the testbed. Nulls, from a set-up that failed early, are skipped.
     */
    static void tearDown(Testbed tb, Iterable<PluginProcess> plugins) {
        for (PluginProcess p : plugins) {
            if (p != null) {
                LOG.log(Level.INFO, "plugin log: " + p.log());
                p.close();
            }
        }
        if (tb != null) {
            tb.close();
        }
    }

    /** {@link #tearDown(Testbed, Iterable)} for a fixed set of plugins. */
    static void tearDown(Testbed tb, PluginProcess... plugins) {
        tearDown(tb, Arrays.asList(plugins));
    }

    /** SIGTERM, wait up to 20 s, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "javaoverlay daemon on " + host + " ignored SIGTERM for 20 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
