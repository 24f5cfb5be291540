package io.javaoverlay.vxlan.firewall;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs firewall programs as child processes, bounded in time and memory.
 *
 * <p>Standard input, output and error go through private temporary files rather than pipes: a child
 * that writes more than a pipe holds can then never block on a reader, and no reader thread has to be
 * started or can be left behind by a grandchild holding a pipe open. The wait is
 * {@link Process#waitFor(long, TimeUnit)} with the caller's timeout; a child still running then is
 * killed with {@link Process#destroyForcibly()} and the call fails with
 * {@link CommandTimeoutException}. An interrupt kills the child too.
 *
 * <p>The program is looked up on PATH and then in {@code /usr/sbin} and {@code /sbin}, where Debian
 * installs the firewall tools (a daemon started with a minimal PATH still finds them), so a missing
 * program is a typed {@link CommandNotFoundException} rather than a message to parse.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** Output kept per stream; {@code nft -j list table} of a large cluster is well below this. */
    static final int MAX_OUTPUT_BYTES = 4 << 20;
    private static final long KILL_GRACE_MS = 2_000;

    @Override
    public Result run(List<String> command, Optional<String> stdin, Duration timeout)
            throws IOException, InterruptedException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(0, resolve(command.get(0)).toString());
        Path out = Files.createTempFile("jo-fw-", ".out");
        Path err = Files.createTempFile("jo-fw-", ".err");
        Path in = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin.isPresent()) {
                in = Files.createTempFile("jo-fw-", ".in");
                Files.writeString(in, stdin.get(), StandardCharsets.UTF_8);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            if (!done) {
                kill(p);
                throw new CommandTimeoutException(String.join(" ", command) + " did not finish within "
                        + timeout.toMillis() + " ms and was killed");
            }
            return new Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (in != null) {
                Files.deleteIfExists(in);
            }
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        // Reap it, so that no zombie is left; SIGKILL cannot be ignored, so this returns quickly.
        p.waitFor(KILL_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    private static String read(Path file) throws IOException {
        try (InputStream s = Files.newInputStream(file)) {
            return new String(s.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }

    /** The absolute path of {@code program}: itself when it has a slash, else from PATH, /usr/sbin, /sbin. */
    static Path resolve(String program) throws CommandNotFoundException {
        if (program.contains("/")) {
            if (Files.isExecutable(Path.of(program))) {
                return Path.of(program);
            }
            throw new CommandNotFoundException(program);
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new CommandNotFoundException(program);
    }
}
