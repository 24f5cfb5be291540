package io.javaoverlay.netlink;

/** ENODEV / ENOENT / ESRCH: the object does not exist. */
public class NotFoundException extends NetlinkException {
    public NotFoundException(int errno, String operation, String extAck, String message) {
        super(errno, operation, extAck, message);
    }
}
