package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;

import io.javaoverlay.types.IpPrefix;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.Optional;

/**
 * Benchmark baseline only (not used by the plugin): the libnetwork-style design in which a
 * pool's whole allocation bitmap is one store value, updated by compare-and-set on every
 * allocation. Every allocator of every host contends on that one key. {@link IpamBenchmark}
 * runs it with {@code --mode single-key} to show what the per-address-key design avoids.
 */
final class SingleKeyAllocator {

    private final KvStore store;
    private final String key;
    private final IpPrefix pool;
    private long retries;

    SingleKeyAllocator(KvStore store, String key, IpPrefix pool) {
        this.store = store;
        this.key = key;
        this.pool = pool;
    }

    long retries() {
        return retries;
    }

    /** Allocates the first free address by read, modify, CAS, retrying on conflict. */
    String allocate() throws KvStoreException {
        int size = pool.size().intValueExact();
        while (true) {
            Optional<KvEntry> e = store.get(key);
            BitSet bits = e.map(x -> BitSet.valueOf(x.value())).orElseGet(BitSet::new);
            int free = bits.nextClearBit(1);
            if (free >= size - 1) {
                throw new IllegalStateException("pool " + pool + " exhausted");
            }
            bits.set(free);
            try {
                if (e.isPresent()) {
                    store.compareAndSet(key, bits.toByteArray(), e.get().modifyIndex());
                } else {
                    store.putIfAbsent(key, bits.toByteArray());
                }
                return pool.withAddress(pool.at(BigInteger.valueOf(free))).toString();
            } catch (CasConflictException c) {
                synchronized (this) {
                    retries++;
                }
            }
        }
    }

    /** Clears the bitmap. */
    void reset() throws KvStoreException {
        store.delete(key);
    }
}
