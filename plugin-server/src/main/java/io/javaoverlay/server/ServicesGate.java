package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.resource.ServiceUnavailableException;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.cluster.ClusterService;
import io.javaoverlay.server.status.AdminContext;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Services} the resources see: the {@link RunningServices} once they are open. The socket is served before this gate opens, so
 * Docker's registration calls never wait for the store; a store-dependent call that arrives while
 * the daemon is still starting <em>waits</em> for the gate to open, up to {@code maxWait}, and only
 * then fails with the status (which names the store and the cause). A call never waits after a
 * permanent failure ({@link #fail}) or once the daemon stops.
 */
public final class ServicesGate implements Services, AdminContext.Startup, AutoCloseable {
    private final Duration maxWait;
    private RunningServices running;            // guarded by this; read without the lock through 'open'
    private volatile RunningServices open;
    private volatile String status = "starting";
    private volatile boolean closed;
    private volatile boolean failed;
    private volatile boolean firstAttempt = true;   // written under this
    private volatile Runnable onWait = () -> { };
    private int waiting;                // guarded by this

    /** A gate whose calls fail at once while it is closed (no waiting). */
    public ServicesGate() {
        this(Duration.ZERO);
    }

    /** A gate whose store-dependent calls wait up to {@code maxWait} for the services. */
    public ServicesGate(Duration maxWait) {
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    }

    /** Opens the gate and wakes the waiting calls. Returns false (and leaves it closed) after {@link #close()}. */
    public synchronized boolean open(RunningServices b) {
        if (closed) {
            return false;
        }
        running = b;
        open = b;
        status = "ready";
        firstAttempt = false;
        notifyAll();
        return true;
    }

    /** The status shown in failures until the gate opens: what the daemon waits for, and why. */
    public void status(String s) {
        status = s;
    }

    /**
     * The first start attempt failed and the daemon retries: {@code s} says why. From now on the
     * daemon is no longer "starting" but waiting for something named in {@code s}.
     */
    public synchronized void retrying(String s) {
        status = s;
        firstAttempt = false;
        notifyAll();
    }

    /** A permanent failure (retrying cannot help): waiting calls fail now with {@code reason}. */
    public synchronized void fail(String reason) {
        status = reason;
        failed = true;
        firstAttempt = false;
        notifyAll();
    }

    /**
     * True while the daemon's first start attempt runs: it has neither opened its services nor
     * failed yet, so "not connected" means "not yet", not "unreachable".
     */
    @Override
    public boolean starting() {
        return firstAttempt;
    }

    /**
     * Waits up to {@code max} while the first start attempt runs ({@link #starting()}), so an operator's
     * command typed right after the socket appeared gets the settled answer.
     *
     * @return true once the first attempt has ended (services open, failed, retrying or stopping)
     */
    @Override
    public boolean awaitFirstAttempt(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (this) {
            while (firstAttempt) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return true;
    }

    /** Run when a call starts to wait (the daemon uses it to retry a failed start at once). */
    public void onWait(Runnable r) {
        onWait = Objects.requireNonNull(r, "r");
    }

    /** Current status text. */
    public String status() {
        return status;
    }

    /** True once services are running. */
    public boolean isReady() {
        return open != null;
    }

    /** Calls waiting for the gate right now (for tests and the status line). */
    public synchronized int waiting() {
        return waiting;
    }

    @Override
    public IpamService ipam() {
        return running().ipam();
    }

    @Override
    public ClusterService cluster() {
        return running().cluster();
    }

    private RunningServices running() {
        RunningServices b = open;
        if (b != null) {
            return b;
        }
        long waitedNanos = 0;
        if (!maxWait.isZero() && !closed && !failed) {
            onWait.run();
            long start = System.nanoTime();
            long deadline = start + maxWait.toNanos();
            synchronized (this) {
                waiting++;
                try {
                    while (running == null && !closed && !failed) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        wait(Math.max(1, left / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    waiting--;
                }
                b = running;
            }
            waitedNanos = System.nanoTime() - start;
            if (b != null) {
                return b;
            }
        }
        String waited = waitedNanos >= maxWait.toNanos() && !maxWait.isZero() ? " (waited " + seconds(maxWait) + ")" : "";
        throw new ServiceUnavailableException("javaoverlay is not ready to serve this call" + waited + ": " + status);
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** Closes the services, if any; waiting calls fail with "stopping". */
    @Override
    public synchronized void close() {
        closed = true;
        status = "stopping";
        firstAttempt = false;
        RunningServices b = running;
        running = null;
        open = null;
        notifyAll();
        if (b != null) {
            b.close();
        }
    }
}
