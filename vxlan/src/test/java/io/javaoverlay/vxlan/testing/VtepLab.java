package io.javaoverlay.vxlan.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.vxlan.testing.ItSupport.sh;

/**
 * A kernel-level VXLAN lab for the ingress filter, built with iproute2 (no javaoverlay code):
 * <pre>
 *                       underlay namespace: bridge br0
 *            |                        |                         |
 *   host A: u0 198.18.0.1      host B: u0 198.18.0.2     rogue: u0 198.18.0.3
 *           2001:db8:18::1             2001:db8:18::2           2001:db8:18::3
 *   vx4 (VNI 42, IPv4 VTEP)    the same as A                (no VXLAN device: it
 *   vx6 (VNI 43, IPv6 VTEP)                                  only crafts datagrams)
 *   br1 -- ve -- container A   br1 -- ve -- container B
 *               eth0 198.19.0.5          eth0 198.19.0.6
 * </pre>
 * Learning is off on the VXLAN devices, as on javaoverlay's. {@code vx4} floods to the other host
 * (all-zero FDB entry), so containers A and B talk over IPv4 VXLAN; {@code vx6} has no FDB entry (a
 * second flooding path would loop) and is used only to receive crafted IPv6-underlay frames.
 * Frames are crafted by {@code firewall/vxlan_frames.py} (python3).
 */
public final class VtepLab implements AutoCloseable {
    public static final int VNI4 = 42;
    public static final int VNI6 = 43;
    public static final String IP_A = "198.19.0.5";
    public static final String IP_B = "198.19.0.6";
    public static final String MAC_A = "02:42:c6:13:00:05";
    public static final String MAC_B = "02:42:c6:13:00:06";
    public final String underlay;
    public final String hostA;
    public final String hostB;
    public final String rogue;
    public final String containerA;
    public final String containerB;
    private final ItSupport.Namespaces namespaces = new ItSupport.Namespaces();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Path script;

    public static String vtep4(int host) {
        return "198.18.0." + host;
    }

    public static String vtep6(int host) {
        return "2001:db8:18::" + host;
    }

    public VtepLab() throws IOException {
        try {
            script = Files.createTempFile("jo-vxlan-frames-", ".py");
            try (InputStream in = VtepLab.class.getResourceAsStream("/firewall/vxlan_frames.py")) {
                Files.write(script, in.readAllBytes());
            }
            underlay = namespaces.create("ul");
            sh("ip", "-n", underlay, "link", "add", "br0", "type", "bridge");
            sh("ip", "-n", underlay, "link", "set", "br0", "up");
            hostA = namespaces.create("ha");
            hostB = namespaces.create("hb");
            rogue = namespaces.create("rg");
            attach(hostA, 1);
            attach(hostB, 2);
            attach(rogue, 3);
            containerA = namespaces.create("ca");
            containerB = namespaces.create("cb");
            vteps(hostA, 1, 2, containerA, IP_A, MAC_A);
            vteps(hostB, 2, 1, containerB, IP_B, MAC_B);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void attach(String host, int n) {
        sh("ip", "-n", underlay, "link", "add", "p" + n, "type", "veth", "peer", "name", "u0", "netns", host);
        sh("ip", "-n", underlay, "link", "set", "p" + n, "master", "br0", "up");
        sh("ip", "-n", host, "addr", "add", vtep4(n) + "/24", "dev", "u0");
        sh("ip", "-n", host, "addr", "add", vtep6(n) + "/64", "dev", "u0", "nodad");
        sh("ip", "-n", host, "link", "set", "u0", "up");
    }

    private void vteps(String host, int n, int other, String container, String ip, String mac) {
        sh("ip", "-n", host, "link", "add", "vx4", "type", "vxlan", "id", String.valueOf(VNI4), "local", vtep4(n),
                "dstport", "4789", "nolearning");
        sh("ip", "-n", host, "link", "add", "vx6", "type", "vxlan", "id", String.valueOf(VNI6), "local", vtep6(n),
                "dstport", "4789", "nolearning");
        sh("ip", "-n", host, "link", "add", "br1", "type", "bridge");
        sh("ip", "-n", host, "link", "add", "ve", "type", "veth", "peer", "name", "eth0", "netns", container);
        for (String dev : List.of("vx4", "vx6", "ve")) {
            sh("ip", "-n", host, "link", "set", dev, "master", "br1", "up");
        }
        sh("ip", "-n", host, "link", "set", "br1", "up");
        sh("bridge", "-n", host, "fdb", "append", "00:00:00:00:00:00", "dev", "vx4", "dst", vtep4(other));
        sh("ip", "-n", container, "link", "set", "eth0", "address", mac, "mtu", "1400");
        sh("ip", "-n", container, "addr", "add", ip + "/24", "dev", "eth0");
        sh("ip", "-n", container, "link", "set", "eth0", "up");
    }

    /**
     * From namespace {@code from}, sends {@code count} crafted VXLAN frames to host A's VTEP
     * {@code vtep} carrying a UDP datagram with {@code payload} for container A (its MAC and IP, port
     * {@code port}), as host B's container would send it.
     */
    public void sendToA(String from, String vtep, int vni, int port, String payload, int count) {
        sh("ip", "netns", "exec", from, "python3", script.toString(), "send", vtep, "4789", String.valueOf(vni),
                MAC_A, MAC_B, IP_B, IP_A, String.valueOf(port), payload, String.valueOf(count));
    }

    /** A UDP listener in {@code ns} on {@code ip:port}, recording each payload. */
    public Listener listen(String ns, String ip, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-u", script.toString(), "listen", ip,
                String.valueOf(port)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        Listener l = new Listener(p);
        ItSupport.await("listener in " + ns + " ready", () -> l.received.contains("ready") || !p.isAlive());
        if (!p.isAlive()) {
            throw new IllegalStateException("listener in " + ns + " exited with " + p.exitValue());
        }
        return l;
    }

    /** Payloads received by a {@link #listen} process. */
    public static final class Listener {
        private final List<String> received = new CopyOnWriteArrayList<>();

        Listener(Process p) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        received.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was stopped
                }
            }, "jo-it-listener");
            t.setDaemon(true);
            t.start();
        }

        /** Everything received so far (the first line is "ready"). */
        public List<String> received() {
            return List.copyOf(received);
        }

        /** Waits (up to 15 s) until {@code payload} has arrived. */
        public void await(String payload) throws InterruptedException {
            ItSupport.await(payload + " received; got " + received, () -> received.contains(payload));
        }
    }

    /** Starts a long-running command in a namespace; it is killed on {@link #close()}. */
    public Process spawn(String ns, String... cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        namespaces.close();
        if (script != null) {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
