package io.javaoverlay.ipam;

import io.javaoverlay.types.OverlayException;

/** A requested pool overlaps a pool that another network holds (edge case E15). Kind {@link OverlayException.Kind#CONFLICT}. */
public class PoolOverlapException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the object and the problem */
    public PoolOverlapException(String message) {
        super(Kind.CONFLICT, message);
    }
}
