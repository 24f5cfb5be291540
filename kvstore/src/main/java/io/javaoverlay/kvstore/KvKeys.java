package io.javaoverlay.kvstore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Key and argument validation shared by every backend, so that bad input fails the same way
 * (an {@link IllegalArgumentException} naming the key and the problem) and changes no state.
 *
 * <p>Keys use only {@code [A-Za-z0-9._/:-]}: Ecwid puts keys into URLs without encoding, and
 * the local store's sort order must match Consul's byte order, so we keep to plain ASCII.
 */
public final class KvKeys {
    /** Longest key we accept; Consul has no hard limit, but long keys are always a bug here. */
    public static final int MAX_KEY_LENGTH = 512;

    private KvKeys() {
    }

    /** Checks a key: non-empty, at most {@link #MAX_KEY_LENGTH} chars, allowed alphabet only. */
    public static String requireValidKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        return checkChars(key, "key");
    }

    /** Checks a prefix: like a key, but may be empty (meaning everything). */
    public static String requireValidPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return checkChars(prefix, "prefix");
    }

    /** Longest lease name we accept (the local store keeps names as modified UTF-8, max 64 KiB). */
    public static final int MAX_LEASE_NAME_LENGTH = 256;

    /**
     * Checks the arguments of {@link KvStore#createLease}: a name of at most
     * {@link #MAX_LEASE_NAME_LENGTH} characters and a positive TTL.
     */
    public static void requireValidLease(String name, Duration ttl) {
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_LEASE_NAME_LENGTH) {
            throw new IllegalArgumentException("lease name '" + name.substring(0, 40) + "...' is longer than "
                    + MAX_LEASE_NAME_LENGTH + " characters");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease '" + name + "': TTL must be positive, got " + ttl);
        }
    }

    /** Checks a transaction: at most {@link KvStore#MAX_TXN_OPS} ops, all keys valid. */
    public static List<TxnOp> requireValidTxn(List<TxnOp> ops) {
        Objects.requireNonNull(ops, "ops");
        if (ops.size() > KvStore.MAX_TXN_OPS) {
            throw new IllegalArgumentException("transaction has " + ops.size()
                    + " operations, more than the limit of " + KvStore.MAX_TXN_OPS);
        }
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = Objects.requireNonNull(ops.get(i), "ops[" + i + "]");
            requireValidKey(op.key());
        }
        return List.copyOf(ops);
    }

    private static String checkChars(String s, String what) {
        if (s.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(what + " '" + s.substring(0, 40) + "...' is longer than "
                    + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '/' || c == ':' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException(what + " '" + s + "' contains the character '" + c
                        + "' at position " + i + "; only [A-Za-z0-9._/:-] is allowed");
            }
        }
        return s;
    }
}
