package io.javaoverlay.vxlan.bench;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.ReconcileReport;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.testing.ItSupport;
import io.javaoverlay.vxlan.testing.TwoHostTopology;
import io.javaoverlay.vxlan.testing.TwoHostTopology.Container;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.javaoverlay.vxlan.testing.ItSupport.sh;
import static io.javaoverlay.vxlan.testing.TwoHostTopology.network;

/**
 * Needs root, iproute2, ping, iperf3. On the two-host topology of the data-plane IT:
 * Join latency, ping RTT and TCP throughput container→container over the overlay vs. host→host
 * on the underlay, and reconcile-pass time for N remote endpoints.
 * Run: {@code vxlan/bench/run.sh dataplane}.
 */
public final class DataPlaneBenchmark {
    private DataPlaneBenchmark() {}

    public static void main(String[] args) throws Exception {
        int peers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String handleKind = "JNR netlink";
        System.out.println("handle: " + handleKind + "; kernel " + sh("uname", "-r").trim());
        try (TwoHostTopology t = new TwoHostTopology(Duration.ofMillis(300))) {
            t.a.createNetwork(network("n1"));
            long s = System.nanoTime();
            Container ca = t.container(t.a, t.hostA, "n1", "ea000001", "198.19.0.5/24");
            System.out.printf("first Join incl. bridge+vxlan creation and moving the interface: %.1f ms%n",
                    (System.nanoTime() - s) / 1e6);
            Container cb = t.container(t.b, t.hostB, "n1", "eb000001", "198.19.0.6/24");
            ItSupport.await("peer", () -> ItSupport.fdbSummary(t.hostA, "jo-vx-1").size() == 1);
            System.out.println("ping RTT overlay   (avg of 50): " + rtt(ca.ns(), "198.19.0.6") + " ms");
            System.out.println("ping RTT underlay  (avg of 50): " + rtt(t.hostA, "198.18.0.2") + " ms");
            System.out.println("TCP overlay  (iperf3 5 s, MTU 1350): " + iperf(cb.ns(), ca.ns(), "198.19.0.6") + " Gbit/s");
            System.out.println("TCP underlay (iperf3 5 s, MTU 1400): " + iperf(t.hostB, t.hostA, "198.18.0.2") + " Gbit/s");

            // Seeding the store wakes host A's watch; measure until A's kernel holds every peer.
            long t0 = System.nanoTime();
            io.javaoverlay.vxlan.state.OverlayStore store = new io.javaoverlay.vxlan.state.OverlayStore(store(t));
            for (int i = 0; i < peers; i++) {
                byte[] ip = {(byte) 198, 19, (byte) (1 + i / 250), (byte) (i % 250 + 1)};
                store.createEndpoint(EndpointRecord.of("n1", "r" + i,
                        "host-r" + i, IpAddress.ofBytes(new byte[]{(byte) 198, 18, 0, (byte) (10 + i % 200)}),
                        MacAddress.of(new byte[]{2, 0x42, ip[0], ip[1], ip[2], ip[3]}),
                        Optional.of(new IpPrefix(IpAddress.ofBytes(ip), 16)), Optional.empty()));
            }
            ReconcileReport last = t.a.reconcilers().of("n1").reconcileNow(Duration.ofMinutes(5));
            double convergeMs = (System.nanoTime() - t0) / 1e6;
            int fdb = ItSupport.fdbSummary(t.hostA, "jo-vx-1").size();
            s = System.nanoTime();
            ReconcileReport steady = t.a.reconcilers().of("n1").reconcileNow(Duration.ofMinutes(5));
            double steadyMs = (System.nanoTime() - s) / 1e6;
            System.out.printf("%d new remote endpoints → host A converged (%d FDB entries, last pass %s) in %.0f ms;"
                    + " steady-state pass (%d actions): %.0f ms%n", peers, fdb, last.converged() ? "converged" : "NOT converged",
                    convergeMs, steady.planned().size(), steadyMs);
        }
    }

    private static io.javaoverlay.kvstore.KvStore store(TwoHostTopology t) {
        return t.store;
    }

    private static String rtt(String ns, String ip) {
        String out = sh("ip", "netns", "exec", ns, "ping", "-q", "-c", "50", "-i", "0.01", ip);
        Matcher m = Pattern.compile("= [0-9.]+/([0-9.]+)/").matcher(out);
        return m.find() ? m.group(1) : "?";
    }

    private static String iperf(String serverNs, String clientNs, String serverIp) throws Exception {
        Process server = new ProcessBuilder("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1").start();
        try {
            Thread.sleep(500);
            String out = sh("ip", "netns", "exec", clientNs, "iperf3", "-c", serverIp, "-t", "5", "-J");
            Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)")
                    .matcher(out);
            return m.find() ? String.format("%.2f", Double.parseDouble(m.group(1)) / 1e9) : "?";
        } finally {
            server.destroy();
        }
    }
}
