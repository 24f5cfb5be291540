package io.javaoverlay.kvstore;

/** The lease is gone (expired or destroyed); its keys have been or will be deleted. */
public class LeaseExpiredException extends KvStoreException {
    public LeaseExpiredException(String message) {
        super(message);
    }
}
