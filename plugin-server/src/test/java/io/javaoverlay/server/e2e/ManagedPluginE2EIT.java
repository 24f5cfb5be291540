package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.address;
import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static io.javaoverlay.server.e2e.OverlayProbe.consulKeys;
import static io.javaoverlay.server.e2e.OverlayProbe.ownedDevices;
import static io.javaoverlay.server.e2e.OverlayProbe.pingUntilAnswered;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 12, managed plugin: javaoverlay packaged by {@code scripts/plugin-package} (built once,
 * cached), installed on two Docker 26 hosts with {@code docker plugin create}, configured with
 * {@code docker plugin set} and started with {@code docker plugin enable}. Docker then knows it as
 * {@code javaoverlay:latest}: a network created on h1 under that name is replicated to h2,
 * containers on both hosts reach each other, Docker refuses to disable a plugin in use, a killed
 * plugin process is restarted by Docker while traffic continues, and removing the network and the
 * plugins leaves nothing behind.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagedPluginE2EIT {

    private static final System.Logger LOG = System.getLogger(ManagedPluginE2EIT.class.getName());
    /** Docker stores a plugin name with its tag, and drivers are looked up by that full name. */
    private static final String PLUGIN = "javaoverlay:latest";
    private static final String NET = "mp";
    private static final String SUBNET = "198.18.130.0/24";
    private static final Duration REPLICATE = Duration.ofSeconds(15);
    private static final Duration CONVERGE = Duration.ofSeconds(40);
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    private static Testbed tb;
    private static Path pluginDir;
    private static final Map<String, String> figures = new TreeMap<>();
    private static long suiteStart;

    @BeforeAll
    static void up() {
        suiteStart = System.nanoTime();
        Requirements.requireTestbed();
        pluginDir = packagePlugin();
        tb = Testbed.up(2, Testbed.DockerVersion.V26, true);
        for (String h : List.of("h1", "h2")) {
            install(h);
        }
    }

    /** {@code scripts/plugin-package --no-build} (mvn built the jars already): the plugin directory. */
    private static Path packagePlugin() {
        Path log = PluginProcess.logDir().resolve("plugin-package.log");
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(PluginProcess.repoRoot().resolve("scripts/plugin-package").toString(), "--no-build")
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail("scripts/plugin-package failed; log " + log + ":\n" + Files.readString(log));
            }
            figures.put("package ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
            LOG.log(Level.INFO, "plugin directory " + out + ":\n" + Files.readString(log).strip());
            return Path.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** create, set (store, VTEP, host ID, a per-host state directory), enable; records the times. */
    private static void install(String host) {
        Path state = Testbed.stateDir().resolve(host).resolve("javaoverlay-state");
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        tb.dockerOk(host, "plugin", "create", PLUGIN, pluginDir.toString());
        long created = System.nanoTime();
        tb.dockerOk(host, "plugin", "set", PLUGIN, "JAVAOVERLAY_STORE=consul://" + tb.consulAddress(),
                "JAVAOVERLAY_ADVERTISE_ADDR=" + Testbed.hostIp(host), "JAVAOVERLAY_HOST_ID=" + host,
                "state.source=" + state);
        long t1 = System.nanoTime();
        tb.dockerOk(host, "plugin", "enable", PLUGIN);
        long enabled = System.nanoTime();
        // enable returns once Docker's dial of the socket succeeded and the registration calls ran.
        assertEquals("{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}", activate(host), "the socket answers");
        figures.put(host + " create ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(created - t0)));
        figures.put(host + " enable ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(enabled - t1)));
        figures.put(host + " socket ready after launch", socketReadyTimes(host).toString());
        awaitLog(host, "Daemon: ready: serving", Duration.ofSeconds(60));
    }

    private static String pluginId(String host) {
        return tb.dockerOk(host, "plugin", "inspect", "-f", "{{.Id}}", PLUGIN);
    }

    /** POST /Plugin.Activate on the plugin's socket, from inside the host (the root-namespace path is too long for a socket address). */
    private static String activate(String host) {
        Testbed.Result r = tb.exec(host, "curl", "-sS", "-m", "5", "--unix-socket",
                "/run/docker/plugins/" + pluginId(host) + "/javaoverlay.sock", "-X", "POST", "http://plugin/Plugin.Activate");
        return r.ok() ? r.stdout().strip() : "";
    }

    /** The plugin's lines from the host's dockerd log (Docker logs plugin output tagged with its ID). */
    private static List<String> pluginLog(String host) {
        String id = pluginId(host);
        try (Stream<String> lines = Files.lines(Testbed.stateDir().resolve(host).resolve("dockerd.log"))) {
            return lines.filter(l -> l.contains("plugin=" + id)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitLog(String host, String text, Duration timeout) {
        await(timeout, "'" + text + "' in " + host + "'s plugin log", () ->
                pluginLog(host).stream().anyMatch(l -> l.contains(text)) ? Optional.empty()
                        : Optional.of("not yet; last lines: " + tail(pluginLog(host), 5)));
    }

    /** Every "socket ready ... N ms after launch" figure the daemon logged, in order. */
    private static List<String> socketReadyTimes(String host) {
        List<String> out = new ArrayList<>();
        for (String l : pluginLog(host)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("answers Docker \\((\\d+) ms after launch").matcher(l);
            if (m.find()) {
                out.add(m.group(1) + " ms");
            }
        }
        return out;
    }

    private static String tail(List<String> lines, int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** The plugin's JVM, seen from the root namespace: its cgroup is named by the plugin ID. */
    private static OptionalLong pluginPid(String host) {
        String id = pluginId(host);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> read(p.resolve("cgroup")).contains(id)
                            && read(p.resolve("cmdline")).contains("io.javaoverlay.server.Main"))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString())).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | UncheckedIOException e) {
            return ""; // the process ended meanwhile
        }
    }

    private static long effectiveCaps(long pid) {
        for (String l : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (l.startsWith("CapEff:")) {
                return Long.parseLong(l.substring(7).trim(), 16);
            }
        }
        return fail("no CapEff for pid " + pid);
    }

    @AfterAll
    static void down() {
        try {
            if (tb != null) {
                for (String h : tb.hostNames()) {
                    if (tb.docker(h, "plugin", "inspect", PLUGIN).ok()) {
                        Files.write(PluginProcess.logDir().resolve("managed-plugin-" + h + ".log"), pluginLog(h));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not save the plugin logs: " + e);
        } finally {
            if (tb != null) {
                tb.close();
            }
            figures.put("suite ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - suiteStart)));
            LOG.log(Level.INFO, "managed plugin figures: " + figures);
        }
    }

    @Test
    @Order(1)
    void aNetworkCreatedOnH1UnderThePluginNameReachesH2AndContainersPingAcrossHosts() {
        long pid = pluginPid("h1").orElseThrow(() -> new AssertionError("no plugin process on h1"));
        long caps = effectiveCaps(pid);
        assertTrue((caps & (1L << CAP_NET_ADMIN)) != 0, "CAP_NET_ADMIN: " + Long.toHexString(caps));
        assertEquals(0, caps & (1L << CAP_SYS_ADMIN), "no CAP_SYS_ADMIN: " + Long.toHexString(caps));

        long t0 = System.nanoTime();
        tb.dockerOk("h1", "network", "create", "-d", PLUGIN, "--ipam-driver", PLUGIN, "--subnet", SUBNET, NET);
        await(REPLICATE, "network " + NET + " on h2", () -> {
            Testbed.Result r = tb.docker("h2", "network", "inspect", "-f", "{{.Driver}} {{.IPAM.Driver}}", NET);
            return r.ok() && r.stdout().strip().equals(PLUGIN + " " + PLUGIN) ? Optional.empty() : Optional.of(r.describe());
        });
        figures.put("replicated to h2 ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));

        run(tb, "h1", "c1", NET, List.of(), "sleep", "3600");
        run(tb, "h2", "c2", NET, List.of(), "sleep", "3600");
        String ip1 = address(tb, "h1", "c1", NET);
        String ip2 = address(tb, "h2", "c2", NET);
        assertNotEquals(ip1, ip2, "one cluster-wide IPAM");
        pingUntilAnswered(tb, "h1", "c1", ip2);
        pingUntilAnswered(tb, "h2", "c2", ip1);

        Testbed.Result disable = tb.docker("h2", "plugin", "disable", PLUGIN);
        assertFalse(disable.ok(), disable.describe());
        assertTrue(disable.stderr().contains("plugin " + PLUGIN + " is in use"), disable.describe());
        assertEquals("true", tb.dockerOk("h2", "plugin", "inspect", "-f", "{{.Enabled}}", PLUGIN));
    }

    @Test
    @Order(2)
    void aKilledPluginIsRestartedByDockerAndTrafficContinues() throws Exception {
        String ip2 = address(tb, "h2", "c2", NET);
        long before = pluginPid("h1").orElseThrow(() -> new AssertionError("no plugin process on h1"));
        int readyLinesBefore = socketReadyTimes("h1").size();
        long t0 = System.nanoTime();
        assertTrue(ProcessHandle.of(before).orElseThrow().destroyForcibly(), "SIGKILL to the plugin (pid " + before + ")");
        // The data plane lives in the kernel: the containers keep talking while the plugin is down.
        pingUntilAnswered(tb, "h1", "c1", ip2);
        await(Duration.ofSeconds(30), "Docker restarts the plugin and its socket answers", () -> {
            OptionalLong now = pluginPid("h1");
            if (now.isEmpty() || now.getAsLong() == before) {
                return Optional.of("no new plugin process yet");
            }
            return activate("h1").contains("NetworkDriver") ? Optional.empty() : Optional.of("socket not answering yet");
        });
        figures.put("restart after kill -9 ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
        assertEquals("true", tb.dockerOk("h1", "plugin", "inspect", "-f", "{{.Enabled}}", PLUGIN));
        await(Duration.ofSeconds(60), "the restarted plugin logs that it is ready", () -> {
            List<String> log = pluginLog("h1");
            int start = -1;
            for (int i = 0; i < log.size(); i++) {
                if (log.get(i).contains("answers Docker (")) {
                    start = i; // the latest process's start
                }
            }
            boolean ready = socketReadyTimes("h1").size() > readyLinesBefore
                    && log.subList(start + 1, log.size()).stream().anyMatch(l -> l.contains("Daemon: ready: serving"));
            return ready ? Optional.empty() : Optional.of("not yet: " + tail(log, 5));
        });
        figures.put("h1 socket ready after launch (all starts)", socketReadyTimes("h1").toString());

        // The restarted plugin serves Docker: a new container joins and reaches h2, the old one still does.
        Testbed.Result fresh = tb.docker("h1", "run", "--rm", "--net", NET, OverlayProbe.IMAGE, "ping", "-c", "1", "-W", "2", ip2);
        assertTrue(fresh.ok(), fresh.describe());
        pingUntilAnswered(tb, "h1", "c1", ip2);
        pingUntilAnswered(tb, "h2", "c2", address(tb, "h1", "c1", NET));
    }

    @Test
    @Order(3)
    void removingTheNetworkAndThePluginsLeavesNothingBehind() {
        for (String h : List.of("h1", "h2")) {
            tb.dockerOk(h, "rm", "-f", "c" + h.substring(1));
        }
        tb.dockerOk("h1", "network", "rm", NET);
        await(CONVERGE, "network " + NET + " gone on h2, with its store records", () -> {
            if (tb.docker("h2", "network", "inspect", NET).ok()) {
                return Optional.of("still on h2");
            }
            List<String> left = consulKeys(tb, "javaoverlay/v1/").stream()
                    .filter(k -> k.contains("/clusternets/") || k.contains("/networks/") || k.contains("/ipam/pools/"))
                    .toList();
            return left.isEmpty() ? Optional.empty() : Optional.of("left in Consul: " + left);
        });
        for (String h : List.of("h1", "h2")) {
            await(CONVERGE, "no javaoverlay devices left on " + h, () -> {
                List<String> devices = ownedDevices(tb, h);
                return devices.isEmpty() ? Optional.empty() : Optional.of("left: " + devices);
            });
            try { // the plugin's log goes with the plugin: keep it for the report
                Files.write(PluginProcess.logDir().resolve("managed-plugin-" + h + ".log"), pluginLog(h));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long t0 = System.nanoTime();
            tb.dockerOk(h, "plugin", "disable", PLUGIN);
            figures.put(h + " disable ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
            assertTrue(pluginPid(h).isEmpty(), "the plugin process is gone on " + h);
            tb.dockerOk(h, "plugin", "rm", PLUGIN);
            assertEquals("", tb.dockerOk(h, "plugin", "ls", "-q"), "no plugin left on " + h);
        }
    }
}
