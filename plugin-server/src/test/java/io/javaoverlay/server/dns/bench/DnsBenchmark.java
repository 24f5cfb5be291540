package io.javaoverlay.server.dns.bench;

import io.javaoverlay.server.dns.DnsConfig;
import io.javaoverlay.server.dns.DnsServer;
import io.javaoverlay.server.dns.FakeUpstream;
import io.javaoverlay.server.dns.LocalContainerIndex;
import io.javaoverlay.server.dns.LocalContainers;
import io.javaoverlay.server.dns.NameKeys;
import io.javaoverlay.server.dns.NameRecord;
import io.javaoverlay.server.dns.NameTable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queries per second and latency of the container resolver over UDP on loopback, for a local
 * name (answered from the name table, 1 000 records) and a forwarded name (relayed to a small
 * upstream started here, which answers at once). Closed loop: each client thread sends one
 * query and waits for its answer. Not a test: run {@code plugin-server/bench/dns-bench.sh}.
 * <pre>
 *   DnsBenchmark [SECONDS-PER-RUN] [CLIENTS,...]     defaults: 5 1,8
 * </pre>
 */
public final class DnsBenchmark {
    private DnsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] clients = Arrays.stream((args.length > 1 ? args[1] : "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
        NameTable table = new NameTable();
        Map<String, NameRecord> recs = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            NameRecord r = new NameRecord("cluster1", "front", "e" + i, "h" + (i % 3), "c" + i, "c" + i,
                    List.of("svc" + (i % 10)), "10.77." + (i / 250) + "." + (i % 250 + 2), null);
            recs.put(NameKeys.key(r), r);
        }
        table.reset(recs);
        LocalContainerIndex local = new LocalContainerIndex();
        local.replaceAll(List.of(new LocalContainerIndex.Entry(
                new LocalContainers.LocalContainer("bench", "bench", Set.of("cluster1")),
                List.of(InetAddress.getLoopbackAddress()))));
        try (FakeUpstream upstream = new FakeUpstream()) {
            DnsConfig cfg = DnsConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .withUpstreams(List.of(upstream.address())).withRateLimit(1_000_000, 1_000_000);
            try (DnsServer dns = new DnsServer(cfg, table, local)) {
                dns.start();
                System.out.println("java " + System.getProperty("java.version") + ", cpus "
                        + Runtime.getRuntime().availableProcessors() + ", workers " + cfg.workers());
                for (String kind : new String[] {"local", "forwarded"}) {
                    run(dns, kind, 1, 1); // warm-up
                    for (int c : clients) {
                        run(dns, kind, c, seconds);
                    }
                }
            }
        }
    }

    private static void run(DnsServer dns, String kind, int clients, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> lat = new ArrayList<>();
        AtomicLong lost = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[] samples = new long[2_000_000];
            int id = c;
            lat.add(samples);
            Thread t = new Thread(() -> {
                int n = 0;
                byte[] buf = new byte[1500];
                try (DatagramSocket s = new DatagramSocket()) {
                    s.setSoTimeout(1000);
                    while (System.nanoTime() < end && n < samples.length - 1) {
                        String name = kind.equals("local") ? "c" + ((n * 7 + id) % 1000) : "x" + n + ".example.com";
                        byte[] q = Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN)).toWire();
                        long t0 = System.nanoTime();
                        s.send(new DatagramPacket(q, q.length, dns.udpAddress()));
                        try {
                            s.receive(new DatagramPacket(buf, buf.length));
                            samples[++n] = System.nanoTime() - t0;
                        } catch (SocketTimeoutException e) {
                            lost.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                samples[0] = n;
            });
            ts.add(t);
        }
        long t0 = System.nanoTime();
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long total = lat.stream().mapToLong(a -> a[0]).sum();
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] a : lat) {
            System.arraycopy(a, 1, all, k, (int) a[0]);
            k += (int) a[0];
        }
        Arrays.sort(all);
        if (seconds > 1 || clients > 1) {
            System.out.printf("%-9s clients %2d: %8.0f queries/s, p50 %6.3f ms, p99 %6.3f ms, lost %d%n", kind, clients,
                    total / secs, pct(all, 0.50), pct(all, 0.99), lost.get());
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] / 1e6;
    }
}
