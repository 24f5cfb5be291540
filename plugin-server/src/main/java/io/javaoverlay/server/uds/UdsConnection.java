package io.javaoverlay.server.uds;

import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.nio.RegisterChannelResult;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A Grizzly connection over an accepted AF_UNIX {@link SocketChannel}. JDK Unix channels have no
 * {@code socket()} adaptor, so everything {@link TCPNIOConnection} reads through it (buffer sizes,
 * addresses) is replaced here; reads and writes on the channel itself work unchanged.
 */
final class UdsConnection extends TCPNIOConnection {
    /**
     * The HTTP layer casts peer/local addresses to {@link InetSocketAddress} lazily (for example
     * for an HTTP/1.0 request without Host). Building this object opens nothing.
     */
    private static final InetSocketAddress PLACEHOLDER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int BUFFER_SIZE = 64 * 1024;

    private final TCPNIOTransport owner;
    private volatile int readBufferSize = BUFFER_SIZE;
    private volatile int writeBufferSize = BUFFER_SIZE;

    UdsConnection(TCPNIOTransport transport, SocketChannel channel) {
        super(transport, channel);
        this.owner = transport;
    }

    /** Mirrors TCPNIOServerConnection's accepted-channel handler: attach, then fire ACCEPTED. */
    void registered(RegisterChannelResult result) {
        setSelectionKey(result.getSelectionKey());
        setSelectorRunner(result.getSelectorRunner());
        if (notifyReady()) {
            owner.fireIOEvent(IOEvent.ACCEPTED, this, null);
        }
    }

    @Override
    protected void resetProperties() {
        // The parent would query socket().getReceiveBufferSize(), which throws for UNIX channels.
        if (transport != null) {
            setMaxAsyncWriteQueueSize(transport.getAsyncQueueIO().getWriter().getMaxPendingBytesPerConnection());
        }
    }

    @Override
    public int getReadBufferSize() {
        return readBufferSize;
    }

    @Override
    public void setReadBufferSize(int size) {
        if (size > 0) {
            readBufferSize = size;
        }
    }

    @Override
    public int getWriteBufferSize() {
        return writeBufferSize;
    }

    @Override
    public void setWriteBufferSize(int size) {
        if (size > 0) {
            writeBufferSize = size;
        }
    }

    @Override
    public SocketAddress getPeerAddress() {
        return PLACEHOLDER;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return PLACEHOLDER;
    }
}
