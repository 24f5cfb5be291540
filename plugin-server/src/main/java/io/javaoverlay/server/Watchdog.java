package io.javaoverlay.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * systemd's watchdog ({@code WatchdogSec=}): {@code WATCHDOG=1} every {@code WATCHDOG_USEC/2},
 * but only while the request path really works. Each tick
 * <ol>
 *   <li>sends Docker's GetCapabilities through our own socket ({@link PluginProbe}: accept,
 *       Grizzly, Jersey, a resource, JSON) and needs an HTTP answer within a bound; and</li>
 *   <li>once the services run, checks that the store <em>client</em> is not wedged: a cheap read
 *       runs on its own thread, and a read that has not returned (with a value or an error)
 *       within {@code storeBound} (the client's own time-outs plus a margin) withholds the ping.</li>
 * </ol>
 * An unreachable or slow store is not a reason to restart: its reads fail within the client's
 * time-outs and the ping goes on (a restart cannot bring Consul back, and every host restarting
 * its plugin at once would only add churn). A SIGSTOPped JVM sends nothing at all; a JVM whose
 * HTTP workers or store client are stuck stops pinging; either way systemd kills and restarts it.
 */
final class Watchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());
    /** Upper bound for one probe through the socket; a healthy answer takes milliseconds. */
    private static final Duration MAX_PROBE = Duration.ofSeconds(5);

    /** A cheap store read; it must return or throw (any error counts as "the client answered"). */
    @FunctionalInterface
    interface StoreCheck {
        void check() throws Exception;
    }

    private final Duration interval;
    private final Consumer<String> notify;
    private final PluginProbe probe;
    private final Duration storeBound;
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(r -> daemonThread(r, "watchdog-store"));
    private final AtomicLong storeInFlightSince = new AtomicLong();   // System.nanoTime(), 0 = none
    private volatile StoreCheck store;
    private volatile String lastStoreError = "";
    private volatile String failing;                                  // null while healthy

    /**
     * @param interval   the systemd watchdog interval ({@code WATCHDOG_USEC})
     * @param notify     sends an sd_notify message
     * @param probe      our own plugin socket
     * @param storeBound how long a store read may stay unanswered before the client counts as wedged
     */
    Watchdog(Duration interval, Consumer<String> notify, PluginProbe probe, Duration storeBound) {
        this.interval = Objects.requireNonNull(interval, "interval");
        this.notify = Objects.requireNonNull(notify, "notify");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.storeBound = Objects.requireNonNull(storeBound, "storeBound");
    }

    /**
     * The watchdog interval systemd asked for: {@code WATCHDOG_USEC}, if {@code WATCHDOG_PID} is
     * unset or names {@code pid} (sd_watchdog_enabled's rule).
     */
    static Optional<Duration> interval(Map<String, String> env, long pid) {
        String usec = env.getOrDefault("WATCHDOG_USEC", "").trim();
        String wpid = env.getOrDefault("WATCHDOG_PID", "").trim();
        if (!usec.matches("\\d{1,15}") || Long.parseLong(usec) == 0) {
            return Optional.empty();
        }
        if (!wpid.isEmpty() && !wpid.equals(Long.toString(pid))) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Long.parseLong(usec) * 1000));
    }

    /** The ping period: half the interval, as sd_watchdog_enabled(3) advises. */
    Duration period() {
        return interval.dividedBy(2);
    }

    /** Starts ticking on {@code timer} every {@link #period()}. */
    void start(ScheduledExecutorService timer) {
        long ms = Math.max(1, period().toMillis());
        timer.scheduleWithFixedDelay(this::tick, 0, ms, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "watchdog: WatchdogSec " + ServiceGate.seconds(interval) + ", checking the request path every "
                + ServiceGate.seconds(period()));
    }

    /** From now on, each tick also checks the store client with {@code check}. */
    void store(StoreCheck check) {
        store = check;
    }

    /** One check; sends WATCHDOG=1 and returns true when the request path answered. */
    boolean tick() {
        String problem = check();
        if (problem == null) {
            notify.accept("WATCHDOG=1");
            if (failing != null) {
                LOG.log(Level.INFO, "watchdog: the request path answers again; WATCHDOG=1 resumed");
            }
            failing = null;
            return true;
        }
        if (!problem.equals(failing)) {
            LOG.log(Level.WARNING, "watchdog: withholding WATCHDOG=1: " + problem + "; systemd restarts the daemon if this lasts "
                    + ServiceGate.seconds(interval));
        }
        failing = problem;
        return false;
    }

    /** Null when healthy, else what is wrong. */
    private String check() {
        Duration bound = period().dividedBy(2).compareTo(MAX_PROBE) < 0 ? period().dividedBy(2) : MAX_PROBE;
        try {
            String status = probe.exchange(bound);
            if (!status.startsWith("HTTP/1.1 200")) {
                return "the plugin socket answered " + PluginProbe.PATH + " with '" + status + "'";
            }
        } catch (IOException | RuntimeException e) {
            return "the plugin socket did not answer " + PluginProbe.PATH + ": " + e.getMessage();
        }
        StoreCheck s = store;
        if (s == null) {
            return null;
        }
        long since = storeInFlightSince.get();
        if (since != 0) {
            long stuck = System.nanoTime() - since;
            if (stuck > storeBound.toNanos()) {
                return "a store read has not returned for " + TimeUnit.NANOSECONDS.toSeconds(stuck) + " s (the client is stuck)";
            }
            return null;   // still within its time-outs
        }
        storeInFlightSince.set(System.nanoTime());
        storeThread.execute(() -> {
            try {
                s.check();
                lastStoreError = "";
            } catch (Exception | LinkageError e) {
                // The client answered, with an error: the store may be down, which is not ours to fix.
                if (!String.valueOf(e.getMessage()).equals(lastStoreError)) {
                    LOG.log(Level.DEBUG, "watchdog: store read failed (not a reason to restart): " + e);
                }
                lastStoreError = String.valueOf(e.getMessage());
            } finally {
                storeInFlightSince.set(0);
            }
        });
        return null;
    }

    /** True while a store read started by a tick has not returned (for tests). */
    boolean storeReadInFlight() {
        return storeInFlightSince.get() != 0;
    }

    static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        storeThread.shutdownNow();
    }
}
