package io.javaoverlay.server;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.server.admin.AdminServer;
import io.javaoverlay.server.metrics.MetricsHttpServer;
import io.javaoverlay.server.metrics.PluginMetricsFilter;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import io.javaoverlay.types.IpAddress;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's life cycle. Start order matters: the socket is opened and answering Docker's
 * registration calls (Activate, GetCapabilities, GetDefaultAddressSpaces) from static
 * configuration <em>first</em> (a failed GetCapabilities would unregister the driver until dockerd
 * restarts, so it never waits for the store); then a warm-up request; then a background thread
 * connects to the store and starts the services. Store-dependent calls that arrive meanwhile wait
 * for them ({@link ServicesGate}, up to {@code --ready-timeout}) and fail only if the store stays
 * unreachable, naming it and the cause.
 *
 * <p>Under systemd, {@code READY=1} means every call can be served: it is sent when the services
 * run, or after {@code --ready-timeout} with {@code STATUS=} saying what is missing (so that
 * docker.service, ordered after us, is never held up for long). With {@code WatchdogSec=} a
 * {@link Watchdog} pings only while the request path works.
 */
public final class Daemon implements Closeable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A call waiting for the store may trigger an early retry, but not more often than this. */
    private static final Duration MIN_RETRY_GAP = Duration.ofSeconds(1);
    /** Read at start and by the watchdog: an absent key, so the read is as cheap as the store allows. */
    private static final String WATCHDOG_KEY = "watchdog-probe";
    /** Consul's client gives up after 2 s (connect) + 10 s (request); a read stuck far longer is ours. */
    private static final Duration STORE_STUCK = Duration.ofSeconds(20);
    /** STATUS= while READY=1 has been sent but the services are missing. */
    private static final String REGISTRATION_ONLY = "serving registration calls only; waiting for the services: ";

    private final DaemonConfig config;
    private final RunningServices.Factory factory;
    private final SdNotify notify;
    private final ServicesGate gate;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down once the admin socket and --metrics-addr are served (or failed): "ready" waits for it. */
    private final CountDownLatch operatorInterface = new CountDownLatch(1);
    /** The longest "ready" waits for the operator interface (its Jersey start takes ~0.3 s). */
    private static final long OPERATOR_INTERFACE_WAIT_MS = 5_000;
    private final AdminContext admin;
    private final Semaphore retryNow = new Semaphore(0);
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> Watchdog.daemonThread(r, "daemon-timer"));
    private final Optional<Duration> watchdogInterval;
    private volatile UdsHttpServer server;
    private volatile UdsListener adminListener;     // bound with the plugin socket, served by adminServer
    private volatile AdminServer adminServer;
    private volatile MetricsHttpServer metricsServer;
    private volatile Thread starter;
    private volatile Watchdog watchdog;
    private volatile boolean closing;
    private boolean readySent;          // guarded by this

    /** A daemon that is not started yet; {@link #start()} opens the socket. */
    public Daemon(DaemonConfig config, RunningServices.Factory factory, SdNotify notify) {
        this(config, factory, notify, Map.of());
    }

    /** As above; {@code env} may carry systemd's {@code WATCHDOG_USEC}/{@code WATCHDOG_PID}. */
    public Daemon(DaemonConfig config, RunningServices.Factory factory, SdNotify notify, Map<String, String> env) {
        this(config, factory, notify, env, null);
    }

    /**
     * A daemon with the operator interface: metrics on the plugin calls, the admin socket, and the
     * opt-in metrics port ({@code admin} null: none of them).
     */
    public Daemon(DaemonConfig config, RunningServices.Factory factory, SdNotify notify, Map<String, String> env, AdminContext admin) {
        this.config = Objects.requireNonNull(config, "config");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.notify = Objects.requireNonNull(notify, "notify");
        this.gate = new ServicesGate(config.readyTimeout());
        this.watchdogInterval = notify.enabled() ? Watchdog.interval(env, ProcessHandle.current().pid()) : Optional.empty();
        gate.onWait(retryNow::release);
        this.admin = admin;
        if (admin != null) {
            admin.services(gate::status);
            admin.startup(gate);
        }
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
        bindOperatorSocket();
        try {
            // Registration calls are answered while Jersey is built in the background (most of the
            // start-up); they are not counted by the plugin metrics filter.
            server = UdsHttpServer.start(listener, () -> {
                var app = PluginApplication.create(gate, config.driverSettings(), config.maxBodyBytes());
                if (admin != null) {
                    app.register(new PluginMetricsFilter(admin.metrics()));
                }
                return app;
            }, PluginApplication.registrationAnswers(config.driverSettings()));
        } catch (IOException | RuntimeException e) {
            listener.close();
            closeAdminListener();
            throw e;
        }
        if (closing) {              // SIGTERM arrived while binding: undo and let main return
            server.close();
            closeAdminListener();
            return;
        }
        PluginProbe probe = new PluginProbe(listener.path());
        warmUp(probe);
        if (closing) {              // stopped during the warm-up: never announce READY after STOPPING
            return;
        }
        LOG.log(Level.INFO, "socket ready: " + listener.path() + " answers Docker (" + sinceLaunch() + "); scope "
                + config.scope() + ", store " + config.store());
        gate.status("connecting to the store " + config.store());
        notify.status("serving " + listener.path() + "; connecting to the store " + config.store());
        watchdogInterval.ifPresent(i -> {
            watchdog = new Watchdog(i, notify::send, probe, STORE_STUCK);
            watchdog.start(timer);
        });
        try {
            timer.schedule(this::readyDeadline, config.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return;                 // SIGTERM since the check above: close() shut the timer down
        }
        starter = new Thread(this::startServices, "services-start");
        starter.setDaemon(true);
        starter.start();
        // After the store connect has begun: the admin application's Jersey start (~0.3 s) must not delay it.
        startOperatorInterface();
    }

    /**
     * The admin socket and the opt-in metrics port. Neither may stop Docker's plugin socket from
     * serving: a failure is logged (and shown by status) and the daemon goes on without it.
     */
    private void startOperatorInterface() {
        try {
            serveOperatorInterface();
        } finally {
            operatorInterface.countDown();
        }
    }

    /**
     * Binds the admin socket as the plugin socket appears (cheap; served later): an operator's
     * {@code javaoverlay status} typed the instant the daemon's socket answers then waits in the
     * backlog for the admin application instead of finding no socket.
     */
    private void bindOperatorSocket() {
        if (admin == null) {
            return;
        }
        try {
            adminListener = AdminServer.bind(config.adminSocket());
        } catch (IOException | RuntimeException e) {
            noAdminInterface(e);
        }
    }

    /** Closes the admin socket if it was bound but never served (an admin server closes its own). */
    private void closeAdminListener() throws IOException {
        UdsListener a = adminListener;
        if (a != null && adminServer == null) {
            a.close();
        }
    }

    private void noAdminInterface(Exception e) {
        LOG.log(Level.ERROR, "no admin interface (javaoverlay status etc. will not work): cannot serve "
                + config.adminSocket() + ": " + e.getMessage());
    }

    private void serveOperatorInterface() {
        if (admin == null) {
            return;
        }
        UdsListener listener = adminListener;
        if (listener != null) {     // else bindOperatorSocket logged why
            try {
                adminServer = AdminServer.start(listener, admin);
                if (closing) {      // SIGTERM meanwhile: close() may have missed it
                    adminServer.close();
                }
            } catch (IOException | RuntimeException e) {
                noAdminInterface(e);
            }
        }
        if (config.metricsAddr().isPresent()) {
            MetricsAddress a = config.metricsAddr().get();
            try {
                metricsServer = MetricsHttpServer.start(a.host(), a.port(), admin.metrics());
                if (closing) {
                    metricsServer.close();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "cannot serve metrics on --metrics-addr " + a + ": " + e.getMessage()
                        + " (they stay available on the admin socket)");
            }
        }
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
    public ServicesGate gate() {
        return gate;
    }

    /**
     * Waits until the background start-up has ended: services open, given up for good (not
     * wired), or stopped. For tests, which must not sleep to prove that nothing is retried.
     *
     * @return false if it is still trying after {@code timeout}
     */
    boolean awaitStartupEnded(Duration timeout) throws InterruptedException {
        Thread t = starter;
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    /** Blocks until {@link #close()} completes. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The first request through Jersey costs ~100 ms; pay it before Docker's first call, not on Docker's clock. */
    private static void warmUp(PluginProbe probe) {
        try {
            String head = probe.exchange(Duration.ofSeconds(10));
            if (!head.startsWith("HTTP/1.1 200")) {
                LOG.log(Level.WARNING, "warm-up request got: " + head);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "warm-up request failed: " + e.getMessage());
        }
    }

    private void awaitOperatorInterface() {
        try {
            if (!operatorInterface.await(OPERATOR_INTERFACE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "the admin socket is not served after " + OPERATOR_INTERFACE_WAIT_MS
                        + " ms; announcing ready without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** READY=1 once; later calls only update STATUS=. */
    private void announce(String status) {
        synchronized (this) {
            if (!closing && !readySent) {
                readySent = true;
                notify.ready(status);
                return;
            }
        }
        notify.status(status);
    }

    /** --ready-timeout passed without services: READY=1 anyway (docker.service must not hang), saying what is missing. */
    private void readyDeadline() {
        if (!gate.isReady() && !closing) {
            String msg = REGISTRATION_ONLY + gate.status();
            LOG.log(Level.WARNING, "not ready after " + ServicesGate.seconds(config.readyTimeout()) + ": " + msg);
            announce(msg);
        }
    }

    private void startServices() {
        Duration backoff = Duration.ofSeconds(1);
        while (!closing) {
            RunningServices services = null;
            long attempt = System.nanoTime();
            try {
                IpAddress vtep = AdvertiseAddress.resolve(config.advertiseAddr(), Path.of("/proc/net/route"));
                services = factory.open(config, vtep);
                // Consul's client connects lazily: read once, so that an unreachable store keeps the
                // gate closed (calls wait, then fail naming the store) instead of "ready" services
                // whose every call fails. Before the cluster service starts: nothing to undo.
                KvStore probeStore = storeOf(services);
                if (probeStore != null) {
                    probeStore.get(WATCHDOG_KEY);
                }
                services.cluster().start();
                if (!gate.open(services)) {
                    services.close();
                    return;
                }
                // "ready" (the log line, READY=1) also means `javaoverlay status` and a --metrics-addr scrape
                // answer: an operator's next command after `systemctl start` must not find them missing.
                awaitOperatorInterface();
                String msg = "ready: serving " + config.socket().getFileName() + ", store " + config.store()
                        + ", VTEP " + vtep;
                LOG.log(Level.INFO, msg);
                announce(msg);
                Watchdog w = watchdog;
                KvStore store = storeOf(services);
                if (w != null && store != null) {
                    w.store(() -> store.get(WATCHDOG_KEY));
                }
                return;
            } catch (RunningServices.NotWiredException e) {
                String msg = "degraded: " + e.getMessage() + "; only registration calls are answered";
                gate.fail(e.getMessage());
                LOG.log(Level.ERROR, msg);
                announce(msg);
                return;
            } catch (Exception | LinkageError e) {
                if (services != null) {
                    services.close();
                }
                if (admin != null) {
                    // The wiring attached this attempt's services before the store probe failed; they are
                    // closed now, and status must say what the daemon waits for, not the closed client's own error.
                    admin.live().ifPresent(admin::detach);
                }
                if (closing) {
                    return;
                }
                String cause = e.getMessage() == null ? e.toString() : e.getMessage();
                String why = storeFailure(e)
                        ? "the store " + config.store() + " is unreachable: " + cause
                        : "services not started (store " + config.store() + "): " + cause;
                gate.retrying(why);
                String msg = why + "; retrying in " + backoff.toSeconds() + " s";
                LOG.log(Level.WARNING, msg);
                // After READY=1 (sent at --ready-timeout) the status keeps saying what is served meanwhile.
                notify.status((readySent() ? REGISTRATION_ONLY : "starting: ") + msg);
                try {
                    // A call that waits for the services cuts the back-off short (at most once a second).
                    retryNow.drainPermits();
                    if (retryNow.tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        long gap = MIN_RETRY_GAP.toNanos() - (System.nanoTime() - attempt);
                        if (gap > 0) {
                            TimeUnit.NANOSECONDS.sleep(gap);
                        }
                    } else {
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    }
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static boolean storeFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KvStoreException) {
                return true;
            }
        }
        return false;
    }

    private synchronized boolean readySent() {
        return readySent;
    }

    /** The store among the services' resources (the watchdog reads from it), if any. */
    private static KvStore storeOf(RunningServices services) {
        for (AutoCloseable r : services.resources()) {
            if (r instanceof KvStore k) {
                return k;
            }
        }
        return null;
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
            AdminServer a = adminServer;
            if (a != null) {
                a.close();
            } else {
                closeAdminListener();
            }
            MetricsHttpServer m = metricsServer;
            if (m != null) {
                m.close();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the socket failed: " + e);
        } finally {
            Thread t = starter;
            if (t != null) {
                t.interrupt();
            }
            timer.shutdownNow();
            Watchdog w = watchdog;
            if (w != null) {
                w.close();
            }
            gate.close();
            stopped.countDown();
            if (started) {
                LOG.log(Level.INFO, "stopped");
            }
        }
    }
}
