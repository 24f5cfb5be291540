package io.javaoverlay.netlink.bench;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Throughput of this module next to iproute2's batch mode doing the same work in the same run,
 * each inside a throw-away namespace {@code jo-bench-<random>}. Not a test. Run as root:
 * <pre>
 * mvn -B -q -o -pl netlink test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/nl-cp.txt
 * java -cp netlink/target/classes:netlink/target/test-classes:$(cat /tmp/nl-cp.txt) \
 *     io.javaoverlay.netlink.bench.NetlinkBench [links=500] [entries=2000] [rounds=3]
 * </pre>
 * linkAdd includes its read-back (RTM_NEWLINK then RTM_GETLINK: two round trips), as the API
 * promises; iproute2's {@code link add} is one. Figures are the median of the rounds.
 */
public final class NetlinkBench {
    private NetlinkBench() {}

    public static void main(String[] args) throws Exception {
        int links = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.println("# " + run("ip", "-V").trim() + "; kernel " + run("uname", "-r").trim() + "; java "
                + System.getProperty("java.version") + "; " + Runtime.getRuntime().availableProcessors() + " cpus");
        System.out.printf("# links=%d entries=%d rounds=%d (median ops/s)%n", links, entries, rounds);
        warmUp();
        double[][] r = new double[8][rounds];
        for (int i = 0; i < rounds; i++) {
            double[] linkOurs = linksOurs(links);
            double[] linkIp = linksIp(links);
            r[0][i] = linkOurs[0];
            r[1][i] = linkOurs[1];
            r[2][i] = linkIp[0];
            r[3][i] = linkIp[1];
            r[4][i] = fdbOurs(entries);
            r[5][i] = fdbBridgeBatch(entries);
            r[6][i] = neighOurs(entries);
            r[7][i] = neighIpBatch(entries);
        }
        String[] names = {"link add bridge (javaoverlay linkAdd, incl. read-back)", "link del (javaoverlay linkDel)",
            "link add bridge (ip -batch)", "link del (ip -batch)", "fdb replace on vxlan (javaoverlay fdbSet)",
            "fdb replace on vxlan (bridge -batch)", "neigh replace permanent (javaoverlay neighSet)",
            "neigh replace permanent (ip -batch)"};
        System.out.println("| operation | ops/s (median) | rounds |");
        System.out.println("|---|---:|---|");
        for (int k = 0; k < names.length; k++) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %s |%n", names[k], median(r[k]), fmt(r[k]));
        }
    }

    private static String fmt(double[] xs) {
        List<String> s = new ArrayList<>();
        for (double x : xs) {
            s.add(String.format(Locale.ROOT, "%.0f", x));
        }
        return String.join(", ", s);
    }

    private static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private interface NsWork {
        void run(String name, NetlinkHandle h) throws Exception;
    }

    private static void inFreshNs(NsWork work) throws Exception {
        String name = String.format("jo-bench-%08x", ThreadLocalRandom.current().nextInt());
        try (NetNs ns = Netlink.createNamedNs(name); NetlinkHandle h = Netlink.openIn(ns)) {
            work.run(name, h);
        } finally {
            Netlink.deleteNamedNs(name);
        }
    }

    private static void warmUp() throws Exception {
        inFreshNs((name, h) -> {
            for (int i = 0; i < 300; i++) {
                Link l = h.linkAdd(new Bridge(LinkAttrs.named("jo-w" + i)));
                h.linkDel(l.index());
            }
            Link vx = vxlan(h);
            for (int i = 0; i < 2000; i++) {
                h.fdbSet(FdbEntry.toVtep(vx.index(), mac(i), vtep(i)));
                h.neighSet(Neighbor.permanent(vx.index(), overlayIp(i), mac(i)));
            }
        });
    }

    private static Link vxlan(NetlinkHandle h) throws NetlinkException {
        return h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx0").withUp(true), 4242)
                .local(IpAddress.parse("198.18.0.1")).learning(false).build());
    }

    private static MacAddress mac(int i) {
        return MacAddress.of(new byte[] {0x02, 0x42, (byte) 0xc6, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    private static IpAddress vtep(int i) {
        return IpAddress.parse("198.18.1." + (1 + i % 250));
    }

    private static IpAddress overlayIp(int i) {
        return IpAddress.parse("198.19." + ((i >> 8) & 0xff) + "." + (i & 0xff));
    }

    private static double rate(int ops, long nanos) {
        return ops / (nanos / 1e9);
    }

    private static double[] linksOurs(int n) throws Exception {
        double[] out = new double[2];
        inFreshNs((name, h) -> {
            int[] idx = new int[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                idx[i] = h.linkAdd(new Bridge(LinkAttrs.named("jo-b" + i))).index();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                h.linkDel(idx[i]);
            }
            long t2 = System.nanoTime();
            out[0] = rate(n, t1 - t0);
            out[1] = rate(n, t2 - t1);
        });
        return out;
    }

    private static double[] linksIp(int n) throws Exception {
        double[] out = new double[2];
        inFreshNs((name, h) -> {
            StringBuilder add = new StringBuilder();
            StringBuilder del = new StringBuilder();
            for (int i = 0; i < n; i++) {
                add.append("link add jo-b").append(i).append(" type bridge\n");
                del.append("link del jo-b").append(i).append('\n');
            }
            out[0] = rate(n, batch(add, "ip", "-n", name));
            out[1] = rate(n, batch(del, "ip", "-n", name));
        });
        return out;
    }

    private static double fdbOurs(int n) throws Exception {
        double[] out = new double[1];
        inFreshNs((name, h) -> {
            Link vx = vxlan(h);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                h.fdbSet(FdbEntry.toVtep(vx.index(), mac(i), vtep(i)));
            }
            out[0] = rate(n, System.nanoTime() - t0);
        });
        return out[0];
    }

    private static double fdbBridgeBatch(int n) throws Exception {
        double[] out = new double[1];
        inFreshNs((name, h) -> {
            vxlan(h);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append("fdb replace ").append(mac(i)).append(" dev jo-vx0 dst ").append(vtep(i).toString())
                        .append(" self permanent\n");
            }
            out[0] = rate(n, batch(b, "bridge", "-n", name));
        });
        return out[0];
    }

    private static double neighOurs(int n) throws Exception {
        double[] out = new double[1];
        inFreshNs((name, h) -> {
            Link vx = vxlan(h);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                h.neighSet(Neighbor.permanent(vx.index(), overlayIp(i), mac(i)));
            }
            out[0] = rate(n, System.nanoTime() - t0);
        });
        return out[0];
    }

    private static double neighIpBatch(int n) throws Exception {
        double[] out = new double[1];
        inFreshNs((name, h) -> {
            vxlan(h);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append("neigh replace ").append(overlayIp(i).toString()).append(" lladdr ").append(mac(i))
                        .append(" dev jo-vx0 nud permanent\n");
            }
            out[0] = rate(n, batch(b, "ip", "-n", name));
        });
        return out[0];
    }

    /** Runs {@code cmd -batch FILE} and returns the wall time, process start included. */
    private static long batch(CharSequence lines, String... cmd) throws IOException, InterruptedException {
        Path f = Files.createTempFile("jo-bench", ".batch");
        try {
            Files.writeString(f, lines);
            List<String> c = new ArrayList<>(Arrays.asList(cmd));
            c.add("-batch");
            c.add(f.toString());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", c) + " failed: " + out);
            }
            return System.nanoTime() - t0;
        } finally {
            Files.delete(f);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
