package io.javaoverlay.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ping that runs in the background for a fixed number of packets, 5 per second, from a
 * container's network namespace to a target address, while a test does something to the cluster:
 * {@code nsenter -t PID -n ping -n -O -i 0.2 -W 1 -c COUNT TARGET} (the host's iputils ping, which
 * reports each unanswered packet with {@code -O}). A fixed count rather than a deadline: ping then
 * waits for the last reply, so no packet is counted as lost only because the run ended while it was
 * in flight. {@link #await()} returns what was sent and received.
 */
final class ContinuousPing implements AutoCloseable {

    /** Packets per second. */
    static final int RATE = 5;
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private final String what;
    private final Process process;
    private final Path log;
    private final int count;

    private ContinuousPing(String what, Process process, Path log, int count) {
        this.what = what;
        this.process = process;
        this.log = log;
        this.count = count;
    }

    /** The outcome: packets sent and answered, and ping's lines about unanswered ones. */
    record Result(String what, int transmitted, int received, List<String> unanswered) {

        /** True when every packet was answered. */
        boolean noLoss() {
            return transmitted > 0 && transmitted == received;
        }

        @Override
        public String toString() {
            return what + ": " + transmitted + " sent, " + received + " answered"
                    + (unanswered.isEmpty() ? "" : "; " + unanswered.size() + " unanswered, first "
                    + unanswered.subList(0, Math.min(5, unanswered.size())));
        }
    }

    /**
     * Starts pinging {@code target} from {@code container} on {@code host} for {@code duration}
     * ({@link #RATE} packets a second).
     */
    static ContinuousPing start(Testbed tb, String host, String container, String target, Duration duration) {
        String pid = tb.dockerOk(host, "inspect", "-f", "{{.State.Pid}}", container);
        int count = (int) Math.max(1, duration.toMillis() * RATE / 1000);
        String what = "ping " + container + "@" + host + " -> " + target;
        Path log = PluginProcess.logDir().resolve("ping-" + container + "-" + target + "-" + System.nanoTime() + ".log");
        Process p = tb.start(host, log, "nsenter", "-t", pid, "-n", "ping", "-n", "-O", "-i", "0.2", "-W", "1",
                "-c", Integer.toString(count), target);
        return new ContinuousPing(what, p, log, count);
    }

    /** Waits for the run to end (its duration plus at most 30 s) and returns what it saw. */
    Result await() {
        try {
            long budget = (long) count * 1000 / RATE + 30_000;
            if (!process.waitFor(budget, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within " + Duration.ofMillis(budget));
            }
            String out = Files.readString(log);
            Matcher m = SUMMARY.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(what + " printed no summary:\n" + out);
            }
            List<String> unanswered = out.lines().filter(l -> l.startsWith("no answer yet")).toList();
            return new Result(what, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), unanswered);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the ping if it still runs (for cleanup after a failure). */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
