package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.resource.Backends;
import io.javaoverlay.server.resource.ServiceUnavailableException;
import io.javaoverlay.vxlan.NetworkService;

/**
 * Hands the resources the running services, or a clear "not ready" failure while the store is
 * still connecting. The socket is served before this gate opens, so Docker's registration calls
 * never wait for the store.
 */
public final class ServiceGate implements Backends, AutoCloseable {
    private volatile Backend backend;
    private volatile String status = "starting";
    private volatile boolean closed;

    /** Opens the gate. Returns false (and leaves it closed) after {@link #close()}. */
    public synchronized boolean open(Backend b) {
        if (closed) {
            return false;
        }
        backend = b;
        status = "ready";
        return true;
    }

    /** The status shown in failures until the gate opens. */
    public void status(String s) {
        status = s;
    }

    /** Current status text. */
    public String status() {
        return status;
    }

    /** True once services are running. */
    public boolean isReady() {
        return backend != null;
    }

    @Override
    public IpamService ipam() {
        return running().ipam();
    }

    @Override
    public NetworkService network() {
        return running().network();
    }

    private Backend running() {
        Backend b = backend;
        if (b == null) {
            throw new ServiceUnavailableException("javaoverlay is not ready to serve this call: " + status);
        }
        return b;
    }

    /** Closes the services, if any. */
    @Override
    public synchronized void close() {
        closed = true;
        status = "stopping";
        Backend b = backend;
        backend = null;
        if (b != null) {
            b.close();
        }
    }
}
