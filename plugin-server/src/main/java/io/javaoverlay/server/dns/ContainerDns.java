package io.javaoverlay.server.dns;

import io.javaoverlay.kvstore.KvStore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The resolver side of container DNS on one host: the {@link NameTable} kept equal to the store's
 * {@code names/} by a {@link NameWatcher}, the {@link LocalContainerIndex} (fed by the daemon's
 * container sync) and the {@link DnsServer} answering from both.
 *
 * <p>A listen address that cannot be bound (not yet configured on this host, port 53 taken) does not
 * stop the daemon: the plugin keeps serving networks, the problem is logged as an error, and binding is
 * retried every {@value #RETRY_S} s.
 */
public final class ContainerDns implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ContainerDns.class.getName());
    static final int RETRY_S = 10;

    private final NameTable table = new NameTable();
    private final LocalContainerIndex index = new LocalContainerIndex();
    private final NameWatcher watcher;
    private final DnsServer server;
    private final ScheduledExecutorService retry;
    private volatile boolean serving;
    private String lastError;

    /** A resolver for {@code config} over the names in {@code store}. Call {@link #start()}. */
    public ContainerDns(DnsConfig config, KvStore store) {
        Objects.requireNonNull(config, "config");
        this.watcher = new NameWatcher(Objects.requireNonNull(store, "store"), table, Duration.ofSeconds(30));
        this.server = new DnsServer(config, table, index);
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-dns-bind");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the name watch and serves (or keeps trying to bind); returns at once. */
    public void start() {
        watcher.start();
        retry.execute(this::bind);
    }

    private void bind() {
        if (serving) {
            return;
        }
        try {
            server.start();
            serving = true;
            lastError = null;
        } catch (IOException | RuntimeException e) {
            if (!Objects.equals(e.getMessage(), lastError)) {
                LOG.log(Level.ERROR, "container DNS is not served: " + e.getMessage() + "; check --dns-addr (an"
                        + " address of this host, port 53 free); retrying every " + RETRY_S + " s");
                lastError = e.getMessage();
            }
            retry.schedule(this::bind, RETRY_S, TimeUnit.SECONDS);
        }
    }

    /** The source-address index the container sync keeps current. */
    public LocalContainerIndex index() {
        return index;
    }

    /** The cluster-wide name table. */
    public NameTable table() {
        return table;
    }

    /** True once the resolver is bound and answering. */
    public boolean serving() {
        return serving;
    }

    /** The resolver's counters. */
    public DnsServer.Stats stats() {
        return server.stats();
    }

    @Override
    public void close() {
        retry.shutdownNow();
        watcher.stop();
        server.close();
    }
}
