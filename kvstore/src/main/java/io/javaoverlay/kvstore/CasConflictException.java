package io.javaoverlay.kvstore;

/** A compare-and-set condition failed: someone else wrote first. Re-read and retry. */
public class CasConflictException extends KvStoreException {
    /** A lost compare-and-set; {@code message} names the key and the expected index. */
    public CasConflictException(String message) {
        super(message);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
