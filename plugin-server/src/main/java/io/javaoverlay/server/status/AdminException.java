package io.javaoverlay.server.status;

/** A refusal or failure of an admin call, with the HTTP status it maps to. */
public final class AdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** 400: the request itself is wrong. */
    public static final int BAD_REQUEST = 400;
    /** 404: the object does not exist. */
    public static final int NOT_FOUND = 404;
    /** 409: refused because of the object's state (a live endpoint holds the address, the host is alive). */
    public static final int CONFLICT = 409;
    /** 503: the daemon cannot answer yet (store not connected). */
    public static final int UNAVAILABLE = 503;

    private final int status;

    /** @param status HTTP status; {@code message} is one sentence naming the object and the problem */
    public AdminException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
