package io.javaoverlay.vxlan.firewall;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs one external firewall command ({@code iptables}, {@code ip6tables}, {@code nft}) and waits for
 * it, never longer than the given timeout. Production code uses {@link ProcessCommandRunner}; unit tests
 * pass a fake, and privileged tests wrap the real one to run the same commands inside a test namespace.
 */
@FunctionalInterface
public interface CommandRunner {

    /**
     * Runs {@code command} with {@code stdin} (or no input) and returns its exit status and output.
     *
     * @throws CommandNotFoundException when the program is not installed
     * @throws CommandTimeoutException  when it did not finish within {@code timeout} (it has been killed)
     * @throws IOException              when it could not be run at all
     */
    Result run(List<String> command, Optional<String> stdin, Duration timeout) throws IOException, InterruptedException;

    /**
     * What a finished command left behind.
     *
     * @param exitCode its exit status
     * @param stdout   its standard output (UTF-8, possibly truncated)
     * @param stderr   its standard error (UTF-8, possibly truncated)
     */
    record Result(int exitCode, String stdout, String stderr) {
        public Result {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        /** True for exit status 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first line of stderr (or stdout), for a log line; "no output" when both are empty. */
        public String firstLine() {
            String s = stderr.isBlank() ? stdout : stderr;
            s = s.strip();
            int nl = s.indexOf('\n');
            return s.isEmpty() ? "no output" : nl < 0 ? s : s.substring(0, nl).strip();
        }
    }
}
