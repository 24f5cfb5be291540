package io.javaoverlay.server.docker;

import java.io.IOException;

/** dockerd answered with an error status; the message is Docker's own {@code message}. */
public final class DockerApiException extends IOException {
    private final int status;

    /** @param status the HTTP status dockerd answered with */
    public DockerApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status (404 not found, 409 conflict, 403 forbidden, 500 daemon or plugin error). */
    public int status() {
        return status;
    }
}
