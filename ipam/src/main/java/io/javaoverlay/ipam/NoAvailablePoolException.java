package io.javaoverlay.ipam;

/** Every subnet of the configured default pools is in use (edge case E17). Kind {@link Kind#EXHAUSTED}. */
public class NoAvailablePoolException extends IpamException {
    public NoAvailablePoolException(String message) {
        super(Kind.EXHAUSTED, message);
    }
}
