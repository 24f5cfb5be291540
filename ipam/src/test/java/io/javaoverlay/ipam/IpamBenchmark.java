package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.kvstore.KvStore;

import io.javaoverlay.types.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
 * {@code --mode single-key} runs the libnetwork-style baseline instead ({@link SingleKeyAllocator}:
 * one bitmap value per pool, CAS per allocation).
 *
 * <p>Run: {@code ipam/run-benchmark.sh --store local|consul|memory [--mode per-address|single-key]
 * [--ops N] [--levels 1,2,4]} (the script builds the classpath; for consul without
 * {@code CONSUL_HTTP_ADDR} it starts a throw-away agent).
 */
public final class IpamBenchmark {

    /** Held strongly: JUL forgets the level of a logger that is garbage-collected. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.javaoverlay.ipam");

    private IpamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String storeKind = "memory";
        String mode = "per-address";
        int ops = 2000;
        int warmup = 200;
        int[] levels = {1, 2, 4};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> storeKind = args[++i];
                case "--mode" -> mode = args[++i];
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--levels" -> levels = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: --store "
                        + "memory|local|consul [--mode per-address|single-key] [--ops N] [--warmup N] [--levels 1,2,4]");
            }
        }
        // Pool claim/release lines would drown the table.
        QUIET.setLevel(java.util.logging.Level.WARNING);
        if (!mode.equals("per-address") && !mode.equals("single-key")) {
            throw new IllegalArgumentException("unknown mode " + mode);
        }
        try (BenchStores stores = BenchStores.open(storeKind)) {
            System.out.printf(Locale.ROOT, "store=%s mode=%s ops=%d warmup=%d cpus=%d java=%s%n", stores.describe(), mode,
                    ops, warmup, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            System.out.println("| allocators | allocations/s | p50 ms | p99 ms | max ms | CAS retries |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            int run = 0;
            for (int level : levels) {
                Result r = mode.equals("single-key") ? runSingleKey(stores::client, level, ops, warmup, run++)
                        : runLevel(stores::client, level, ops, warmup, run++);
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.2f | %d |%n", level, r.perSecond,
                        r.p50, r.p99, r.max, r.retries);
            }
        }
    }

    record Result(double perSecond, double p50, double p99, double max, long retries) {
    }

    /** Times {@code each} calls of each allocator, all started together. */
    private static Result measure(List<Callable<String>> allocators, int each, long[] retries) throws Exception {
        int level = allocators.size();
        long[][] lat = new long[level][each];
        List<List<String>> got = new ArrayList<>();
        ExecutorService ex = Executors.newFixedThreadPool(level);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < level; t++) {
            int ti = t;
            List<String> mine = new ArrayList<>();
            got.add(mine);
            fs.add(ex.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    long t0 = System.nanoTime();
                    mine.add(allocators.get(ti).call());
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
        RESULTS.set(got);
        return new Result(all.length / (elapsed / 1e9), pct(all, 0.50), pct(all, 0.99), all[all.length - 1] / 1e6,
                retries[0]);
    }

    private static final ThreadLocal<List<List<String>>> RESULTS = new ThreadLocal<>();

    private static Result runLevel(IntFunction<KvStore> clients, int level, int ops, int warmup, int run) throws Exception {
        List<KvIpamService> hosts = new ArrayList<>();
        for (int h = 0; h < level; h++) {
            IpamConfig c = IpamConfig.defaults("bench-host-" + h);
            hosts.add(new KvIpamService(clients.apply(h), c.withRetries(1000, Duration.ofMillis(2))));
        }
        String cidr = "198.18." + (16 * (run % 16)) + ".0/20";
        PoolGrant p = null;
        for (KvIpamService h : hosts) {
            p = IpamServiceContract.pool(h, cidr, "bench-" + run);
        }
        String poolId = p.poolId();
        for (int i = 0; i < warmup; i++) {
            String a = IpamServiceContract.addr(hosts.get(i % level), poolId);
            hosts.get(0).releaseAddress(poolId, IpamServiceContract.host(a));
        }
        long before = hosts.stream().mapToLong(KvIpamService::casRetries).sum();
        List<Callable<String>> allocs = new ArrayList<>();
        for (KvIpamService h : hosts) {
            allocs.add(() -> IpamServiceContract.addr(h, poolId));
        }
        long[] retries = {0};
        Result r = measure(allocs, ops / level, retries);
        List<List<String>> got = RESULTS.get();
        r = new Result(r.perSecond(), r.p50(), r.p99(), r.max(),
                hosts.stream().mapToLong(KvIpamService::casRetries).sum() - before);
        for (int t = 0; t < level; t++) {
            for (String a : got.get(t)) {
                hosts.get(t).releaseAddress(poolId, IpamServiceContract.host(a));
            }
        }
        for (KvIpamService h : hosts) {
            h.releasePool(poolId);
        }
        return r;
    }

    private static Result runSingleKey(IntFunction<KvStore> clients, int level, int ops, int warmup, int run)
            throws Exception {
        IpPrefix pool = IpPrefix.parseNetwork("198.18." + (16 * (run % 16)) + ".0/20");
        String key = "bench-single-key/" + run;
        List<SingleKeyAllocator> hosts = new ArrayList<>();
        List<Callable<String>> allocs = new ArrayList<>();
        for (int h = 0; h < level; h++) {
            SingleKeyAllocator s = new SingleKeyAllocator(clients.apply(h), key, pool);
            hosts.add(s);
            allocs.add(s::allocate);
        }
        for (int i = 0; i < warmup; i++) {
            hosts.get(i % level).allocate();
        }
        hosts.get(0).reset();
        long before = hosts.stream().mapToLong(SingleKeyAllocator::retries).sum();
        Result r = measure(allocs, ops / level, new long[]{0});
        hosts.get(0).reset();
        return new Result(r.perSecond(), r.p50(), r.p99(), r.max(),
                hosts.stream().mapToLong(SingleKeyAllocator::retries).sum() - before);
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
