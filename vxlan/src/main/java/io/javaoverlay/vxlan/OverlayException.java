package io.javaoverlay.vxlan;

/**
 * A failed network-driver request. The message is one sentence for the user, naming the object
 * and the problem (Docker shows it verbatim).
 */
public class OverlayException extends RuntimeException {

    /** Coarse category, for logging and for callers that branch. */
    public enum Kind { INVALID_REQUEST, NOT_FOUND, CONFLICT, EXHAUSTED, UNAVAILABLE, INTERNAL }

    private final Kind kind;

    public OverlayException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public OverlayException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** The category of the failure. */
    public Kind kind() {
        return kind;
    }
}
