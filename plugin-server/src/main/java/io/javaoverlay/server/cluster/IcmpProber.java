package io.javaoverlay.server.cluster;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * ICMP echo through {@link InetAddress#isReachable(int)}.
 *
 * <p>What the JDK really sends (OpenJDK 17 on Linux, checked on this project's VMs with two network
 * namespaces and nftables counters/drops): with CAP_NET_RAW (root) it opens a raw ICMP socket and sends
 * one echo request per second of timeout, and only an echo reply counts; dropping ICMP echo at the
 * target makes it return false after the timeout. Without CAP_NET_RAW it silently falls back to a TCP
 * connection to port 7 (echo), where a refused connection (RST) counts as reachable, and a target that
 * drops port 7 looks unreachable even though it answers ICMP. The JDK never uses Linux's unprivileged
 * ping sockets. So the daemon needs CAP_NET_RAW for this probe to mean "the machine answers ICMP"; a
 * warning says so at start-up when the capability is missing.
 */
public final class IcmpProber implements VtepProber {
    private static final System.Logger LOG = System.getLogger(IcmpProber.class.getName());
    /** Bit of CAP_NET_RAW in /proc/self/status CapEff (linux/capability.h). */
    private static final int CAP_NET_RAW = 13;

    /** A prober; logs a warning when this process cannot send ICMP itself. */
    public IcmpProber() {
        if (!hasRawSockets()) {
            LOG.log(Level.WARNING, "no CAP_NET_RAW: the VTEP liveness probe cannot send ICMP echo and falls back to"
                    + " a TCP connection to port 7 (the JDK's isReachable fallback); a host whose firewall drops"
                    + " port 7 will look unreachable. Run the daemon as root (or with CAP_NET_RAW), or turn the"
                    + " probe off");
        }
    }

    @Override
    public boolean reachable(InetAddress vtep, Duration timeout) throws IOException {
        return vtep.isReachable((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    /** Whether this process holds CAP_NET_RAW (effective set), so isReachable sends ICMP echo. */
    public static boolean hasRawSockets() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (caps >>> CAP_NET_RAW & 1) == 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unavailable: assume the fallback
        }
        return false;
    }
}
