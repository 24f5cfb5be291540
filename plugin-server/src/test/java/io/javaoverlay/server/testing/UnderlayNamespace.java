package io.javaoverlay.server.testing;

import io.javaoverlay.kvstore.consul.ConsulTestAgent;
import io.javaoverlay.testing.Requirements;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace for a real daemon process: loopback up and an underlay veth pair
 * {@code jo-und0} (198.18.0.1/24) / {@code jo-und1}, so the daemon has an address to advertise
 * without touching the VM's own interfaces. Optionally a Consul dev agent runs inside it, on the
 * namespace's 127.0.0.1:8500. {@link #close()} stops the agent and deletes the namespace (and with it
 * every device the daemon left behind).
 */
public final class UnderlayNamespace implements AutoCloseable {
    /** The address on {@code jo-und0}: what the daemon advertises. */
    public static final String VTEP = "198.18.0.1";
    /** Where the agent of {@link #startConsul} listens, inside the namespace. */
    public static final String CONSUL_ADDR = "127.0.0.1:8500";

    private final String name;
    private Process consul;
    private Path consulBinary;

    private UnderlayNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates the namespace. Requires root and iproute2 (skips off CI, fails under CI).
     *
     * @param purpose named in the requirement message ("WiredDaemonIT's network namespace")
     */
    public static UnderlayNamespace create(String purpose) throws IOException, InterruptedException {
        Requirements.requireRoot(purpose);
        Requirements.requireTools("ip");
        UnderlayNamespace n = new UnderlayNamespace("jo-it-" + UUID.randomUUID().toString().substring(0, 8));
        sh("ip", "netns", "add", n.name);
        try {
            sh("ip", "-n", n.name, "link", "set", "lo", "up");
            sh("ip", "-n", n.name, "link", "add", "jo-und0", "type", "veth", "peer", "name", "jo-und1");
            sh("ip", "-n", n.name, "addr", "add", VTEP + "/24", "dev", "jo-und0");
            sh("ip", "-n", n.name, "link", "set", "jo-und0", "up");
            sh("ip", "-n", n.name, "link", "set", "jo-und1", "up");
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** The namespace's name ({@code jo-it-XXXXXXXX}). */
    public String name() {
        return name;
    }

    /** {@code ip netns exec NAME} followed by {@code cmd}: a command line that runs inside the namespace. */
    public List<String> exec(String... cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", name));
        out.addAll(List.of(cmd));
        return out;
    }

    /**
     * Starts a Consul dev agent inside the namespace on {@link #CONSUL_ADDR} and waits (up to 60 s)
     * until it has a leader. Requires a consul binary (skips off CI, fails under CI).
     *
     * @param log where the agent's output goes (shown when it does not come up)
     */
    public void startConsul(Path log) throws IOException, InterruptedException {
        Optional<Path> bin = ConsulTestAgent.findBinary();
        Requirements.require(bin.isPresent(), "a consul binary: set CONSUL_BIN or make scripts/ensure-consul work");
        consulBinary = bin.get();
        consul = new ProcessBuilder(exec(consulBinary.toString(), "agent", "-dev", "-bind", "127.0.0.1",
                "-client", "127.0.0.1", "-http-port", "8500", "-dns-port", "-1", "-grpc-port", "-1"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Process probe = new ProcessBuilder(exec("curl", "-sf", "http://" + CONSUL_ADDR + "/v1/status/leader"))
                    .redirectErrorStream(true).start();
            String leader = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (probe.waitFor() == 0 && leader.length() > 2) {
                return;
            }
            if (System.nanoTime() > deadline || !consul.isAlive()) {
                throw new IllegalStateException("consul agent did not elect a leader:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    /** {@code consul kv ARGS} against the namespace's agent (after {@link #startConsul}); returns the output. */
    public String consulKv(String subcommand, String... args) throws IOException, InterruptedException {
        List<String> cmd = exec(consulBinary.toString(), "kv", subcommand, "-http-addr=" + CONSUL_ADDR);
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    /** Runs {@code cmd} to completion; returns its output. @throws IOException when it exits non-zero */
    public static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** Stops {@code p} (TERM, then KILL after 20 s); null is ignored. */
    public static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Stops the agent, if any, and deletes the namespace. */
    @Override
    public void close() throws IOException, InterruptedException {
        stop(consul);
        sh("ip", "netns", "del", name);
    }
}
