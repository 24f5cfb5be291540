package io.javaoverlay.ipam;

import io.javaoverlay.types.OverlayException;

/** A pool (or its sub-pool) has no free address left (edge case E20). Kind {@link OverlayException.Kind#EXHAUSTED}. */
public class PoolExhaustedException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the object and the problem */
    public PoolExhaustedException(String message) {
        super(Kind.EXHAUSTED, message);
    }
}
