package io.javaoverlay.netlink;

/** EOPNOTSUPP: the kernel does not support the request. */
public class NotSupportedException extends NetlinkException {
    public NotSupportedException(int errno, String operation, String extAck, String message) {
        super(errno, operation, extAck, message);
    }
}
