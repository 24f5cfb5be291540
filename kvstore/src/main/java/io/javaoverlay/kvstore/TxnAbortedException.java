package io.javaoverlay.kvstore;

/** A transaction was rolled back because one of its conditions failed; nothing was written. */
public class TxnAbortedException extends CasConflictException {
    private final int opIndex;

    /** A transaction rolled back because operation {@code opIndex} (or -1 if unknown) failed. */
    public TxnAbortedException(int opIndex, String message) {
        super(message);
        this.opIndex = opIndex;
    }

    /** Index (0-based) of the operation whose condition failed, or -1 if unknown. */
    public int opIndex() {
        return opIndex;
    }
}
