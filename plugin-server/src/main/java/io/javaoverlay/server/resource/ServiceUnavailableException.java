package io.javaoverlay.server.resource;

/** A store-dependent call arrived before the services were ready; the message says why (shown verbatim). */
public final class ServiceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what the daemon is still waiting for */
    public ServiceUnavailableException(String message) {
        super(message);
    }
}
