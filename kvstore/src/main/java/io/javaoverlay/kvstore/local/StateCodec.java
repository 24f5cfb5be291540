package io.javaoverlay.kvstore.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Binary layout of the state file. The header lets a watcher learn the store index from the
 * first {@value #HEADER_SIZE} bytes; the CRC32C over the body proves the file is whole.
 *
 * <pre>
 * magic "JOKV" | version u8 | index u64 | bodyLength u32 | crc32c(body) u32 | body
 * body: tombstoneFloor u64
 *       leaseCount u32  { id, name (UTF), ttlMillis, expiresAtMillis, pid, pidStartTime (u64) }
 *       entryCount u32  { key (UTF), modifyIndex u64, leaseId (UTF, "" = none), len u32, bytes }
 *       tombCount u32   { key (UTF), deleteIndex u64 }
 *       generation u64  (version 2; absent in version 1 files: read as 0)
 * </pre>
 * All integers are big-endian (DataOutput). The generation is a random number drawn for each
 * snapshot written; the write-ahead log names the generation it extends ({@link WalCodec}), so a
 * log is never replayed onto a snapshot it does not belong to.
 */
final class StateCodec {
    static final int HEADER_SIZE = 4 + 1 + 8 + 4 + 4;
    private static final int MAGIC = 0x4a4f4b56; // "JOKV"
    /**
     * Written as 2 since the write-ahead log exists, although the layout only gained the
     * generation trailer: a release that does not know the log must refuse the directory (bad
     * version) rather than read the snapshot alone and silently drop the logged commits.
     */
    private static final byte VERSION = 2;
    /** The layout of the first release (no generation, no log); still read. */
    private static final byte VERSION_1 = 1;

    private StateCodec() {
    }

    /** A decoded snapshot file. */
    record Snapshot(StoreState state, long generation) {
    }

    static byte[] encode(StoreState s, long generation) throws IOException {
        ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream(4096);
        DataOutputStream body = new DataOutputStream(bodyBytes);
        body.writeLong(s.tombstoneFloor);
        body.writeInt(s.leases.size());
        for (StoreState.LeaseRecord l : s.leases.values()) {
            body.writeUTF(l.id());
            body.writeUTF(l.name());
            body.writeLong(l.ttlMillis());
            body.writeLong(l.expiresAtMillis());
            body.writeLong(l.pid());
            body.writeLong(l.pidStartTime());
        }
        body.writeInt(s.entries.size());
        for (Map.Entry<String, StoreState.Entry> e : s.entries.entrySet()) {
            body.writeUTF(e.getKey());
            body.writeLong(e.getValue().modifyIndex());
            body.writeUTF(e.getValue().leaseId() == null ? "" : e.getValue().leaseId());
            byte[] v = e.getValue().value();
            body.writeInt(v.length);
            body.write(v);
        }
        body.writeInt(s.tombstones.size());
        for (Map.Entry<String, Long> t : s.tombstones.entrySet()) {
            body.writeUTF(t.getKey());
            body.writeLong(t.getValue());
        }
        body.writeLong(generation);
        body.flush();
        byte[] b = bodyBytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(b);
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + b.length);
        out.putInt(MAGIC).put(VERSION).putLong(s.index).putInt(b.length).putInt((int) crc.getValue()).put(b);
        return out.array();
    }

    /** Reads the store index from a header; throws if the header is not ours. */
    static long headerIndex(ByteBuffer header) throws IOException {
        if (header.remaining() < HEADER_SIZE || header.getInt(0) != MAGIC
                || (header.get(4) != VERSION && header.get(4) != VERSION_1)) {
            throw new IOException("not a javaoverlay state file (bad magic or version)");
        }
        return header.getLong(5);
    }

    static Snapshot decode(byte[] file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(file);
        long index = headerIndex(buf);
        int len = buf.getInt(13);
        int expectedCrc = buf.getInt(17);
        if (len < 0 || file.length != HEADER_SIZE + len) {
            throw new IOException("state file is truncated: header says " + len + " body bytes, file has "
                    + (file.length - HEADER_SIZE));
        }
        CRC32C crc = new CRC32C();
        crc.update(file, HEADER_SIZE, len);
        if ((int) crc.getValue() != expectedCrc) {
            throw new IOException("state file checksum mismatch");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(file, HEADER_SIZE, len));
        long floor = in.readLong();
        Map<String, StoreState.LeaseRecord> leases = new HashMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            StoreState.LeaseRecord l = new StoreState.LeaseRecord(in.readUTF(), in.readUTF(), in.readLong(),
                    in.readLong(), in.readLong(), in.readLong());
            leases.put(l.id(), l);
        }
        TreeMap<String, StoreState.Entry> entries = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            String key = in.readUTF();
            long mod = in.readLong();
            String lease = in.readUTF();
            byte[] v = new byte[in.readInt()];
            in.readFully(v);
            entries.put(key, new StoreState.Entry(v, mod, lease.isEmpty() ? null : lease));
        }
        TreeMap<String, Long> tombs = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            tombs.put(in.readUTF(), in.readLong());
        }
        long generation = in.available() >= 8 ? in.readLong() : 0;
        return new Snapshot(new StoreState(index, floor, entries, leases, tombs), generation);
    }
}
