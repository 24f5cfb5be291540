package io.javaoverlay.kvstore.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Binary layout of the write-ahead log {@code <dir>/wal}: the commits made since the snapshot
 * file was written, each logged as just what it changed.
 *
 * <pre>
 * file header:  magic "JOWL" | version u8 | baseIndex u64 | baseGeneration u64
 * record:       magic "JOWR" | bodyLength u32 | crc32c(body) u32 | body
 * body:         index u64 | tombstoneFloor u64
 *               keyCount u32   { key (UTF), kind u8: 0 absent | 1 entry | 2 tombstone,
 *                                entry: modifyIndex u64, leaseId (UTF, "" = none), len u32, bytes
 *                                tombstone: deleteIndex u64 }
 *               leaseCount u32 { id (UTF), present u8, [name (UTF), ttlMillis, expiresAtMillis,
 *                                pid, pidStartTime (u64)] }
 * </pre>
 * A record holds the final state of every key and lease its commit touched, so replaying it is
 * idempotent. The header binds the log to one snapshot (its index and random generation); a log
 * whose header names another snapshot is stale and ignored. Replay stops at the first record
 * that is torn (short, bad magic or CRC): only an unacknowledged commit can be torn, because a
 * commit is acknowledged after its record is fsynced.
 */
final class WalCodec {
    static final int FILE_HEADER_SIZE = 4 + 1 + 8 + 8;
    static final int RECORD_HEADER_SIZE = 4 + 4 + 4;
    private static final int FILE_MAGIC = 0x4a4f574c; // "JOWL"
    private static final int RECORD_MAGIC = 0x4a4f5752; // "JOWR"
    private static final byte VERSION = 1;
    private static final byte ABSENT = 0;
    private static final byte ENTRY = 1;
    private static final byte TOMBSTONE = 2;

    private WalCodec() {
    }

    /** The header that binds a fresh log to the snapshot at {@code baseIndex} / {@code generation}. */
    static byte[] fileHeader(long baseIndex, long generation) {
        return ByteBuffer.allocate(FILE_HEADER_SIZE).putInt(FILE_MAGIC).put(VERSION).putLong(baseIndex)
                .putLong(generation).array();
    }

    /** True if {@code header} (at least {@link #FILE_HEADER_SIZE} bytes) binds the log to that snapshot. */
    static boolean belongsTo(ByteBuffer header, long baseIndex, long generation) {
        return header.remaining() >= FILE_HEADER_SIZE && header.getInt(0) == FILE_MAGIC
                && header.get(4) == VERSION && header.getLong(5) == baseIndex && header.getLong(13) == generation;
    }

    /** One record: the change a copy of the state made ({@code dirtyKeys}, {@code dirtyLeases}). */
    static byte[] encodeRecord(StoreState s) throws IOException {
        ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream(256);
        DataOutputStream body = new DataOutputStream(bodyBytes);
        body.writeLong(s.index);
        body.writeLong(s.tombstoneFloor);
        body.writeInt(s.dirtyKeys.size());
        for (String key : s.dirtyKeys) {
            body.writeUTF(key);
            StoreState.Entry e = s.entries.get(key);
            Long tomb = s.tombstones.get(key);
            if (e != null) {
                body.writeByte(ENTRY);
                body.writeLong(e.modifyIndex());
                body.writeUTF(e.leaseId() == null ? "" : e.leaseId());
                body.writeInt(e.value().length);
                body.write(e.value());
            } else if (tomb != null) {
                body.writeByte(TOMBSTONE);
                body.writeLong(tomb);
            } else {
                body.writeByte(ABSENT);
            }
        }
        body.writeInt(s.dirtyLeases.size());
        for (String id : s.dirtyLeases) {
            body.writeUTF(id);
            StoreState.LeaseRecord l = s.leases.get(id);
            body.writeBoolean(l != null);
            if (l != null) {
                body.writeUTF(l.name());
                body.writeLong(l.ttlMillis());
                body.writeLong(l.expiresAtMillis());
                body.writeLong(l.pid());
                body.writeLong(l.pidStartTime());
            }
        }
        body.flush();
        byte[] b = bodyBytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(b);
        return ByteBuffer.allocate(RECORD_HEADER_SIZE + b.length).putInt(RECORD_MAGIC).putInt(b.length)
                .putInt((int) crc.getValue()).put(b).array();
    }

    /**
     * The length of the whole record starting at {@code buf}'s position, or -1 if there is no
     * complete, intact record there (end of log, or a torn write).
     */
    static int recordLength(ByteBuffer buf) {
        int at = buf.position();
        if (buf.remaining() < RECORD_HEADER_SIZE || buf.getInt(at) != RECORD_MAGIC) {
            return -1;
        }
        int len = buf.getInt(at + 4);
        if (len < 16 || len > buf.remaining() - RECORD_HEADER_SIZE) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(at + RECORD_HEADER_SIZE, len));
        return (int) crc.getValue() == buf.getInt(at + 8) ? RECORD_HEADER_SIZE + len : -1;
    }

    /** The store index of the intact record at {@code buf}'s position (see {@link #recordLength}). */
    static long recordIndex(ByteBuffer buf) {
        return buf.getLong(buf.position() + RECORD_HEADER_SIZE);
    }

    /** Applies the intact record at {@code buf}'s position to {@code s} (a private copy). */
    static void apply(ByteBuffer buf, StoreState s) throws IOException {
        int len = buf.getInt(buf.position() + 4);
        byte[] b = new byte[len];
        buf.get(buf.position() + RECORD_HEADER_SIZE, b);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        s.index = in.readLong();
        s.tombstoneFloor = in.readLong();
        for (int i = in.readInt(); i > 0; i--) {
            String key = in.readUTF();
            byte kind = in.readByte();
            s.entries.remove(key);
            s.tombstones.remove(key);
            if (kind == ENTRY) {
                long mod = in.readLong();
                String lease = in.readUTF();
                byte[] v = new byte[in.readInt()];
                in.readFully(v);
                s.entries.put(key, new StoreState.Entry(v, mod, lease.isEmpty() ? null : lease));
            } else if (kind == TOMBSTONE) {
                s.tombstones.put(key, in.readLong());
            } else if (kind != ABSENT) {
                throw new IOException("write-ahead log record " + s.index + " has unknown key kind " + kind);
            }
        }
        for (int i = in.readInt(); i > 0; i--) {
            String id = in.readUTF();
            if (in.readBoolean()) {
                s.leases.put(id, new StoreState.LeaseRecord(id, in.readUTF(), in.readLong(), in.readLong(),
                        in.readLong(), in.readLong()));
            } else {
                s.leases.remove(id);
            }
        }
    }
}
