package io.javaoverlay.server.resource;

import io.javaoverlay.types.OverlayException;

/**
 * A store-dependent call arrived before the services were ready: kind
 * {@link OverlayException.Kind#UNAVAILABLE}; the message says what the daemon is still waiting for
 * (shown verbatim). Its own class only so that the error mapper logs it quietly: it is expected
 * while the daemon starts.
 */
public final class ServiceUnavailableException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** @param message what the daemon is still waiting for */
    public ServiceUnavailableException(String message) {
        super(Kind.UNAVAILABLE, message);
    }
}
