package io.javaoverlay.netlink;

import java.io.IOException;
import java.util.Optional;

/**
 * A failed netlink request. Keeps the errno, the operation (for example
 * {@code "RTM_NEWLINK jo-vx-4097"}) and the kernel's extended-ACK text when it sent one.
 * Callers branch on the subclasses, never on the message.
 */
public class NetlinkException extends IOException {
    private final int errno;
    private final String operation;
    private final String extAck;

    public NetlinkException(int errno, String operation, String extAck, String message) {
        super(message);
        this.errno = errno;
        this.operation = operation;
        this.extAck = extAck;
    }

    /** Positive errno value, or 0 when the failure did not come from the kernel. */
    public int errno() {
        return errno;
    }

    /** The request, for example {@code "RTM_NEWLINK jo-vx-4097"}. */
    public String operation() {
        return operation;
    }

    /** The kernel's extended-ACK message, when present. */
    public Optional<String> extAck() {
        return Optional.ofNullable(extAck);
    }
}
