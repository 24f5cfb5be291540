package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.NetlinkException;
import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * The datagram pipe under {@link NetlinkSocket}: a bound NETLINK_ROUTE socket in production
 * ({@code internal.sys}), a fixture replayer in unit tests.
 */
public interface NetlinkTransport extends Closeable {

    /** One received datagram and the port id of its sender (0 = the kernel). */
    record Datagram(ByteBuffer data, int senderPort) {}

    /** The port id ({@code nl_pid}) the kernel assigned to this socket at bind. */
    int portId();

    /** Sends one complete message to the kernel. */
    void send(byte[] message) throws NetlinkException;

    /**
     * Blocks for the next datagram. Kernel-side failures surface as {@link NetlinkException}s with
     * their errno: ENOBUFS after the receive queue overflowed, EAGAIN when the receive timeout expired.
     */
    Datagram receive() throws NetlinkException;

    @Override
    void close();
}
