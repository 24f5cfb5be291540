package io.javaoverlay.ipam;

/** A pool (or its sub-pool) has no free address left (edge case E20). Kind {@link Kind#EXHAUSTED}. */
public class PoolExhaustedException extends IpamException {
    public PoolExhaustedException(String message) {
        super(Kind.EXHAUSTED, message);
    }
}
