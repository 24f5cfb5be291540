package io.javaoverlay.kvstore.bench;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.WatchResult;
import io.javaoverlay.kvstore.consul.ConsulConfig;
import io.javaoverlay.kvstore.consul.ConsulKvStore;
import io.javaoverlay.kvstore.consul.ConsulTestAgent;
import io.javaoverlay.kvstore.local.LocalKvStore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of CAS increments and latency from a write to a woken watcher, per backend.
 * Not a test: run it by hand (see kvstore/BENCHMARK-RESULTS.md for the command):
 * <pre>
 *   KvStoreBenchmark local [DIR]          embedded store (temp dir by default)
 *   KvStoreBenchmark consul [HTTP-ADDR]   Consul (a fresh -dev agent by default)
 * </pre>
 * Latency is measured from just before {@code put()} is called to the moment the watcher's
 * {@code watch()} returns with the new value, so it includes the write's own round trip.
 * For the local store it is also measured across processes (watcher in a child JVM; both
 * JVMs use System.nanoTime, which is CLOCK_MONOTONIC on Linux and so comparable).
 */
public final class KvStoreBenchmark {
    private static final Duration CAS_RUN = Duration.ofSeconds(10);
    private static final int WATCH_SAMPLES = 300;

    private KvStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("watch-child")) {
            watchChild(Path.of(args[1]));
            return;
        }
        String backend = args.length > 0 ? args[0] : "local";
        System.out.printf("# kvstore benchmark: backend=%s, cores=%d, java=%s%n", backend,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        if (backend.equals("local")) {
            Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("jo-bench-");
            try (KvStore store = LocalKvStore.open(dir)) {
                runAll(store);
                crossProcessWatch(store, dir);
                putLatencyByStoreSize(store);
            }
        } else if (backend.equals("consul")) {
            ConsulTestAgent agent = null;
            ConsulConfig cfg;
            if (args.length > 1) {
                cfg = ConsulConfig.defaults().withAddress(ConsulConfig.parseAddress(args[1], false));
            } else {
                agent = ConsulTestAgent.startOrSkip();
                cfg = agent.config("jo-bench/");
            }
            try (KvStore store = ConsulKvStore.open(cfg.withPrefix("jo-bench/"))) {
                runAll(store);
                store.deletePrefix("");
            } finally {
                if (agent != null) {
                    agent.close();
                }
            }
        } else {
            throw new IllegalArgumentException("backend must be local or consul, got " + backend);
        }
    }

    private static void runAll(KvStore store) throws Exception {
        casThroughput(store, 1);
        casThroughput(store, 4);
        watchLatency(store);
    }

    /** {@code threads} threads CAS-increment one counter for {@link #CAS_RUN}; reports ops/s. */
    private static void casThroughput(KvStore store, int threads) throws Exception {
        String key = "bench/counter-" + threads;
        store.put(key, "0".getBytes(StandardCharsets.UTF_8));
        AtomicLong ok = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        long end = System.nanoTime() + CAS_RUN.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        KvEntry cur = store.get(key).orElseThrow();
                        long next = Long.parseLong(cur.valueAsString()) + 1;
                        try {
                            store.compareAndSet(key, Long.toString(next).getBytes(StandardCharsets.UTF_8),
                                    cur.modifyIndex());
                            ok.incrementAndGet();
                        } catch (CasConflictException e) {
                            conflicts.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long value = Long.parseLong(store.get(key).orElseThrow().valueAsString());
        if (value != ok.get()) {
            throw new IllegalStateException("lost update: counter " + value + " but " + ok + " successful CAS");
        }
        double secs = CAS_RUN.toNanos() / 1e9;
        System.out.printf("cas threads=%d: %.0f successful CAS/s (get+cas cycles), %.0f conflicts/s, counter=%d%n",
                threads, ok.get() / secs, conflicts.get() / secs, value);
    }

    /** One watcher thread, one writer: put → watcher woken with that value. */
    private static void watchLatency(KvStore store) throws Exception {
        BlockingQueue<long[]> woke = new ArrayBlockingQueue<>(16);
        WatchResult start = store.watch("bench/w/", 0, Duration.ZERO);
        Thread watcher = new Thread(() -> {
            long idx = start.index();
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    WatchResult r = store.watch("bench/w/", idx, Duration.ofSeconds(30));
                    long now = System.nanoTime();
                    if (r.index() != idx) {
                        idx = r.index();
                        Optional<KvEntry> e = r.entries().stream().findFirst();
                        if (e.isPresent()) {
                            woke.put(new long[] {Long.parseLong(e.get().valueAsString()), now});
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (!Thread.currentThread().isInterrupted()) {
                    e.printStackTrace();
                }
            }
        }, "bench-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Thread.sleep(200);
        long[] lat = new long[WATCH_SAMPLES];
        long[] putLat = new long[WATCH_SAMPLES];
        for (int i = 0; i < WATCH_SAMPLES; i++) {
            long t0 = System.nanoTime();
            store.put("bench/w/k", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            putLat[i] = System.nanoTime() - t0;
            while (true) {
                long[] w = woke.poll(10, TimeUnit.SECONDS);
                if (w == null) {
                    throw new IllegalStateException("watcher did not wake for sample " + i);
                }
                if (w[0] == i) {
                    lat[i] = w[1] - t0;
                    break;
                }
            }
        }
        watcher.interrupt();
        report("watch in-process: put->watcher woken", lat);
        report("put alone", putLat);
    }

    /** Local store only: the watcher runs in a child JVM on the same directory. */
    private static void crossProcessWatch(KvStore store, Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KvStoreBenchmark.class.getName(), "watch-child", dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            if (!"READY".equals(in.readLine())) {
                throw new IllegalStateException("child watcher did not start");
            }
            int samples = 200;
            long[] lat = new long[samples];
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                store.put("bench/x/k", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                while (true) {
                    String[] line = in.readLine().split(" ");
                    if (Integer.parseInt(line[1]) == i) {
                        lat[i] = Long.parseLong(line[2]) - t0;
                        break;
                    }
                }
                Thread.sleep(5); // let the child re-enter its poll loop at a random phase
            }
            report("watch cross-process (poll " + LocalKvStore.DEFAULT_POLL_INTERVAL.toMillis() + " ms): put->child woken", lat);
        } finally {
            child.destroyForcibly();
        }
    }

    private static void watchChild(Path dir) throws Exception {
        try (KvStore store = LocalKvStore.open(dir)) {
            long idx = store.watch("bench/x/", 0, Duration.ZERO).index();
            System.out.println("READY");
            System.out.flush();
            while (true) {
                WatchResult r = store.watch("bench/x/", idx, Duration.ofSeconds(30));
                long now = System.nanoTime();
                if (r.index() != idx) {
                    idx = r.index();
                    for (KvEntry e : r.entries()) {
                        System.out.println("WOKE " + e.valueAsString() + " " + now);
                    }
                    System.out.flush();
                }
            }
        }
    }

    /**
     * Single-key put latency as the store grows (local store: the cost of a commit should follow
     * the size of the change, not of the store). Fills the store with 200-byte values in
     * transactions of {@link KvStore#MAX_TXN_OPS}, then times 200 puts at each size.
     */
    private static void putLatencyByStoreSize(KvStore store) throws Exception {
        byte[] filler = new byte[200];
        int filled = 0;
        for (int size : new int[] {1_000, 10_000, 50_000}) {
            while (filled < size) {
                List<io.javaoverlay.kvstore.TxnOp> ops = new ArrayList<>();
                for (int i = 0; i < KvStore.MAX_TXN_OPS && filled < size; i++, filled++) {
                    ops.add(new io.javaoverlay.kvstore.TxnOp.Set("fill/" + filled, filler));
                }
                store.txn(ops);
            }
            long[] lat = new long[200];
            for (int i = 0; i < lat.length; i++) {
                long t0 = System.nanoTime();
                store.put("bench/size-probe", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                lat[i] = System.nanoTime() - t0;
            }
            report("put with " + size + " keys in the store", lat);
        }
        store.deletePrefix("fill/");
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%s: n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms%n", what, s.length,
                s[s.length / 2] / 1e6, s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6,
                s[s.length - 1] / 1e6);
    }
}
