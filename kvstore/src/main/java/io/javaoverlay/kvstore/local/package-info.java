/**
 * The embedded, file-backed store for a single host ({@link io.javaoverlay.kvstore.local.LocalKvStore}).
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>A snapshot plus a write-ahead log.</b> {@code <dir>/state} holds the whole store
 *       (entries, leases, delete tombstones, store index) in the layout of {@code StateCodec}: a
 *       21-byte header (magic, version, index, body length, CRC32C) and the body.
 *       {@code <dir>/wal} ({@code WalCodec}) logs each later commit as the final state of the
 *       keys and leases it touched, so a commit costs one small append and one fdatasync whatever
 *       the size of the store. Once the log outgrows {@code max(1 MiB, 2 × snapshot)} a commit
 *       writes a new snapshot and starts a new log, so the amortised cost stays O(change).</li>
 *   <li><b>Crash safety.</b> Snapshot: write {@code state.tmp}, fsync, rename over
 *       {@code state}, fsync the directory, and only then cut the log back to a header naming
 *       the new snapshot (index and a random generation; a log naming another snapshot is
 *       ignored). Log record: CRC32C-framed, appended after the last intact record (a torn one
 *       left by a killed writer is cut off), fdatasynced before the commit is acknowledged;
 *       replay on open stops at the first torn record. So a kill -9 (or power loss) at any point
 *       loses at most the unacknowledged commit in flight. The CRCs catch media corruption of
 *       the snapshot, which is reported, never silently reset.</li>
 *   <li><b>Processes.</b> Every operation holds an exclusive {@code FileLock} on
 *       {@code <dir>/lock} (plus a JVM-level lock, since a JVM may hold one FileLock per file),
 *       re-reads the snapshot header (reloading only if it changed) and applies new log records.
 *       Lock waits are bounded ({@code tryLock} polling), so a stopped peer gives
 *       StoreUnavailableException, not a hang.</li>
 *   <li><b>Indexes.</b> One store index, +1 per commit; every key written by one commit
 *       (a transaction) gets that index. An empty store reads as index 1 and the first write
 *       is 2, mirroring Consul's "treat 0 as 1". A prefix's watch index is the newest write or
 *       tombstone under it (tombstones are capped; dropped ones raise a floor, which can only
 *       cause a spurious wake-up, never a missed one). A store index below the caller's means
 *       the directory was reset: the watch answers with resync=true.</li>
 *   <li><b>Watches.</b> Same-JVM commits wake watchers directly; commits by other processes
 *       are found by reading the snapshot header and the log's new records every poll interval
 *       (20 ms by default), lock-free: a snapshot is replaced by rename, the log only grows
 *       between snapshots, and a log record applies only if it carries exactly the next index.</li>
 *   <li><b>Leases.</b> A lease records its TTL deadline (wall clock) and its owner's pid and
 *       start time ({@code /proc/<pid>/stat} field 22). Whoever next touches the store, or any
 *       polling watcher, ends leases whose deadline passed or whose owner is gone, deleting
 *       their keys in the same commit. Unlike Consul there is no 2×TTL grace.</li>
 * </ul>
 */
package io.javaoverlay.kvstore.local;
