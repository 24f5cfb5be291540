package io.javaoverlay.ipam;

import io.javaoverlay.types.OverlayException;

/** A specific address was requested but is already allocated (edge case E19). Kind {@link OverlayException.Kind#CONFLICT}. */
public class AddressInUseException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the object and the problem */
    public AddressInUseException(String message) {
        super(Kind.CONFLICT, message);
    }
}
