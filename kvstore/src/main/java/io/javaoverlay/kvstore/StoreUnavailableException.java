package io.javaoverlay.kvstore;

/** The backend could not be reached or did not answer within the configured timeout. */
public class StoreUnavailableException extends KvStoreException {
    /** The backend could not be reached; {@code cause} may be null. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
