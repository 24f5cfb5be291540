package io.javaoverlay.ipam;

import io.javaoverlay.types.OverlayException;

/** Every subnet of the configured default pools is in use (edge case E17). Kind {@link OverlayException.Kind#EXHAUSTED}. */
public class NoAvailablePoolException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the object and the problem */
    public NoAvailablePoolException(String message) {
        super(Kind.EXHAUSTED, message);
    }
}
