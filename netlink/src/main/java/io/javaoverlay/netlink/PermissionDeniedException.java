package io.javaoverlay.netlink;

/** EPERM / EACCES: missing CAP_NET_ADMIN or CAP_SYS_ADMIN. */
public class PermissionDeniedException extends NetlinkException {
    public PermissionDeniedException(int errno, String operation, String extAck, String message) {
        super(errno, operation, extAck, message);
    }
}
