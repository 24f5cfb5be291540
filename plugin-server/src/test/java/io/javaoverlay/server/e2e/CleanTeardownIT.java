package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code testbed down} leaves nothing behind: no testbed network namespaces, no dockerd, containerd,
 * shim, container or Consul processes, no mounts under the state directory, no links named jo-* in
 * the root namespace, no container cgroups and no rogue host ({@code testbed rogue up}); also after a
 * "crash" (testbed processes killed with SIGKILL and the state file deleted before down runs).
 */
@Tag("docker")
@Tag("privileged")
class CleanTeardownIT {

    /** The testbed's name prefix ({@code TESTBED_PREFIX}, default jo): only this testbed's objects count. */
    private static final String PREFIX = Pattern.quote(System.getenv().getOrDefault("TESTBED_PREFIX", "jo"));
    private static final Pattern TESTBED_NETNS = Pattern.compile(PREFIX + "-(underlay|rogue|h\\d+)");
    private static final Pattern TESTBED_CGROUP = Pattern.compile(":/" + PREFIX + "-h\\d+(/|$)", Pattern.MULTILINE);
    private static final Set<String> DAEMONS = Set.of("dockerd", "containerd", "containerd-shim",
            "containerd-shim-runc-v2", "consul", "docker-proxy");

    @BeforeEach
    void requirements() {
        Testbed.require();
    }

    @AfterEach
    void downAnyway() {
        Testbed.down();
    }

    @Test
    void downLeavesNothingBehind() throws Exception {
        Set<String> before = snapshot();
        try (Testbed tb = Testbed.up(2, Testbed.DockerVersion.V20, true)) {
            startContainers(tb);
            tb.rogue();
            assertFalse(snapshot().equals(before), "the testbed should show up in the snapshot while it runs");
        }
        assertEquals(before, snapshot(), "testbed down must leave the machine as it found it");
    }

    @Test
    void downCleansUpAfterACrashWithoutStateFile() throws Exception {
        Set<String> before = snapshot();
        Testbed tb = Testbed.up(2, Testbed.DockerVersion.V26, false);
        startContainers(tb);
        tb.rogue();
        // Simulate a crash: dockerds die without cleaning up, and the state file is gone.
        for (String h : tb.hostNames()) {
            Path pidFile = Testbed.stateDir().resolve(h).resolve("run/docker.pid");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Files.deleteIfExists(Testbed.stateDir().resolve("state"));
        Files.deleteIfExists(Testbed.stateDir().resolve("created"));
        Testbed.Result r = Testbed.down();
        assertTrue(r.ok(), r.describe());
        assertEquals(before, snapshot(), "testbed down after a crash must leave the machine as it found it");
    }

    private static void startContainers(Testbed tb) {
        for (String h : tb.hostNames()) {
            tb.dockerOk(h, "run", "-d", "--name", "sleeper-" + h, "jo-test:latest", "sleep", "3600");
        }
    }

    /** What the testbed could leave behind, as comparable strings. */
    private static Set<String> snapshot() throws IOException {
        Set<String> s = new TreeSet<>();
        Path netns = Path.of("/run/netns");
        if (Files.isDirectory(netns)) {
            try (Stream<Path> names = Files.list(netns)) {
                names.map(p -> p.getFileName().toString())
                        .filter(n -> TESTBED_NETNS.matcher(n).matches())
                        .forEach(n -> s.add("netns " + n));
            }
        }
        String root = Testbed.stateDir().toString();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].startsWith(root)) {
                s.add("mount " + f[1]);
            }
        }
        try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
            links.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jo-"))
                    .forEach(n -> s.add("link " + n));
        }
        ProcessHandle.allProcesses().forEach(ph -> {
            String cmd = ph.info().commandLine().orElse("");
            String exe = ph.info().command().map(c -> Path.of(c).getFileName()).map(Path::toString).orElse("");
            boolean daemon = DAEMONS.contains(exe) && (cmd.contains(root) || cgroupIsTestbed(ph.pid()));
            if (daemon || cmd.contains(root + "/") || cgroupIsTestbed(ph.pid())) {
                s.add("process " + ph.pid() + " " + cmd);
            }
        });
        for (String controller : List.of("memory", "pids", "cpu", "devices", "unified")) {
            Path dir = Path.of("/sys/fs/cgroup", controller);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> cgs = Files.list(dir)) {
                    cgs.filter(p -> p.getFileName().toString().matches(PREFIX + "-h\\d+"))
                            .forEach(p -> s.add("cgroup " + p));
                }
            }
        }
        return s;
    }

    private static boolean cgroupIsTestbed(long pid) {
        try {
            return TESTBED_CGROUP.matcher(
                    Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"), StandardCharsets.UTF_8)).find();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
