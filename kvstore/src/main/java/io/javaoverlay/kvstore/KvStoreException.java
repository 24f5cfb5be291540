package io.javaoverlay.kvstore;

import java.io.IOException;

/** Base of every store failure. Subclasses say whether a retry can help. */
public class KvStoreException extends IOException {
    public KvStoreException(String message) {
        super(message);
    }

    public KvStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the same call may succeed if repeated (conflict, unavailable). */
    public boolean isRetryable() {
        return false;
    }
}
