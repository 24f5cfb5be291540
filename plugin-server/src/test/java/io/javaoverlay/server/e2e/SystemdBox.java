package io.javaoverlay.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/systemd-box} from Java: a Debian 12 machine whose PID 1 is a real systemd
 * (systemd-nspawn --boot), with this checkout bound read-only at {@code /src}. The environment
 * (TESTBED_PREFIX, TESTBED_ROOT) is passed through, so a run with its own prefix has its own box.
 */
public final class SystemdBox implements AutoCloseable {
    private static final java.io.File DEV_NULL = new java.io.File("/dev/null");

    private SystemdBox() {
    }

    /** The script next to scripts/testbed. */
    public static Path script() {
        return Testbed.script().toAbsolutePath().getParent().resolve("systemd-box");
    }

    /** Boots a fresh box (building the cached root first if needed; about a minute the first time). */
    public static SystemdBox up() {
        run(List.of("up"), Duration.ofMinutes(15)).requireOk();
        return new SystemdBox();
    }

    /** Runs {@code command} inside the box. */
    public Testbed.Result exec(String... command) {
        return exec(Duration.ofMinutes(3), command);
    }

    /** Runs {@code command} inside the box, killed after {@code timeout}. */
    public Testbed.Result exec(Duration timeout, String... command) {
        List<String> args = new ArrayList<>();
        args.add("exec");
        args.addAll(List.of(command));
        return run(args, timeout);
    }

    /** Runs {@code sh -c script} inside the box and returns its stdout, trimmed; fails on a non-zero exit. */
    public String sh(String script) {
        return exec("/bin/sh", "-c", script).requireOk().stdout().trim();
    }

    /** One property of a unit ({@code systemctl show -p NAME --value}). */
    public String property(String unit, String name) {
        return exec("systemctl", "show", "-p", name, "--value", unit).requireOk().stdout().trim();
    }

    /** Clean poweroff and boot again, keeping what was installed and Docker's state. */
    public void reboot() {
        run(List.of("reboot"), Duration.ofMinutes(3)).requireOk();
    }

    /** Imports the test image {@code box:latest} into the box's dockerd. */
    public void image() {
        run(List.of("image"), Duration.ofMinutes(2)).requireOk();
    }

    /** Stops the box and removes everything it created. */
    public static Testbed.Result down() {
        return run(List.of("down"), Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        down();
    }

    static Testbed.Result run(List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(script().toString());
        command.addAll(args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("box-out", ".txt");
            err = Files.createTempFile("box-err", ".txt");
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new Testbed.Result(command, 124, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
            }
            return new Testbed.Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            for (Path f : new Path[] {out, err}) {
                try {
                    if (f != null) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
