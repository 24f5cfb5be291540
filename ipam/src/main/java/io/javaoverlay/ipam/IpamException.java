package io.javaoverlay.ipam;

/**
 * A failed IPAM request. The message is one sentence for the user, naming the object and the
 * problem (Docker shows it verbatim).
 */
public class IpamException extends RuntimeException {

    /** Coarse category, for logging and for callers that branch. */
    public enum Kind { INVALID_REQUEST, NOT_FOUND, CONFLICT, EXHAUSTED, UNAVAILABLE, INTERNAL }

    private final Kind kind;

    /** A failure of category {@code kind}; {@code message} is one sentence naming the object and the problem. */
    public IpamException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Like {@link #IpamException(Kind, String)}, with the underlying cause. */
    public IpamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** The category callers branch on (it decides retry and the HTTP answer). */
    public Kind kind() {
        return kind;
    }
}
