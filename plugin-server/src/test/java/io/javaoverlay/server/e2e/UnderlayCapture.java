package io.javaoverlay.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tcpdump} of the VXLAN traffic that reaches one testbed host, taken on that host's port of
 * the underlay bridge ({@code jo-hN-u} in the namespace {@code PREFIX-underlay}): every frame another
 * host tunnels to it, and nothing else. Text output with the inner frame decoded and its payload in
 * ASCII ({@code -A}), so a test can count the frames that carried its marker string, or inner
 * {@code ARP} / neighbour-solicitation frames. {@link #close()} stops tcpdump with SIGTERM (it then
 * flushes) before the lines are read.
 */
final class UnderlayCapture implements AutoCloseable {

    private final String host;
    private final Process process;
    private final Path out;
    private final Path err;
    private List<String> lines;

    private UnderlayCapture(String host, Process process, Path out, Path err) {
        this.host = host;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The testbed's underlay namespace ({@code TESTBED_PREFIX}-underlay, default jo-underlay). */
    static String underlayNamespace() {
        return System.getenv().getOrDefault("TESTBED_PREFIX", "jo") + "-underlay";
    }

    /**
     * Starts capturing the VXLAN frames (UDP {@code port}) sent to {@code host} and returns once
     * tcpdump listens.
     *
     * @throws IllegalStateException if tcpdump exits or does not listen within 10 s
     */
    static UnderlayCapture start(String host, int port) {
        try {
            Path out = Files.createTempFile("capture-" + host, ".txt");
            Path err = Files.createTempFile("capture-" + host, ".err");
            Process p = new ProcessBuilder("ip", "netns", "exec", underlayNamespace(), "tcpdump", "-n", "-l", "-A",
                    "-i", port(host), "udp", "port", Integer.toString(port))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            UnderlayCapture c = new UnderlayCapture(host, p, out, err);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.readString(err, java.nio.charset.StandardCharsets.ISO_8859_1).contains("listening on")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("tcpdump on " + port(host) + " in " + underlayNamespace()
                            + " did not start: " + Files.readString(err));
                }
                PluginProcess.sleep(50);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tcpdump", e);
        }
    }

    /** The host's port on the underlay bridge: {@code jo-hN-u}, whatever the prefix (docs/testbed.md). */
    static String port(String host) {
        return "jo-" + host + "-u";
    }

    /** The host whose underlay port this capture watches. */
    String host() {
        return host;
    }

    /** The captured lines (stops the capture first). */
    List<String> lines() {
        close();
        return lines;
    }

    /** How many captured lines contain {@code text} (a payload marker, {@code "ARP, Request"}, ...). */
    long count(String text) {
        return lines().stream().filter(l -> l.contains(text)).count();
    }

    /** How many VXLAN frames were captured. */
    long frames() {
        return count("VXLAN");
    }

    /** The capture for a failure message: the decoded header lines only, at most 40. */
    String summary() {
        List<String> headers = new ArrayList<>();
        for (String l : lines()) {
            if ((l.contains(" > ") || l.contains("VXLAN")) && headers.size() < 40) {
                headers.add(l);
            }
        }
        return "capture on " + port(host) + " (" + frames() + " VXLAN frames):\n" + String.join("\n", headers);
    }

    @Override
    public void close() {
        if (lines != null) {
            return;
        }
        try {
            process.destroy(); // SIGTERM: tcpdump flushes its output and exits
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            lines = Files.readAllLines(out, java.nio.charset.StandardCharsets.ISO_8859_1);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
