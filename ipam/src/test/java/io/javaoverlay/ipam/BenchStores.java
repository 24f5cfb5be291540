package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.consul.ConsulConfig;
import io.javaoverlay.kvstore.consul.ConsulKvStore;
import io.javaoverlay.kvstore.consul.ConsulTestAgent;
import io.javaoverlay.kvstore.local.LocalKvStore;

import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Store clients for {@link IpamBenchmark}: one client per simulated host, all sharing one backend.
 * {@code memory}: the unit-test fake; {@code local}: {@link LocalKvStore} instances on one temp
 * directory; {@code consul}: {@link ConsulKvStore} clients of {@code $CONSUL_HTTP_ADDR} under a
 * throw-away prefix (removed afterwards).
 */
final class BenchStores implements AutoCloseable {

    private final String kind;
    private final InMemoryKvStore memory = new InMemoryKvStore();
    private final List<KvStore> opened = new ArrayList<>();
    private Path dir;
    private ConsulConfig consul;
    private ConsulTestAgent agent;

    private BenchStores(String kind) {
        this.kind = kind;
    }

    static BenchStores open(String kind) throws IOException {
        BenchStores s = new BenchStores(kind);
        switch (kind) {
            case "memory" -> { }
            case "local" -> s.dir = Files.createTempDirectory("jo-ipam-bench");
            case "consul" -> {
                String prefix = "jo-ipam-bench/" + UUID.randomUUID() + "/";
                String addr = System.getenv("CONSUL_HTTP_ADDR");
                if (addr == null || addr.isBlank()) {
                    // No agent given: start a throw-away `consul agent -dev` (scripts/ensure-consul).
                    try {
                        s.agent = ConsulTestAgent.startOrSkip();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while starting consul", e);
                    }
                    s.consul = s.agent.config(prefix);
                } else {
                    s.consul = ConsulConfig.defaults().withAddress(URI.create(addr.contains("://") ? addr : "http://" + addr))
                            .withPrefix(prefix).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
                }
            }
            default -> throw new IllegalArgumentException("unknown store " + kind + "; use memory, local or consul");
        }
        return s;
    }

    synchronized KvStore client(int i) {
        try {
            KvStore c = switch (kind) {
                case "local" -> LocalKvStore.open(dir);
                case "consul" -> ConsulKvStore.open(consul);
                default -> memory;
            };
            opened.add(c);
            return c;
        } catch (KvStoreException e) {
            throw new IllegalStateException("cannot open " + kind + " store: " + e.getMessage(), e);
        }
    }

    String describe() {
        return switch (kind) {
            case "local" -> "local:" + dir;
            case "consul" -> consul.address() + "/" + consul.prefix();
            default -> kind;
        };
    }

    @Override
    public void close() {
        if (!opened.isEmpty() && kind.equals("consul")) {
            try {
                opened.get(0).deletePrefix("");
            } catch (KvStoreException e) {
                System.err.println("could not clean up " + describe() + ": " + e.getMessage());
            }
        }
        opened.forEach(KvStore::close);
        if (agent != null) {
            agent.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
