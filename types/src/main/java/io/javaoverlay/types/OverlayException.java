package io.javaoverlay.types;

/**
 * The one domain failure of javaoverlay: ipam, vxlan, the kvstore retry helper and plugin-server
 * all throw it (or a subclass that names the condition, such as ipam's
 * {@code PoolNotFoundException}). The message is one sentence for the user, naming the object and
 * the problem: Docker shows it verbatim. The {@link Kind} is what callers branch on; plugin-server
 * maps each kind to its answer in one place.
 */
public class OverlayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Coarse category: decides retry and the HTTP answer. */
    public enum Kind {
        /** The request itself is wrong (bad ID, bad CIDR, unknown option); retrying cannot help. */
        INVALID_REQUEST,
        /** The request names something that does not exist (any more). */
        NOT_FOUND,
        /** The request clashes with existing state, or lost too many compare-and-set races. */
        CONFLICT,
        /** A finite resource (pool addresses, default pools, VNIs) is used up. */
        EXHAUSTED,
        /** Something needed is not reachable or not ready (the store, the kernel); retrying may help. */
        UNAVAILABLE,
        /** A bug or corrupt state: the user gets a generic sentence, the log gets the details. */
        INTERNAL
    }

    private final Kind kind;

    /** A failure of category {@code kind}; {@code message} is one sentence naming the object and the problem. */
    public OverlayException(Kind kind, String message) {
        super(message);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** Like {@link #OverlayException(Kind, String)}, with the underlying cause. */
    public OverlayException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** The category callers branch on. */
    public Kind kind() {
        return kind;
    }
}
