package io.javaoverlay.kvstore;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps a {@link Lease} alive by renewing it every TTL/3 on a daemon thread. A renewal that finds
 * the lease gone ({@link LeaseExpiredException}) stops the keeper and reports to {@code onLost},
 * whose job is to create a new lease and rewrite the keys. Failures to reach the store are
 * logged and retried at the next tick: the lease survives as long as one renewal per TTL lands
 * (Consul even grants 2×TTL).
 *
 * <p>Closing the keeper stops renewing but does not close the lease.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    private final Lease lease;
    private final Consumer<LeaseExpiredException> onLost;
    private final ScheduledExecutorService timer;
    private volatile Thread timerThread;

    private LeaseKeeper(Lease lease, Consumer<LeaseExpiredException> onLost) {
        this.lease = lease;
        this.onLost = onLost;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-keeper-" + lease.id());
            t.setDaemon(true);
            timerThread = t;
            return t;
        });
    }

    /** Starts renewing {@code lease} every TTL/3 (at least every 100 ms). */
    public static LeaseKeeper start(Lease lease, Consumer<LeaseExpiredException> onLost) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(onLost, "onLost");
        LeaseKeeper k = new LeaseKeeper(lease, onLost);
        long period = periodFor(lease.ttl()).toMillis();
        k.timer.scheduleWithFixedDelay(k::renewOnce, period, period, TimeUnit.MILLISECONDS);
        return k;
    }

    private void renewOnce() {
        try {
            lease.renew();
        } catch (LeaseExpiredException e) {
            timer.shutdown();
            onLost.accept(e);
        } catch (KvStoreException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "renewing lease " + lease.id() + " failed (will retry in "
                    + lease.ttl().dividedBy(3) + "): " + e.getMessage());
        }
    }

    /** True while renewals are scheduled (false after close or after the lease was lost). */
    public boolean isRunning() {
        return !timer.isShutdown();
    }

    /**
     * Stops renewing. Does not close the lease; its keys vanish once it expires. May be called
     * from {@code onLost} (which runs on the keeper's thread).
     */
    @Override
    public void close() {
        if (Thread.currentThread() == timerThread) {
            // From onLost: shutdownNow would interrupt the callback's own work (creating the
            // next lease), and waiting for our own thread to end would only time out.
            timer.shutdown();
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The renewal period used for {@code ttl}. */
    static Duration periodFor(Duration ttl) {
        return Duration.ofMillis(Math.max(100, ttl.dividedBy(3).toMillis()));
    }
}
