package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * javaoverlay under a real systemd as PID 1 (issue 12 "systemd, for real"; issue 10 items 1 and 10):
 * each test boots a fresh Debian 12 box with {@code scripts/systemd-box}, installs the build with
 * {@code scripts/install} (the path users run, embedded store) and drives it with the box's own
 * dockerd (bookworm's docker.io) and systemctl. Timings are printed as {@code [systemd-box] ...}.
 */
@Tag("docker")
@Tag("privileged")
class SystemdBoxIT {
    private static final String SOCKET = "/run/docker/plugins/javaoverlay.sock";
    private static final String NET = "docker network create -d javaoverlay --ipam-driver javaoverlay ";

    private SystemdBox box;

    @BeforeEach
    void boot() {
        Requirements.require(Requirements.isRoot(), "root (systemd-nspawn boots the box)");
        Requirements.require(Requirements.onPath("systemd-nspawn"), "systemd-nspawn (package systemd-container; scripts/install-test-deps)");
        Requirements.require(Requirements.onPath("debootstrap") || Files.isDirectory(Path.of("/var/cache/javaoverlay/systemd-box/rootfs")),
                "debootstrap or the cached box root (scripts/install-test-deps)");
        Path build = PluginProcess.repoRoot().resolve("plugin-server/target/lib");
        Requirements.require(Files.isDirectory(build), "the build (" + build + "; mvn package)");
        long t0 = System.nanoTime();
        box = SystemdBox.up();
        report("boot (systemd-nspawn --boot to 'running')", t0);
        box.image();
    }

    @AfterEach
    void down() {
        if (box == null) {
            return;
        }
        long t0 = System.nanoTime();
        Testbed.Result r = SystemdBox.down();
        report("down", t0);
        assertTrue(r.ok(), r.describe());
        String prefix = System.getenv().getOrDefault("TESTBED_PREFIX", "jo");
        String root = System.getenv().getOrDefault("TESTBED_ROOT", "/var/lib/javaoverlay-testbed");
        for (String left : List.of(root + "/box", "/sys/fs/cgroup/unified/" + prefix + "-box", "/sys/fs/cgroup/systemd/" + prefix + "-box")) {
            assertFalse(Files.exists(Path.of(left)), "systemd-box down left " + left);
        }
    }

    private void install(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/src/scripts/install"));
        cmd.addAll(List.of(args));
        box.exec(cmd.toArray(String[]::new)).requireOk();
    }

    private static void report(String what, long startNanos) {
        System.out.printf(Locale.ROOT, "[systemd-box] %s: %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    private String state() {
        return box.property("javaoverlay.service", "ActiveState") + "/" + box.property("javaoverlay.service", "SubState")
                + " \"" + box.property("javaoverlay.service", "StatusText") + "\"";
    }

    private void awaitPing(String from, String to) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Testbed.Result r = null;
        while (System.nanoTime() < deadline) {
            r = box.exec("docker", "exec", from, "ping", "-c", "1", "-W", "1", to);
            if (r.ok()) {
                return;
            }
        }
        fail(from + " never reached " + to + ": " + (r == null ? "" : r.describe()));
    }

    @Test
    void dockersFirstCallStartsTheDaemonThroughTheSocketAndSucceeds() throws Exception {
        long t0 = System.nanoTime();
        install();
        report("scripts/install", t0);
        assertEquals("inactive", box.property("javaoverlay.service", "ActiveState"), "installed, not started: the socket starts it");
        assertEquals("listening", box.property("javaoverlay.socket", "SubState"));

        // dockerd's very first call (Plugin.Activate, then IpamDriver.RequestPool ...) starts the daemon.
        long t1 = System.nanoTime();
        CompletableFuture<Testbed.Result> create = CompletableFuture.supplyAsync(() -> box.exec("/bin/sh", "-c", NET + "n1"));
        List<String> seen = new ArrayList<>();
        while (!create.isDone() || !box.property("javaoverlay.service", "ActiveState").equals("active")) {
            String s = state();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                seen.add(s);
            }
            assertTrue(System.nanoTime() - t1 < Duration.ofSeconds(90).toNanos(), "no result after 90 s: " + seen);
        }
        Testbed.Result created = create.get();
        report("socket-activated first call (docker network create)", t1);
        seen.add(state());
        System.out.println("[systemd-box] javaoverlay.service states while starting: " + seen);
        assertTrue(created.ok(), created.describe() + "\n" + journal());
        // Type=notify: 'activating/start' while the JVM starts and the services come up; READY=1 only then.
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("activating/start")), "never saw activating/start: " + seen);
        String last = seen.get(seen.size() - 1);
        assertTrue(last.startsWith("active/running \"ready: serving javaoverlay.sock, store file:///var/lib/javaoverlay, VTEP 198.18.77.2"),
                last);
        String journal = journal();
        assertTrue(journal.contains("using the socket passed by systemd: " + SOCKET), journal);
        assertFalse(journal.contains("not ready"), "no call failed while starting:\n" + journal);

        box.sh("docker run -d --init --name c1 --net n1 box sleep 3600");
        Testbed.Result ping = box.exec("docker", "run", "--rm", "--init", "--net", "n1", "box", "ping", "-c", "2", "-W", "2", "c1");
        assertTrue(ping.ok(), ping.describe());

        // The hardened sandbox, as the kernel sees the running daemon.
        String pid = box.property("javaoverlay.service", "MainPID");
        String status = box.sh("cat /proc/" + pid + "/status");
        assertTrue(status.contains("CapBnd:\t0000000000003000"), "bounding set = CAP_NET_ADMIN + CAP_NET_RAW:\n" + status);
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        assertTrue(box.sh("nsenter -t " + pid + " -m findmnt -no OPTIONS /").startsWith("ro,"), "ProtectSystem=strict");
        assertTrue(box.sh("nsenter -t " + pid + " -m findmnt -no OPTIONS /var/lib/javaoverlay").startsWith("rw,"), "StateDirectory");
        assertEquals("", box.sh("nsenter -t " + pid + " -m ls -A /home"), "ProtectHome");
    }

    @Test
    void readyWaitsForTheStoreAndStatusSaysWhatIsMissing() throws Exception {
        // Nothing listens on 127.0.0.1:1: the store is unreachable. A short --ready-timeout keeps the test short.
        install("--store", "consul://127.0.0.1:1");
        box.sh("echo JAVAOVERLAY_READY_TIMEOUT=4 >> /etc/default/javaoverlay");
        long t0 = System.nanoTime();
        box.sh("systemctl start --no-block javaoverlay.service");
        String activating = null;
        while (!box.property("javaoverlay.service", "ActiveState").equals("active")) {
            String s = state();
            if (s.startsWith("activating/start") && s.contains("consul://127.0.0.1:1 is unreachable")) {
                activating = s;
            }
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos(), "never active: " + s);
        }
        report("READY=1 with the store down (--ready-timeout 4)", t0);
        assertTrue(activating != null, "while starting, STATUS= names the store and the cause");
        System.out.println("[systemd-box] while starting: " + activating);
        String ready = state();
        System.out.println("[systemd-box] after READY=1: " + ready);
        assertTrue(ready.startsWith("active/running \"serving registration calls only; waiting for the services: "
                + "the store consul://127.0.0.1:1 is unreachable"), ready);
        Testbed.Result create = box.exec("/bin/sh", "-c", NET + "n1");
        assertFalse(create.ok());
        assertTrue(create.stderr().contains("IpamDriver.RequestPool: javaoverlay is not ready to serve this call (waited 4 s): "
                + "the store consul://127.0.0.1:1 is unreachable"), create.describe());
        // logged once, at WARNING (journal priority 4), with the endpoint
        String warnings = box.sh("journalctl -u javaoverlay -p warning --no-pager -o cat | grep -c 'POST /IpamDriver.RequestPool -> 500' || true");
        assertEquals("1", warnings);
    }

    @Test
    void kill9IsRestartedBySystemdAndDockersNextCallSucceeds() {
        install();
        box.sh(NET + "n1 && docker run -d --init --name c1 --net n1 box sleep 3600");
        String pid = box.property("javaoverlay.service", "MainPID");
        long t0 = System.nanoTime();
        box.sh("kill -9 " + pid);
        Testbed.Result r = box.exec("docker", "run", "--rm", "--init", "--net", "n1", "box", "ping", "-c", "1", "-W", "2", "c1");
        report("kill -9 to Docker's next call done (docker run --net n1 ... ping)", t0);
        assertTrue(r.ok(), r.describe() + "\n" + journal());
        assertEquals("1", box.property("javaoverlay.service", "NRestarts"));
        assertFalse(pid.equals(box.property("javaoverlay.service", "MainPID")));
    }

    @Test
    void aStoppedJvmIsRestartedByTheWatchdog() {
        install();
        box.sh(NET + "n1");
        String pid = box.property("javaoverlay.service", "MainPID");
        long t0 = System.nanoTime();
        box.sh("kill -STOP " + pid);
        String now = pid;
        while (now.equals(pid) || now.equals("0") || !box.property("javaoverlay.service", "ActiveState").equals("active")) {
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(90).toNanos(), "no restart 90 s after SIGSTOP: " + state());
            now = box.property("javaoverlay.service", "MainPID");
        }
        report("SIGSTOP to a new daemon active again (WatchdogSec=20)", t0);
        String journal = journal();
        assertTrue(journal.contains("Watchdog timeout (limit 20s)!"), journal);
        assertEquals("1", box.property("javaoverlay.service", "NRestarts"));
        box.sh("docker run -d --init --name c1 --net n1 box sleep 3600");
        Testbed.Result ping = box.exec("docker", "run", "--rm", "--init", "--net", "n1", "box", "ping", "-c", "1", "-W", "2", "c1");
        assertTrue(ping.ok(), ping.describe());
    }

    @Test
    void dockerRestartsAndAHostRebootBringBackRestartAlwaysContainers() {
        install();
        box.sh(NET + "n1 && for c in r1 r2; do docker run -d --init --restart always --name $c --net n1 box sleep 100000; done");
        awaitPing("r1", "r2");
        long t0 = System.nanoTime();
        box.sh("systemctl restart docker");
        awaitPing("r1", "r2");
        awaitPing("r2", "r1");
        report("systemctl restart docker to r1 and r2 reaching each other", t0);
        assertEquals("0", box.property("javaoverlay.service", "NRestarts"), "the plugin is not touched by a dockerd restart");

        // A clean reboot: javaoverlay.socket and .service come up before docker.service, which then
        // restarts r1 and r2 on n1 (its IPAM and network driver answer from the first call).
        long t1 = System.nanoTime();
        box.reboot();
        awaitPing("r1", "r2");
        awaitPing("r2", "r1");
        report("reboot to r1 and r2 reaching each other", t1);
        long jo = Long.parseLong(box.property("javaoverlay.service", "ActiveEnterTimestampMonotonic"));
        long docker = Long.parseLong(box.property("docker.service", "InactiveExitTimestampMonotonic"));
        assertTrue(jo > 0 && jo <= docker, "javaoverlay ready (" + jo + ") before dockerd starts (" + docker + ")");
        assertFalse(journal().contains("not ready"), journal());
    }

    @Test
    void installIsIdempotentAndUninstallLeavesNothingBehind() {
        install();
        install("--advertise-addr", "198.18.77.2");
        install("--advertise-addr", "198.18.77.2");
        assertEquals("JAVAOVERLAY_ADVERTISE_ADDR=\"198.18.77.2\"", box.sh("grep ^JAVAOVERLAY_ /etc/default/javaoverlay"));
        box.sh(NET + "n1 && docker network rm n1");
        assertEquals("active", box.property("javaoverlay.service", "ActiveState"));

        box.exec("/src/scripts/uninstall").requireOk();
        assertEquals("", box.sh("systemctl list-unit-files --no-legend 'javaoverlay*' || true"), "no javaoverlay unit is known");
        assertEquals("", box.sh("ls -d /etc/systemd/system/javaoverlay* /etc/systemd/system/*/javaoverlay* /opt/javaoverlay* "
                + "/etc/default/javaoverlay " + SOCKET + " 2>/dev/null || true"));
        assertEquals("", box.sh("pgrep -f '[i]o.javaoverlay.server.Main' || true"), "no daemon left running");
        assertEquals("inactive", box.property("javaoverlay.service", "ActiveState"));
        assertTrue(box.exec("test", "-d", "/var/lib/javaoverlay").ok(), "the state is kept without --purge");
        box.exec("/src/scripts/uninstall", "--purge").requireOk();
        assertFalse(box.exec("test", "-e", "/var/lib/javaoverlay").ok(), "--purge removes the state");
    }

    private String journal() {
        return box.exec("journalctl", "-u", "javaoverlay", "--no-pager", "-o", "cat").stdout();
    }
}
