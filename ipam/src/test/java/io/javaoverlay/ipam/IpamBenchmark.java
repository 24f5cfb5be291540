package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.kvstore.KvStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Address-allocation benchmark (a runnable main, not a test). For each concurrency level it
 * claims a fresh /20 pool, starts that many allocators, each a separate {@link KvIpamService}
 * with its own host id and its own store client (a simulated host), lets them allocate
 * {@code --ops} addresses in total as fast as they can, and prints allocations per second and
 * the p50/p99 latency of one RequestAddress. Then everything is released.
 *
 * <p>Run: {@code ipam/run-benchmark.sh --store local|consul|memory [--ops N] [--levels 1,2,4]}
 * (the script builds the test classpath and starts a throw-away consul agent for {@code consul}).
 */
public final class IpamBenchmark {

    private IpamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String storeKind = "memory";
        int ops = 2000;
        int warmup = 200;
        int[] levels = {1, 2, 4};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> storeKind = args[++i];
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--levels" -> levels = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: --store memory|local|consul [--ops N] [--warmup N] [--levels 1,2,4]");
            }
        }
        try (BenchStores stores = BenchStores.open(storeKind)) {
            System.out.printf(Locale.ROOT, "store=%s ops=%d warmup=%d cpus=%d java=%s%n", stores.describe(), ops, warmup,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            System.out.println("| allocators | allocations/s | p50 ms | p99 ms | max ms | CAS retries |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            int run = 0;
            for (int level : levels) {
                Result r = runLevel(stores::client, level, ops, warmup, run++);
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.2f | %d |%n", level, r.perSecond,
                        r.p50, r.p99, r.max, r.retries);
            }
        }
    }

    record Result(double perSecond, double p50, double p99, double max, long retries) {
    }

    private static Result runLevel(IntFunction<KvStore> clients, int level, int ops, int warmup, int run) throws Exception {
        List<KvIpamService> hosts = new ArrayList<>();
        for (int h = 0; h < level; h++) {
            IpamConfig c = IpamConfig.defaults("bench-host-" + h);
            hosts.add(new KvIpamService(clients.apply(h), new IpamConfig(c.localAddressSpace(), c.globalAddressSpace(),
                    c.hostId(), c.defaultV4Pools(), c.defaultV6Pools(), 1000, Duration.ofMillis(2))));
        }
        String cidr = "198.18." + (16 * (run % 16)) + ".0/20";
        PoolGrant p = null;
        for (KvIpamService h : hosts) {
            p = IpamServiceContract.pool(h, cidr, "bench-" + run);
        }
        String poolId = p.poolId();
        for (int i = 0; i < warmup; i++) {
            String a = IpamServiceContract.addr(hosts.get(i % level), poolId);
            hosts.get(0).releaseAddress(poolId, IpamServiceContract.bare(a));
        }
        long[][] lat = new long[level][];
        List<List<String>> got = new ArrayList<>();
        ExecutorService ex = Executors.newFixedThreadPool(level);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        int each = ops / level;
        for (int t = 0; t < level; t++) {
            int ti = t;
            lat[t] = new long[each];
            List<String> mine = new ArrayList<>();
            got.add(mine);
            fs.add(ex.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    long t0 = System.nanoTime();
                    mine.add(IpamServiceContract.addr(hosts.get(ti), poolId));
                    lat[ti][i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        long start = System.nanoTime();
        long elapsed;
        try {
            go.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
            elapsed = System.nanoTime() - start;
        } finally {
            ex.shutdownNow();
        }
        long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
        long distinct = got.stream().flatMap(List::stream).distinct().count();
        if (distinct != (long) each * level) {
            throw new IllegalStateException("duplicate addresses: " + distinct + " distinct of " + each * level);
        }
        for (int t = 0; t < level; t++) {
            for (String a : got.get(t)) {
                hosts.get(t).releaseAddress(poolId, IpamServiceContract.bare(a));
            }
        }
        for (KvIpamService h : hosts) {
            h.releasePool(poolId);
        }
        long retries = hosts.stream().mapToLong(KvIpamService::casRetries).sum();
        return new Result(all.length / (elapsed / 1e9), pct(all, 0.50), pct(all, 0.99), all[all.length - 1] / 1e6, retries);
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
