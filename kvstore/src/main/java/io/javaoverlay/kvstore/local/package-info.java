/**
 * The embedded, file-backed store for a single host ({@link io.javaoverlay.kvstore.local.LocalKvStore}).
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>One snapshot file.</b> {@code <dir>/state} holds the whole store (entries, leases,
 *       delete tombstones, store index) in the layout of {@code StateCodec}: a 21-byte header
 *       (magic, version, index, body length, CRC32C) and the body. The state of a host plugin
 *       is small (pools, bitmaps, endpoints), so rewriting it per commit is cheap next to the
 *       fsyncs, and there is no log to compact.</li>
 *   <li><b>Crash safety.</b> Commit = write {@code state.tmp}, fsync, rename over
 *       {@code state}, fsync the directory. A kill -9 (or power loss) at any point leaves the
 *       old or the new file; a leftover temp file is ignored. An acknowledged write is durable.
 *       The CRC catches media corruption, which is reported, never silently reset.</li>
 *   <li><b>Processes.</b> Every operation holds an exclusive {@code FileLock} on
 *       {@code <dir>/lock} (plus a JVM-level lock, since a JVM may hold one FileLock per file),
 *       re-reads the header and reloads only if the index moved. Lock waits are bounded
 *       ({@code tryLock} polling), so a stopped peer gives StoreUnavailableException, not a hang.</li>
 *   <li><b>Indexes.</b> One store index, +1 per commit; every key written by one commit
 *       (a transaction) gets that index. An empty store reads as index 1 and the first write
 *       is 2, mirroring Consul's "treat 0 as 1". A prefix's watch index is the newest write or
 *       tombstone under it (tombstones are capped; dropped ones raise a floor, which can only
 *       cause a spurious wake-up, never a missed one). A store index below the caller's means
 *       the directory was reset: the watch answers with resync=true.</li>
 *   <li><b>Watches.</b> Same-JVM commits wake watchers directly; commits by other processes
 *       are found by reading the header every poll interval (20 ms by default), lock-free:
 *       files are replaced by rename, so an open file never changes under a reader.</li>
 *   <li><b>Leases.</b> A lease records its TTL deadline (wall clock) and its owner's pid and
 *       start time ({@code /proc/<pid>/stat} field 22). Whoever next touches the store, or any
 *       polling watcher, ends leases whose deadline passed or whose owner is gone, deleting
 *       their keys in the same commit. Unlike Consul there is no 2×TTL grace.</li>
 * </ul>
 */
package io.javaoverlay.kvstore.local;
