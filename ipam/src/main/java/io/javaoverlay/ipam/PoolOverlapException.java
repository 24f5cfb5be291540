package io.javaoverlay.ipam;

/** A requested pool overlaps a pool that another network holds (edge case E15). Kind {@link Kind#CONFLICT}. */
public class PoolOverlapException extends IpamException {
    public PoolOverlapException(String message) {
        super(Kind.CONFLICT, message);
    }
}
