package io.javaoverlay.kvstore;

/** One operation of an atomic {@link KvStore#txn} call. */
public sealed interface TxnOp {

    /** The key the operation acts on. */
    String key();

    /** Unconditional write. */
    record Set(String key, byte[] value) implements TxnOp {}

    /** Write only if the key is absent. */
    record PutIfAbsent(String key, byte[] value) implements TxnOp {}

    /** Write only if the key's modify index equals {@code expectedIndex}. */
    record Cas(String key, byte[] value, long expectedIndex) implements TxnOp {}

    /** Delete; a missing key is fine. */
    record Delete(String key) implements TxnOp {}

    /** Delete only if the key's modify index equals {@code expectedIndex}. */
    record DeleteIfIndex(String key, long expectedIndex) implements TxnOp {}

    /** Condition: the key's modify index equals {@code expectedIndex}. */
    record CheckIndex(String key, long expectedIndex) implements TxnOp {}

    /** Condition: the key does not exist. */
    record CheckNotExists(String key) implements TxnOp {}

    /** Read the key as part of the transaction (returned by {@link KvStore#txn}). */
    record Get(String key) implements TxnOp {}
}
