package io.javaoverlay.kvstore.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * The durable form of one store directory, and this JVM's cache of it: a snapshot file
 * ({@code state}, {@link StateCodec}) plus a write-ahead log of the commits made since
 * ({@code wal}, {@link WalCodec}).
 *
 * <p>A commit appends one record holding just the keys and leases it changed, and fdatasyncs
 * the log, so its cost follows the size of the change, not of the store. When the log outgrows
 * {@code max(1 MiB, 2 × snapshot)} (or a change cannot be listed key by key) the commit writes
 * a whole snapshot instead and starts a new log bound to it; that keeps the amortised cost per
 * commit proportional to its change, and replay on open short.
 *
 * <p>Crash safety (kill -9 or power loss at any point):
 * <ul>
 *   <li>snapshot: {@code state.tmp}, fsync, rename over {@code state}, fsync the directory; only
 *       then is the old log cut back to a header naming the new snapshot. A crash before the cut
 *       leaves a log naming the previous snapshot, which is ignored: the new snapshot holds all.</li>
 *   <li>log record: written at the end of the last intact record (cutting off a torn one left by
 *       a killed writer), then fdatasync; the commit is acknowledged after that. Replay stops at
 *       the first torn record, which can only be an unacknowledged commit.</li>
 * </ul>
 *
 * <p>Readers need no lock: a snapshot file never changes once renamed into place, log records
 * are only appended, and a record is applied only if it carries exactly the next store index,
 * so reading a log while another process rewrites it can at worst stop early (the next poll
 * catches up). All methods hold this object's monitor, which guards the cache.
 */
final class StateFiles {
    /** The log is folded into a new snapshot once it is this large and larger than 2× the snapshot. */
    static final long MIN_LOG_BYTES_BEFORE_SNAPSHOT = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Path stateFile;
    private final Path tmpFile;
    private final Path walFile;

    private StoreState cached = new StoreState();
    /** Whether {@link #cached} came from a snapshot file, and that file's index, CRC and generation. */
    private boolean baseExists;
    private long baseIndex;
    private int baseCrc;
    private long baseGeneration;
    private long snapshotBytes;
    /** End of the last log record applied to {@link #cached}; -1 while no log is known to extend the snapshot. */
    private long logEnd = -1;

    StateFiles(Path dir) {
        this.dir = dir;
        this.stateFile = dir.resolve("state");
        this.tmpFile = dir.resolve("state.tmp");
        this.walFile = dir.resolve("wal");
    }

    /** The current committed state: the snapshot (reloaded only when it changed) plus the log. */
    synchronized StoreState current() throws IOException {
        try (FileChannel ch = FileChannel.open(stateFile, StandardOpenOption.READ)) {
            ByteBuffer header = readAt(ch, 0, StateCodec.HEADER_SIZE);
            long index = StateCodec.headerIndex(header);
            if (!baseExists || index != baseIndex || header.getInt(17) != baseCrc) {
                loadSnapshot(ch);
            }
        } catch (NoSuchFileException e) {
            // Never written, or wiped: an empty store at index 0 (watchers see the reset). Any
            // log left behind is stale, since a log only ever extends a snapshot.
            if (baseExists || cached.index != 0) {
                cached = new StoreState();
                baseExists = false;
                logEnd = -1;
            }
            return cached;
        } catch (IOException e) {
            throw new IOException("cannot read state file " + stateFile + ": " + e.getMessage(), e);
        }
        try {
            catchUpLog();
        } catch (IOException e) {
            throw new IOException("cannot read write-ahead log " + walFile + ": " + e.getMessage(), e);
        }
        return cached;
    }

    private void loadSnapshot(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE) {
            throw new IOException("state file " + stateFile + " is too large (" + size + " bytes)");
        }
        ByteBuffer all = readAt(ch, 0, (int) size);
        StateCodec.Snapshot snap = StateCodec.decode(all.array());
        cached = snap.state();
        baseExists = true;
        baseIndex = snap.state().index;
        baseCrc = all.getInt(17);
        baseGeneration = snap.generation();
        snapshotBytes = size;
        logEnd = -1;
    }

    /** Applies the log records past {@link #logEnd} that continue the cached state. */
    private void catchUpLog() throws IOException {
        try (FileChannel ch = FileChannel.open(walFile, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = logEnd;
            if (pos < 0) {
                if (size < WalCodec.FILE_HEADER_SIZE
                        || !WalCodec.belongsTo(readAt(ch, 0, WalCodec.FILE_HEADER_SIZE), baseIndex, baseGeneration)) {
                    return; // no log yet, or one left over from an older snapshot
                }
                pos = WalCodec.FILE_HEADER_SIZE;
            }
            if (size > pos) {
                if (size - pos > Integer.MAX_VALUE) {
                    throw new IOException("log is too large (" + size + " bytes)");
                }
                ByteBuffer buf = readAt(ch, pos, (int) (size - pos));
                StoreState next = null;
                for (int len; (len = WalCodec.recordLength(buf)) > 0; buf.position(buf.position() + len), pos += len) {
                    StoreState cur = next == null ? cached : next;
                    long index = WalCodec.recordIndex(buf);
                    if (index <= cur.index) {
                        continue; // already in the snapshot (a crash between snapshot and log cut)
                    }
                    if (index != cur.nextIndex()) {
                        break; // not the continuation of our state: the log is being rewritten
                    }
                    if (next == null) {
                        next = cached.copy(); // published states are never mutated
                    }
                    WalCodec.apply(buf, next);
                }
                if (next != null) {
                    cached = next;
                }
            }
            logEnd = pos;
        } catch (NoSuchFileException e) {
            logEnd = -1; // no log yet (or it was removed): the next commit writes a snapshot
        }
    }

    /** Makes {@code next} durable and current. Caller holds the store lock and read {@link #current()}. */
    synchronized void commit(StoreState next) throws IOException {
        if (next.rewriteAll || logEnd < 0 || logEnd > Math.max(MIN_LOG_BYTES_BEFORE_SNAPSHOT, 2 * snapshotBytes)) {
            writeSnapshot(next);
        } else {
            byte[] record = WalCodec.encodeRecord(next);
            try (FileChannel ch = FileChannel.open(walFile, StandardOpenOption.WRITE)) {
                if (ch.size() > logEnd) {
                    ch.truncate(logEnd); // a torn record of a writer killed mid-append
                }
                writeAt(ch, logEnd, record);
                ch.force(false);
            }
            logEnd += record.length;
        }
        cached = next;
    }

    private void writeSnapshot(StoreState next) throws IOException {
        long generation = RANDOM.nextLong();
        byte[] bytes = StateCodec.encode(next, generation);
        try (FileChannel ch = FileChannel.open(tmpFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAt(ch, 0, bytes);
            ch.force(true);
        }
        Files.move(tmpFile, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // fsync the directory so the rename survives a power cut, and before the old log is cut:
        // until the new snapshot is durable, the old log holds acknowledged commits.
        fsyncDir();
        boolean logExisted = Files.exists(walFile);
        try (FileChannel ch = FileChannel.open(walFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            writeAt(ch, 0, WalCodec.fileHeader(next.index, generation));
            ch.force(true);
        }
        if (!logExisted) {
            fsyncDir();
        }
        baseExists = true;
        baseIndex = next.index;
        baseCrc = ByteBuffer.wrap(bytes).getInt(17);
        baseGeneration = generation;
        snapshotBytes = bytes.length;
        logEnd = WalCodec.FILE_HEADER_SIZE;
    }

    private void fsyncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining() && ch.read(buf, position + buf.position()) >= 0) {
            // read until full or EOF
        }
        return buf.flip();
    }

    private static void writeAt(FileChannel ch, long position, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf, position + buf.position());
        }
    }
}
