package io.javaoverlay.netlink;

/** NLM_F_DUMP_INTR: the table changed during a dump; retry the dump. */
public class DumpInterruptedException extends NetlinkException {
    public DumpInterruptedException(int errno, String operation, String extAck, String message) {
        super(errno, operation, extAck, message);
    }
}
