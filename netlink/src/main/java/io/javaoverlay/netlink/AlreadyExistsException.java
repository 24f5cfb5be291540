package io.javaoverlay.netlink;

/** EEXIST: the object already exists. */
public class AlreadyExistsException extends NetlinkException {
    public AlreadyExistsException(int errno, String operation, String extAck, String message) {
        super(errno, operation, extAck, message);
    }
}
