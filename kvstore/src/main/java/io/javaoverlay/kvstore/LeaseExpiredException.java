package io.javaoverlay.kvstore;

/** The lease is gone (expired or destroyed); its keys have been or will be deleted. */
public class LeaseExpiredException extends KvStoreException {
    /** The lease named in {@code message} is gone. */
    public LeaseExpiredException(String message) {
        super(message);
    }
}
