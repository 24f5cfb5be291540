package io.javaoverlay.kvstore.consul;

import io.javaoverlay.testing.Requirements;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code consul agent -dev} for tests: bound to 127.0.0.1, every port (http, dns,
 * serf_lan, serf_wan, server, grpc, grpc_tls) on a free port so parallel builds never collide,
 * always stopped (also by a shutdown hook). {@link #stop()} and {@link #start()} restart it on
 * the same ports, for outage tests (a dev agent keeps no data across a restart).
 *
 * <p>The binary: {@code $CONSUL_BIN}, else whatever {@code <repo>/scripts/ensure-consul} prints;
 * the repo root is {@code $JAVAOVERLAY_ROOT} (Failsafe sets it) or found by walking up from
 * {@code user.dir} to the directory holding {@code scripts/ensure-consul}.
 */
public final class ConsulTestAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConsulTestAgent.class.getName());

    private final Path binary;
    private final Path workDir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Thread shutdownHook;
    private Process process;

    /**
     * Extra agent settings.
     *
     * @param extraHcl appended to the agent's configuration (e.g. an {@code acl} block)
     * @param tls      also serve HTTPS on a free port, with a CA, server and client certificate
     *                 made by {@code consul tls}, and require client certificates there
     */
    public record Options(String extraHcl, boolean tls) {
        public static final Options DEFAULT = new Options("", false);
    }

    private final boolean tls;

    private ConsulTestAgent(Path binary, Options options) throws IOException, InterruptedException {
        this.binary = binary;
        this.tls = options.tls();
        this.workDir = Files.createTempDirectory("jo-consul-");
        List<String> names = new ArrayList<>(List.of("http", "dns", "serf_lan", "serf_wan", "server", "grpc", "grpc_tls"));
        if (tls) {
            names.add("https");
        }
        ports.putAll(freePorts(names));
        StringBuilder hcl = new StringBuilder("ports {\n");
        ports.forEach((k, v) -> hcl.append("  ").append(k).append(" = ").append(v).append('\n'));
        hcl.append("}\n");
        if (tls) {
            runTool("tls", "ca", "create");
            runTool("tls", "cert", "create", "-server", "-dc", "dc1");
            runTool("tls", "cert", "create", "-client", "-dc", "dc1");
            hcl.append("tls {\n  defaults {\n")
                    .append("    ca_file = \"").append(caFile()).append("\"\n")
                    .append("    cert_file = \"").append(workDir.resolve("dc1-server-consul-0.pem")).append("\"\n")
                    .append("    key_file = \"").append(workDir.resolve("dc1-server-consul-0-key.pem")).append("\"\n")
                    .append("  }\n  https {\n    verify_incoming = true\n  }\n}\n");
        }
        hcl.append(options.extraHcl()).append('\n');
        Files.writeString(workDir.resolve("ports.hcl"), hcl.toString());
        this.shutdownHook = new Thread(this::stopQuietly, "consul-test-agent-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts an agent and waits for it to elect itself leader. Skips the calling test when no
     * consul binary can be found, or fails it under CI=true.
     */
    public static ConsulTestAgent startOrSkip() throws IOException, InterruptedException {
        return startOrSkip(Options.DEFAULT);
    }

    /** Like {@link #startOrSkip()}, with extra settings (ACLs, TLS). */
    public static ConsulTestAgent startOrSkip(Options options) throws IOException, InterruptedException {
        Optional<Path> bin = findBinary();
        Requirements.require(bin.isPresent(), "a consul binary: set CONSUL_BIN or make scripts/ensure-consul work");
        ConsulTestAgent agent = new ConsulTestAgent(bin.get(), options);
        agent.start();
        return agent;
    }

    /** CA certificate (PEM) of a TLS agent. */
    public Path caFile() {
        return workDir.resolve("consul-agent-ca.pem");
    }

    /** Client certificate (PEM) signed by the agent's CA. */
    public Path clientCertFile() {
        return workDir.resolve("dc1-client-consul-0.pem");
    }

    /** Key (PEM, SEC1 EC as consul writes it) of {@link #clientCertFile()}. */
    public Path clientKeyFile() {
        return workDir.resolve("dc1-client-consul-0-key.pem");
    }

    /** HTTPS address of a TLS agent. */
    public URI httpsAddress() {
        if (!tls) {
            throw new IllegalStateException("agent was started without TLS");
        }
        return URI.create("https://127.0.0.1:" + ports.get("https"));
    }

    private void runTool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("tool.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("consul " + String.join(" ", args) + " failed: " + Files.readString(workDir.resolve("tool.log")));
        }
    }

    /** $CONSUL_BIN, else the output of scripts/ensure-consul; empty if neither works. */
    public static Optional<Path> findBinary() {
        String env = System.getenv("CONSUL_BIN");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Optional<Path> root = repoRoot();
        if (root.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(root.get().resolve("scripts/ensure-consul").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            Path bin = Path.of(out.lines().reduce((a, b) -> b).orElse(out));
            return Files.isExecutable(bin) ? Optional.of(bin) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** $JAVAOVERLAY_ROOT, or the first ancestor of user.dir holding scripts/ensure-consul. */
    public static Optional<Path> repoRoot() {
        String env = System.getenv("JAVAOVERLAY_ROOT");
        if (env != null && Files.exists(Path.of(env, "scripts", "ensure-consul"))) {
            return Optional.of(Path.of(env));
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("scripts").resolve("ensure-consul"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts (or restarts) the agent on its fixed ports and waits until it has a leader. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "agent", "-dev",
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-node", "jo-test-" + ports.get("http"),
                "-log-level", "warn", "-config-file", workDir.resolve("ports.hcl").toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("consul.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!hasLeader()) {
            if (!process.isAlive()) {
                throw new IOException("consul agent exited with " + process.exitValue() + "; log: "
                        + Files.readString(workDir.resolve("consul.log")));
            }
            if (System.nanoTime() > deadline) {
                stopQuietly();
                throw new IOException("consul agent did not elect a leader within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Stops the agent (SIGTERM, then SIGKILL after 10 s). Ports stay reserved for {@link #start()}. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HTTP address of the agent, e.g. {@code http://127.0.0.1:34567}. */
    public URI httpAddress() {
        return URI.create("http://127.0.0.1:" + ports.get("http"));
    }

    /** A client configuration for this agent with the given key prefix and short timeouts. */
    public ConsulConfig config(String prefix) {
        return ConsulConfig.defaults().withAddress(httpAddress()).withPrefix(prefix)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    /** The ports in use, by Consul's name for them. */
    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    /**
     * Waits until the agent knows {@code token} (an ACL agent's initial management token). A leader
     * bootstraps its ACL system only after its election, so for a moment every call with the token
     * gets 403 "ACL system must be bootstrapped" / "ACL not found".
     */
    public void awaitAclToken(String token) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status = -1;
        while (System.nanoTime() < deadline) {
            HttpURLConnection c = (HttpURLConnection) httpAddress().resolve("/v1/acl/token/self").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            c.setRequestProperty("X-Consul-Token", token);
            try {
                status = c.getResponseCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException e) {
                status = -1;
            } finally {
                c.disconnect();
            }
            Thread.sleep(100);
        }
        throw new IOException("the consul agent did not accept its ACL token within 60 s (last status " + status + ")");
    }

    private boolean hasLeader() {
        try {
            HttpURLConnection c = (HttpURLConnection) httpAddress().resolve("/v1/status/leader").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                if (c.getResponseCode() != 200) {
                    return false;
                }
                String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return body.length() > 2; // "" (quoted empty string) means no leader yet
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * One free loopback port per name, all distinct: every socket stays open until the last port is
     * picked. Picked one at a time, a port closed again could be handed out twice (Consul then refused
     * to start: "Serf Advertise LAN address 127.0.0.1:45087 already configured for HTTP").
     */
    private static Map<String, Integer> freePorts(List<String> names) throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String name : names) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                out.put(name, s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return out;
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.log(System.Logger.Level.DEBUG, "consul test agent on " + ports + " closed");
    }
}
