package io.javaoverlay.kvstore;

import java.io.IOException;

/** Base of every store failure. Subclasses say whether a retry can help. */
public class KvStoreException extends IOException {
    /** A failure described by {@code message} (name the operation and key). */
    public KvStoreException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public KvStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the same call may succeed if repeated (conflict, unavailable). */
    public boolean isRetryable() {
        return false;
    }
}
