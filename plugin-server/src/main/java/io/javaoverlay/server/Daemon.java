package io.javaoverlay.server;

import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The daemon's life cycle. Start order matters: the socket is opened and answering Docker's
 * registration calls (Activate, GetCapabilities, GetDefaultAddressSpaces) from static
 * configuration <em>first</em>; then a warm-up request; then {@code READY=1}; only then does a
 * background thread connect to the store and start the services (store-dependent calls fail with
 * a clear 500 until it succeeds). A failed GetCapabilities would unregister the driver until
 * dockerd restarts, so it must never wait for Consul.
 */
public final class Daemon implements Closeable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final DaemonConfig config;
    private final BackendFactory factory;
    private final SdNotify notify;
    private final ServiceGate gate = new ServiceGate();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile UdsHttpServer server;
    private volatile Thread starter;
    private volatile boolean closing;

    /** A daemon that is not started yet; {@link #start()} opens the socket. */
    public Daemon(DaemonConfig config, BackendFactory factory, SdNotify notify) {
        this.config = Objects.requireNonNull(config, "config");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.notify = Objects.requireNonNull(notify, "notify");
    }

    /**
     * Opens the socket (inherited from systemd, else bound), serves, warms up, notifies READY and
     * starts the background service start-up. Returns once the socket answers.
     *
     * @throws io.javaoverlay.server.uds.SocketInUseException if another instance serves the socket
     * @throws IOException                                    if the socket cannot be opened
     */
    public void start() throws IOException {
        notify.status("opening the plugin socket");
        UdsListener listener = UdsListener.fromSocketActivation().orElse(null);
        if (listener == null) {
            listener = UdsListener.bind(config.socket());
        } else {
            LOG.log(Level.INFO, "using the socket passed by systemd: " + listener.path());
        }
        try {
            // Registration calls are answered while Jersey is built in the background (most of the start-up).
            server = UdsHttpServer.start(listener, PluginApplication.create(gate, config.driverSettings(), config.maxBodyBytes()),
                    PluginApplication.registrationAnswers(config.driverSettings()));
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        if (closing) {              // SIGTERM arrived while binding: undo and let main return
            server.close();
            return;
        }
        warmUp(listener.path());
        if (closing) {              // stopped during the warm-up: never announce READY after STOPPING
            return;
        }
        LOG.log(Level.INFO, "socket ready: " + listener.path() + " answers Docker (" + sinceLaunch() + "); scope "
                + config.scope() + ", store " + config.store());
        gate.status("connecting to the store " + config.store());
        notify.ready("serving " + listener.path() + "; connecting to the store " + config.store());
        starter = new Thread(this::startBackends, "backend-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * Start-to-ready time: from the launcher's timestamp ({@code -Djavaoverlay.launchEpochMicros},
     * set by bin/javaoverlay) when present, else from the kernel's process start time (coarse).
     */
    private static String sinceLaunch() {
        String launch = System.getProperty("javaoverlay.launchEpochMicros", "");
        Instant now = Instant.now();
        if (launch.matches("\\d{10,}")) {
            long micros = Long.parseLong(launch);
            Instant t = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
            return Duration.between(t, now).toMillis() + " ms after launch";
        }
        return ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, now).toMillis() + " ms after process start").orElse("start time unknown");
    }

    /** The readiness gate the resources use. */
    public ServiceGate gate() {
        return gate;
    }

    /** Blocks until {@link #close()} completes. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The first request through Jersey costs ~100 ms; pay it before READY=1, not on Docker's clock. */
    private static void warmUp(Path socket) {
        String req = "POST /NetworkDriver.GetCapabilities HTTP/1.1\r\nHost: plugin.moby.localhost\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (ch.read(buf) >= 0 && buf.hasRemaining()) {
                // read until the server closes (Connection: close)
            }
            String head = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 200")) {
                LOG.log(Level.WARNING, "warm-up request got: " + head.lines().findFirst().orElse("nothing"));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "warm-up request failed: " + e);
        }
    }

    private void startBackends() {
        Duration backoff = Duration.ofSeconds(1);
        while (!closing) {
            Backend backend = null;
            try {
                InetAddress vtep = AdvertiseAddress.resolve(config.advertiseAddr(), Path.of("/proc/net/route"));
                backend = factory.open(config, vtep);
                backend.network().start();
                if (!gate.open(backend)) {
                    backend.close();
                    return;
                }
                String msg = "ready: serving " + config.socket().getFileName() + ", store " + config.store()
                        + ", VTEP " + vtep.getHostAddress();
                LOG.log(Level.INFO, msg);
                notify.status(msg);
                return;
            } catch (BackendFactory.NotWiredException e) {
                String msg = "degraded: " + e.getMessage() + "; only registration calls are answered";
                gate.status(e.getMessage());
                LOG.log(Level.ERROR, msg);
                notify.status(msg);
                return;
            } catch (Exception | LinkageError e) {
                if (backend != null) {
                    backend.close();
                }
                if (closing) {
                    return;
                }
                String msg = "services not started (store " + config.store() + "): " + e.getMessage()
                        + "; retrying in " + backoff.toSeconds() + " s";
                gate.status(msg);
                LOG.log(Level.WARNING, msg);
                notify.status(msg);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** STOPPING=1, stop accepting (unlinking our socket file), stop the services. Idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        boolean started = server != null;
        if (started) {
            notify.stopping();
            LOG.log(Level.INFO, "shutting down");
        }
        try {
            UdsHttpServer s = server;
            if (s != null) {
                s.close();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the socket failed: " + e);
        } finally {
            Thread t = starter;
            if (t != null) {
                t.interrupt();
            }
            gate.close();
            stopped.countDown();
            if (started) {
                LOG.log(Level.INFO, "stopped");
            }
        }
    }
}
