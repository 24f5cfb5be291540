package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.resource.ServiceUnavailableException;
import io.javaoverlay.vxlan.NetworkService;

/**
 * The {@link Services} the resources see: the {@link RunningServices} once they are open, or a clear
 * "not ready" failure while the store is still connecting. The socket is served before this gate
 * opens, so Docker's registration calls never wait for the store.
 */
public final class ServicesGate implements Services, AutoCloseable {
    private volatile RunningServices running;
    private volatile String status = "starting";
    private volatile boolean closed;

    /** Opens the gate. Returns false (and leaves it closed) after {@link #close()}. */
    public synchronized boolean open(RunningServices b) {
        if (closed) {
            return false;
        }
        running = b;
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
        return running != null;
    }

    @Override
    public IpamService ipam() {
        return running().ipam();
    }

    @Override
    public NetworkService network() {
        return running().network();
    }

    private RunningServices running() {
        RunningServices b = running;
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
        RunningServices b = running;
        running = null;
        if (b != null) {
            b.close();
        }
    }
}
