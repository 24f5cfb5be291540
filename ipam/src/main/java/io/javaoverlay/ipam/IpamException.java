package io.javaoverlay.ipam;

/**
 * A failed IPAM request. The message is one sentence for the user, naming the object and the
 * problem (Docker shows it verbatim).
 */
public class IpamException extends RuntimeException {

    /** Coarse category, for logging and for callers that branch. */
    public enum Kind { INVALID_REQUEST, NOT_FOUND, CONFLICT, EXHAUSTED, UNAVAILABLE, INTERNAL }

    private final Kind kind;

    public IpamException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public IpamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
