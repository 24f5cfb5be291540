package io.javaoverlay.server.resource;

/** A request that parsed as JSON but carries a bad or missing value; the message names the object. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the object and the problem */
    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * @param message one sentence naming the object and the problem
     * @param cause   the parse failure
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
