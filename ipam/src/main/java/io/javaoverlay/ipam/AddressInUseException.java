package io.javaoverlay.ipam;

/** A specific address was requested but is already allocated (edge case E19). Kind {@link Kind#CONFLICT}. */
public class AddressInUseException extends IpamException {
    public AddressInUseException(String message) {
        super(Kind.CONFLICT, message);
    }
}
