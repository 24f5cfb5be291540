package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.consul.ConsulConfig;
import io.javaoverlay.kvstore.consul.ConsulKvStore;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Child process of {@link ConsulMultiProcessIT}: a separate "host" that allocates addresses in a
 * pool it never requested (as a 20.10 cluster-store host does), prints each as {@code ADDR <cidr>},
 * releases every second one of its own, and prints {@code DONE}.
 *
 * <p>Args: consulHttpUri prefix poolId hostId threads perThread
 */
public final class IpamAllocWorker {

    private IpamAllocWorker() {
    }

    public static void main(String[] args) throws Exception {
        ConsulConfig cfg = ConsulConfig.defaults().withAddress(URI.create(args[0])).withPrefix(args[1])
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
        String poolId = args[2];
        IpamConfig d = IpamConfig.defaults(args[3]);
        int threads = Integer.parseInt(args[4]);
        int perThread = Integer.parseInt(args[5]);
        try (ConsulKvStore store = ConsulKvStore.open(cfg)) {
            KvIpamService ipam = new KvIpamService(store, d.withRetries(500, Duration.ofMillis(5)));
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        got.add(IpamServiceContract.addr(ipam, poolId));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            ex.shutdown();
            for (int i = 0; i < got.size(); i++) {
                System.out.println("ADDR " + got.get(i));
                if (i % 2 == 1) {
                    ipam.releaseAddress(poolId, IpamServiceContract.host(got.get(i)));
                    System.out.println("RELEASED " + got.get(i));
                }
            }
            System.out.println("DONE retries=" + ipam.casRetries());
        }
    }
}
