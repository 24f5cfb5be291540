package io.javaoverlay.vxlan.firewall;

import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real runner with ordinary programs ({@code sh}, {@code sleep}): output, input, exit status, a
 * missing program, and above all that a hung command is killed and cannot hang {@link HostFirewall#ensure()}.
 * The preemptive timeouts are generous liveness bounds (a hang fails the test), not timing assertions.
 */
class ProcessCommandRunnerTest {
    final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void returnsExitStatusOutputAndReadsStdin() throws Exception {
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "cat; echo oops >&2; exit 3"), Optional.of("table\n"),
                Duration.ofSeconds(20));
        assertEquals(new CommandRunner.Result(3, "table\n", "oops\n"), r);
        assertEquals("oops", r.firstLine());
    }

    @Test
    void outputLargerThanAPipeCannotBlockTheChild() throws Exception {
        CommandRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> runner.run(
                List.of("sh", "-c", "head -c 6000000 /dev/zero | tr '\\0' x; head -c 200000 /dev/zero | tr '\\0' y >&2"),
                Optional.empty(), Duration.ofSeconds(30)));
        assertEquals(0, r.exitCode());
        assertEquals(ProcessCommandRunner.MAX_OUTPUT_BYTES, r.stdout().length(), "kept output is bounded");
        assertEquals(200_000, r.stderr().length());
    }

    @Test
    void aMissingProgramIsTyped() {
        CommandNotFoundException e = assertThrows(CommandNotFoundException.class,
                () -> runner.run(List.of("jo-no-such-firewall-tool"), Optional.empty(), Duration.ofSeconds(5)));
        assertEquals("jo-no-such-firewall-tool", e.program());
    }

    @Test
    void aHungCommandIsKilledAtItsDeadline() {
        List<Long> pids = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(CommandTimeoutException.class,
                () -> runner.run(List.of("sh", "-c", "echo $$ > /dev/stderr; exec sleep 600"), Optional.empty(),
                        Duration.ofMillis(300))));
        ProcessHandle.current().children().forEach(p -> pids.add(p.pid()));
        assertTrue(ProcessHandle.current().children().noneMatch(p -> p.info().command().orElse("").endsWith("sleep")),
                "no sleep left running: " + pids);
    }

    @Test
    void ensureReturnsWhenEveryFirewallCommandHangs() {
        // Every iptables, ip6tables and nft call "hangs": the real runner runs sleep 600 in its place.
        CommandRunner hanging = (c, in, t) -> runner.run(List.of("sleep", "600"), in, t);
        HostFirewall fw = new HostFirewall(FirewallConfig.defaults().withCommandTimeout(Duration.ofMillis(200)), hanging);
        HostFirewall.Status s = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            fw.allowVteps(java.util.Set.of(IpAddress.parse("198.18.0.1")));
            return fw.ensure();
        });
        assertEquals(new HostFirewall.Status(Outcome.FAILED, Outcome.FAILED, Outcome.FAILED), s);
        assertTrue(ProcessHandle.current().children().noneMatch(p -> p.info().command().orElse("").endsWith("sleep")),
                "every hung command was killed");
    }
}
