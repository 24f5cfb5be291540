package io.javaoverlay.ipam;

import io.javaoverlay.types.OverlayException;

/** A request named a pool ID that no host has issued, or whose pool was released. Kind {@link OverlayException.Kind#NOT_FOUND}. */
public class PoolNotFoundException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the object and the problem */
    public PoolNotFoundException(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
