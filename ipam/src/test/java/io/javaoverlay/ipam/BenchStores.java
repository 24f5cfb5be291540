package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;

import java.util.ArrayList;
import java.util.List;

/** Store clients for {@link IpamBenchmark}: one per simulated host, all sharing one backend. */
final class BenchStores implements AutoCloseable {

    private final String kind;
    private final InMemoryKvStore memory = new InMemoryKvStore();
    private final List<KvStore> opened = new ArrayList<>();

    private BenchStores(String kind) {
        this.kind = kind;
    }

    static BenchStores open(String kind) {
        if (!kind.equals("memory")) {
            throw new IllegalArgumentException("unknown store " + kind + "; use memory");
        }
        return new BenchStores(kind);
    }

    KvStore client(int i) {
        return memory;
    }

    String describe() {
        return kind;
    }

    @Override
    public void close() {
        opened.forEach(KvStore::close);
    }
}
