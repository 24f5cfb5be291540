package io.javaoverlay.server.cluster;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Child-JVM entry point for {@link IcmpProberIT}: probes {@code args[0]} with {@code args[1]} ms and
 * prints {@code reachable=<bool> raw=<bool> ms=<elapsed>}. It runs inside a network namespace
 * ({@code ip netns exec}), optionally as an unprivileged user.
 */
public final class IcmpProbeMain {
    private IcmpProbeMain() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        boolean ok = new IcmpProber().reachable(InetAddress.getByName(args[0]), Duration.ofMillis(Long.parseLong(args[1])));
        System.out.println("reachable=" + ok + " raw=" + IcmpProber.hasRawSockets() + " ms="
                + (System.nanoTime() - t0) / 1_000_000);
    }
}
