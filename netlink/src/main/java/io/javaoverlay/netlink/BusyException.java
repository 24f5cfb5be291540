package io.javaoverlay.netlink;

/** EBUSY: the object is in use. */
public class BusyException extends NetlinkException {
    public BusyException(int errno, String operation, String extAck, String message) {
        super(errno, operation, extAck, message);
    }
}
