package io.javaoverlay.server.e2e;

import io.javaoverlay.testing.Requirements;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JUnit handle on {@code scripts/testbed}: N simulated Docker hosts h1..hN on this machine, each in
 * its own network, mount and UTS namespaces with its own dockerd, on the underlay bridge
 * {@code jo-underlay} (198.18.0.0/24, gateway and Consul on 198.18.0.1, host i on 198.18.0.(10+i);
 * with {@link Underlay#IPV6} fd00:198:18::/64, gateway and Consul on ::1, host i on ::(10+i)).
 * All work is done by the script, so the shell and the tests share one implementation; this class
 * only runs it and captures its output. {@link #close()} runs {@code testbed down}.
 *
 * <p>Fault primitives for end-to-end tests: {@link #vanish}, {@link #consulPartition},
 * {@link #consulPause}/{@link #consulResume}, {@link #consulExport}/{@link #consulImport}/
 * {@link #consulWipe} and {@link #dockerdRestart}; a non-member machine on the underlay with
 * {@link #rogue()}. See docs/testbed.md for the layout.
 */
public final class Testbed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Testbed.class.getName());
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    /** dockerd-restart: up to 60 s for dockerd to exit, 120 s for the new one to answer. */
    private static final Duration DOCKERD_RESTART_TIMEOUT = Duration.ofMinutes(4);

    /** The Docker a testbed host runs. */
    public enum DockerVersion {
        /** Docker 20.10 (Debian bullseye build, with libkv's Consul backend): classic overlay. */
        V20("20"),
        /** Docker 26 (Debian trixie build): no cluster store. */
        V26("26"),
        /** Docker 28 (Debian forky/sid build, today's Docker): no cluster store. */
        V28("28");

        private final String flag;

        DockerVersion(String flag) {
            this.flag = flag;
        }

        /** The value of {@code testbed up --docker}. */
        public String flag() {
            return flag;
        }
    }

    /** The hosts' underlay (eth0) addresses. Containers and docker0 are IPv4 in both. */
    public enum Underlay {
        /** 198.18.0.(10+i)/24, gateway and Consul 198.18.0.1 (the default). */
        IPV4,
        /** IPv6 only: fd00:198:18::(10+i)/64, gateway and Consul fd00:198:18::1 ({@code up --underlay6}). */
        IPV6
    }

    /**
     * Outcome of one script invocation.
     *
     * @param command  the command line, for messages
     * @param exitCode the exit status
     * @param stdout   standard output
     * @param stderr   standard error
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** True when the command exited with status 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /**
         * Returns this result if the command succeeded.
         *
         * @throws IllegalStateException naming the command, its status and its output otherwise
         */
        public Result requireOk() {
            if (!ok()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }

        /** A one-paragraph description: command, exit status, stdout and stderr. */
        public String describe() {
            return "`" + String.join(" ", command) + "` exited with " + exitCode
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private int hosts;
    private final DockerVersion docker;
    private final boolean consul;
    private final Underlay underlay;
    private boolean closed;

    private Testbed(int hosts, DockerVersion docker, boolean consul, Underlay underlay) {
        this.hosts = hosts;
        this.docker = docker;
        this.consul = consul;
        this.underlay = underlay;
    }

    /**
     * Brings up a testbed ({@code testbed up N --docker V [--consul]}), replacing any earlier one.
     * On failure the partial testbed is torn down before the exception propagates.
     *
     * @param hosts  number of hosts (h1..hN)
     * @param docker which Docker the hosts run
     * @param consul whether to start the Consul agent (always started for {@link DockerVersion#V20})
     * @return the running testbed; close it to tear it down
     * @throws IllegalStateException if the script fails, with its output
     */
    public static Testbed up(int hosts, DockerVersion docker, boolean consul) {
        return up(hosts, docker, consul, Underlay.IPV4);
    }

    /**
     * Like {@link #up(int, DockerVersion, boolean)}, with the hosts' underlay in the given family
     * ({@code testbed up ... --underlay6} for {@link Underlay#IPV6}).
     */
    public static Testbed up(int hosts, DockerVersion docker, boolean consul, Underlay underlay) {
        List<String> args = new ArrayList<>(List.of("up", Integer.toString(hosts), "--docker", docker.flag()));
        if (consul) {
            args.add("--consul");
        }
        if (underlay == Underlay.IPV6) {
            args.add("--underlay6");
        }
        Result r = run(args, UP_TIMEOUT);
        if (!r.ok()) {
            down();
            throw new IllegalStateException("testbed up failed: " + r.describe());
        }
        LOG.log(Level.INFO, r.stderr().strip());
        return new Testbed(hosts, docker, consul || docker == DockerVersion.V20, underlay);
    }

    /**
     * Runs {@code testbed down}: removes every namespace, process, mount, device and cgroup the
     * testbed created, also leftovers of an interrupted run.
     *
     * @return the script's result (exit status 1 when something could not be removed)
     */
    public static Result down() {
        return run(List.of("down"), DOWN_TIMEOUT);
    }

    /** {@code testbed status}. */
    public static Result status() {
        return run(List.of("status"), COMMAND_TIMEOUT);
    }

    /**
     * Runs a command inside a host's namespaces ({@code testbed exec HOST CMD...}).
     *
     * @param host    h1..hN
     * @param command the command and its arguments
     * @return its result, whatever the exit status
     */
    public Result exec(String host, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", host));
        args.addAll(Arrays.asList(command));
        return run(args, COMMAND_TIMEOUT);
    }

    /**
     * Starts a long-running command inside a host's namespaces (a plugin, an iperf3 server) without
     * waiting for it. The returned process is the command itself ({@code testbed exec} execs into
     * nsenter, which execs the command), so {@link Process#destroy()} stops it; {@code testbed down}
     * kills it anyway.
     *
     * @param host    h1..hN
     * @param log     file that receives the command's stdout and stderr
     * @param command the command and its arguments
     * @return the running process
     * @throws UncheckedIOException if it cannot be started
     */
    public Process start(String host, Path log, String... command) {
        List<String> all = new ArrayList<>(List.of(script().toString(), "exec", host));
        all.addAll(Arrays.asList(command));
        try {
            return new ProcessBuilder(all)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + all, e);
        }
    }

    /**
     * Runs the Docker CLI against a host's dockerd ({@code testbed docker HOST ARGS...}).
     *
     * @param host h1..hN
     * @param args docker CLI arguments
     * @return its result, whatever the exit status
     */
    public Result docker(String host, String... args) {
        List<String> all = new ArrayList<>(List.of("docker", host));
        all.addAll(Arrays.asList(args));
        return run(all, COMMAND_TIMEOUT);
    }

    /**
     * Like {@link #docker(String, String...)} but requires success and returns stripped stdout.
     *
     * @throws IllegalStateException with the command's output if it failed
     */
    public String dockerOk(String host, String... args) {
        return docker(host, args).requireOk().stdout().strip();
    }

    /** The host names, h1..hN. */
    public List<String> hostNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            names.add("h" + i);
        }
        return names;
    }

    /** The IPv4 underlay address of a host: 198.18.0.(10+i) (only with {@link Underlay#IPV4}). */
    public static String hostIp(String host) {
        return "198.18.0." + (10 + Integer.parseInt(host.substring(1)));
    }

    /**
     * The IPv6 underlay address of a host: fd00:198:18::(10+i), the number written in decimal digits
     * (h1 is fd00:198:18::11); only with {@link Underlay#IPV6}.
     */
    public static String hostIp6(String host) {
        return "fd00:198:18::" + (10 + Integer.parseInt(host.substring(1)));
    }

    /** The host's underlay address in this testbed's family ({@link #hostIp} or {@link #hostIp6}). */
    public String underlayIp(String host) {
        return underlay == Underlay.IPV6 ? hostIp6(host) : hostIp(host);
    }

    /** The hosts' underlay family. */
    public Underlay underlay() {
        return underlay;
    }

    /**
     * The Consul HTTP address when the testbed runs Consul: {@code 198.18.0.1:8500}, or
     * {@code [fd00:198:18::1]:8500} with an IPv6 underlay (ready for {@code http://} and
     * {@code consul://}).
     */
    public String consulAddress() {
        if (!consul) {
            throw new IllegalStateException("this testbed was started without Consul");
        }
        return underlay == Underlay.IPV6 ? "[fd00:198:18::1]:8500" : "198.18.0.1:8500";
    }

    // ------------------------------------------------------------------------------------ faults

    /**
     * The host dies like a power loss ({@code testbed vanish HOST}): its underlay link is deleted,
     * then every process of the host (dockerd, containerd, containers, whatever {@link #start} or
     * {@link #exec} ran in it) gets SIGKILL. {@link #exec} and {@link #docker} on it fail afterwards;
     * {@link #close()} still cleans it up.
     *
     * @throws IllegalStateException if the script fails (e.g. a process survived)
     */
    public void vanish(String host) {
        runOk("vanish", host);
    }

    /**
     * Cuts the host off from Consul, or heals the cut ({@code testbed consul-partition HOST on|off}).
     * The host's packets to Consul's ports and Consul's to the host are dropped in the underlay
     * namespace (open connections hang, no reset); traffic between hosts (VXLAN) is untouched.
     */
    public void consulPartition(String host, boolean on) {
        runOk("consul-partition", host, on ? "on" : "off");
    }

    /** Stops the Consul agent with SIGSTOP: requests hang until {@link #consulResume()}. */
    public void consulPause() {
        runOk("consul-pause");
    }

    /** Continues a paused Consul agent (SIGCONT). */
    public void consulResume() {
        runOk("consul-resume");
    }

    /** {@code consul kv export PREFIX} into {@code file} (JSON; an empty prefix exports everything). */
    public void consulExport(Path file, String prefix) {
        runOk("consul-export", file.toAbsolutePath().toString(), prefix);
    }

    /** {@code consul kv import @file} of a file written by {@link #consulExport}. */
    public void consulImport(Path file) {
        runOk("consul-import", file.toAbsolutePath().toString());
    }

    /** Deletes every key under {@code prefix} (an empty prefix wipes the whole store). */
    public void consulWipe(String prefix) {
        runOk("consul-wipe", prefix);
    }

    /**
     * Stops the host's dockerd with SIGTERM (or SIGKILL when {@code kill}), starts it again with the
     * same arguments and waits until its API answers ({@code testbed dockerd-restart HOST [--kill]}).
     * A clean stop waits for Docker's own container shutdown (about 10 s with a running container
     * that ignores SIGTERM); after SIGKILL the new dockerd first stops the old containerd and the
     * containers it left (about 20 s), then restarts those with a restart policy.
     */
    public void dockerdRestart(String host, boolean kill) {
        if (kill) {
            runOk("dockerd-restart", host, "--kill");
        } else {
            runOk("dockerd-restart", host);
        }
    }

    /**
     * Starts one more host in the running testbed ({@code testbed add HOST}), with the same Docker
     * version and Consul, and imports the test image. A host that has {@link #vanish vanished} can be
     * added again: its remains are cleared and a fresh host with the same name and address starts
     * (a machine that lost power and was reinstalled). Later {@link #hostNames()} include it.
     */
    public void add(String host) {
        runOk("add", host);
        hosts = Math.max(hosts, Integer.parseInt(host.substring(1)));
    }

    /**
     * Attaches a machine that is not a cluster member to the underlay ({@code testbed rogue up}): the
     * namespace {@code PREFIX-rogue} with 198.18.0.250/24 (fd00:198:18::250/64 with {@link Underlay#IPV6}),
     * no dockerd, no plugin. Idempotent while it is up; {@link RogueHost#close()} or {@link #close()}
     * removes it.
     */
    public RogueHost rogue() {
        runOk("rogue", "up");
        return new RogueHost(underlay);
    }

    /** The pids of every process of a host ({@code testbed pids HOST}); empty after {@link #vanish}. */
    public List<Long> pids(String host) {
        List<Long> pids = new ArrayList<>();
        for (String line : runOk("pids", host).lines().toList()) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    private String runOk(String... args) {
        Result r = run(List.of(args), DOCKERD_RESTART_TIMEOUT);
        LOG.log(Level.INFO, r.stderr().strip());
        return r.requireOk().stdout();
    }

    /** The Docker the hosts run. */
    public DockerVersion dockerVersion() {
        return docker;
    }

    /** The testbed's state directory ({@code TESTBED_ROOT}, default /var/lib/javaoverlay-testbed). */
    public static Path stateDir() {
        String env = System.getenv("TESTBED_ROOT");
        return Path.of(env != null && !env.isEmpty() ? env : "/var/lib/javaoverlay-testbed");
    }

    /**
     * The host's plugin socket directory as seen from the root mount namespace; inside the host it is
     * /run/docker/plugins.
     */
    public static Path pluginDir(String host) {
        return stateDir().resolve(host).resolve("run/docker/plugins");
    }

    /** The host's dockerd socket as seen from the root mount namespace. */
    public static Path dockerSocket(String host) {
        return stateDir().resolve(host).resolve("run/docker.sock");
    }

    /** Tears the testbed down; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Result r = down();
        if (!r.ok()) {
            // Processes of a killed container can take a moment to be reaped: one more try before failing.
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Result again = down();
            if (!again.ok()) {
                throw new IllegalStateException("testbed down left something behind: " + r.describe()
                        + "\nsecond try: " + again.describe() + "\nstatus: " + status().describe());
            }
        }
    }

    /**
     * Requires what every testbed test needs: root, the testbed script and the tools it runs
     * (nsenter, ip, containerd, runc, curl). Skips off CI, fails under CI ({@link Requirements}).
     */
    public static void require() {
        Requirements.requireRoot("the testbed (it creates namespaces and runs dockerd)");
        Requirements.require(Files.isExecutable(script()), "the testbed script " + script());
        for (String tool : new String[] {"nsenter", "ip", "containerd", "runc", "curl"}) {
            Requirements.require(Requirements.onPath(tool), "'" + tool + "' on PATH (scripts/install-test-deps installs it)");
        }
    }

    /** The scripts/testbed path: $JAVAOVERLAY_ROOT (set by Failsafe), else searched upwards. */
    public static Path script() {
        String root = System.getenv("JAVAOVERLAY_ROOT");
        if (root != null && !root.isEmpty()) {
            return Path.of(root, "scripts", "testbed");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts").resolve("testbed");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return Path.of("scripts", "testbed");
    }

    /** Runs the script with output sent to temp files (no pipe can fill up and block it). */
    static Result run(List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(script().toString());
        command.addAll(args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("testbed-out", ".txt");
            err = Files.createTempFile("testbed-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command);
            // The testbed session (see scripts/testbed) belongs to this JVM: it is released by down or
            // when the JVM exits, and other users of the machine wait for it.
            pb.environment().put("TESTBED_OWNER", Long.toString(ProcessHandle.current().pid()));
            Process p = pb
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new Result(command, 124, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8) + "\n(timed out after " + timeout + ")");
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left in /tmp is harmless
            }
        }
    }
}
