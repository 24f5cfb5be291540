package io.javaoverlay.kvstore.local;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.TxnOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link TxnOp}s in order to a private copy of the state, with Consul's txn semantics:
 * every write of one transaction gets the same new index, and the first failed condition aborts
 * the whole transaction (the caller then discards the copy).
 */
final class TxnApplier {

    /** Outcome: either {@code failedOp >= 0} with a reason, or the reads and whether anything changed. */
    record Outcome(List<KvEntry> reads, boolean changed, int failedOp, String reason) {
        boolean failed() {
            return failedOp >= 0;
        }
    }

    private TxnApplier() {
    }

    static Outcome apply(StoreState s, List<TxnOp> ops, long newIndex) {
        List<KvEntry> reads = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            String key = op.key();
            StoreState.Entry cur = s.entries.get(key);
            String reason = null;
            if (op instanceof TxnOp.Set set) {
                s.set(key, set.value(), newIndex, null);
                changed = true;
            } else if (op instanceof TxnOp.PutIfAbsent pia) {
                if (cur != null) {
                    reason = "key '" + key + "' already exists (modify index " + cur.modifyIndex() + ")";
                } else {
                    s.set(key, pia.value(), newIndex, null);
                    changed = true;
                }
            } else if (op instanceof TxnOp.Cas cas) {
                reason = indexMismatch(key, cur, cas.expectedIndex(), true);
                if (reason == null) {
                    s.set(key, cas.value(), newIndex, null);
                    changed = true;
                }
            } else if (op instanceof TxnOp.Delete) {
                changed |= s.remove(key, newIndex);
            } else if (op instanceof TxnOp.DeleteIfIndex del) {
                reason = indexMismatch(key, cur, del.expectedIndex(), false);
                if (reason == null) {
                    changed |= s.remove(key, newIndex);
                }
            } else if (op instanceof TxnOp.CheckIndex chk) {
                reason = indexMismatch(key, cur, chk.expectedIndex(), false);
            } else if (op instanceof TxnOp.CheckNotExists) {
                if (cur != null) {
                    reason = "key '" + key + "' exists (modify index " + cur.modifyIndex() + ")";
                }
            } else if (op instanceof TxnOp.Get) {
                KvEntry e = s.toKvEntry(key);
                if (e != null) {
                    reads.add(e);
                }
            } else {
                throw new IllegalArgumentException("unsupported transaction operation " + op);
            }
            if (reason != null) {
                return new Outcome(List.of(), false, i, reason);
            }
        }
        return new Outcome(reads, changed, -1, null);
    }

    /**
     * Null if {@code cur} matches {@code expected}, else why not. Expected 0 means "absent" for a
     * CAS write (Consul's cas=0), and can never match an existing key for checks and deletes.
     */
    private static String indexMismatch(String key, StoreState.Entry cur, long expected, boolean zeroMeansAbsent) {
        if (cur == null) {
            if (expected == 0 && zeroMeansAbsent) {
                return null;
            }
            return "key '" + key + "' does not exist (expected modify index " + expected + ")";
        }
        if (cur.modifyIndex() != expected) {
            return "key '" + key + "' has modify index " + cur.modifyIndex() + ", expected " + expected;
        }
        return null;
    }
}
