package io.javaoverlay.kvstore;

import java.util.List;

/**
 * Result of a blocking {@link KvStore#watch}.
 *
 * @param index   index to pass to the next watch call
 * @param entries full current listing of the watched prefix, sorted by key
 * @param resync  true when the store's index went backwards: treat entries as a fresh snapshot
 */
public record WatchResult(long index, List<KvEntry> entries, boolean resync) {
    public WatchResult {
        entries = List.copyOf(entries);
    }
}
