package io.javaoverlay.kvstore;

/** The backend could not be reached or did not answer within the configured timeout. */
public class StoreUnavailableException extends KvStoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
