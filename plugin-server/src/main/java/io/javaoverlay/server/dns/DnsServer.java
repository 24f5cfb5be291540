package io.javaoverlay.server.dns;

import org.xbill.DNS.Message;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * javaoverlay's container-name resolver: UDP and TCP on one host address, answering names of
 * javaoverlay endpoints on every host ({@link QueryHandler}) and relaying everything else to the
 * host's resolvers ({@link Forwarder}).
 *
 * <p>It shares nothing with the plugin socket but the JVM, and keeps its load bounded: one UDP
 * receiver thread feeding a bounded queue ({@link DnsConfig#udpQueue()}; overflow is dropped and
 * the client retries), {@link DnsConfig#workers()} worker threads, a token bucket per source
 * address, a cap on forwarded queries in flight, and a cap on TCP connections, each with an idle
 * time-out, a whole-connection deadline and at most {@value #MAX_TCP_QUERIES} queries.
 */
public final class DnsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());
    static final int MAX_TCP_QUERIES = 100;
    private static final int MAX_TCP_PER_SOURCE = 8;
    private static final long TCP_CONNECTION_DEADLINE_MS = 30_000;

    private final DnsConfig config;
    private final QueryHandler handler;
    private final SourceLimiter limiter;
    private final BlockingQueue<DatagramPacket> queue;
    private final ExecutorService forwardExecutor;
    private final Forwarder forwarder;
    private final ThreadPoolExecutor tcpPool;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> tcpPerSource = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;
    private volatile boolean running;
    private DatagramSocket udp;
    private ServerSocket tcp;
    private Thread[] threads = new Thread[0];
    private final Stats stats = new Stats();

    /** Counters, for logs and tests. */
    public static final class Stats {
        public final AtomicLong received = new AtomicLong();
        public final AtomicLong answered = new AtomicLong();
        public final AtomicLong forwarded = new AtomicLong();
        public final AtomicLong rateLimited = new AtomicLong();
        public final AtomicLong queueFull = new AtomicLong();
        public final AtomicLong dropped = new AtomicLong();
        public final AtomicLong tcpRejected = new AtomicLong();
        public final AtomicLong errors = new AtomicLong();

        @Override
        public String toString() {
            return "received " + received + ", answered " + answered + ", forwarded " + forwarded + ", rate-limited "
                    + rateLimited + ", queue-full " + queueFull + ", dropped " + dropped + ", tcp-rejected "
                    + tcpRejected + ", errors " + errors;
        }
    }

    /** A server for {@code config} answering from {@code table} for {@code containers}. Call {@link #start()}. */
    public DnsServer(DnsConfig config, NameTable table, LocalContainers containers) {
        this.config = Objects.requireNonNull(config, "config");
        this.handler = new QueryHandler(table, containers, config.ttl());
        this.limiter = new SourceLimiter(config.perSourceRate(), config.perSourceBurst());
        this.queue = new ArrayBlockingQueue<>(config.udpQueue());
        this.forwardExecutor = Executors.newFixedThreadPool(2, daemon("jo-dns-fwd"));
        this.forwarder = new Forwarder(Upstreams.of(config), config.upstreamTimeout(), config.maxForwards(),
                forwardExecutor);
        this.tcpPool = new ThreadPoolExecutor(0, config.maxTcpConnections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemon("jo-dns-tcp"));
        this.refresher = Executors.newSingleThreadScheduledExecutor(daemon("jo-dns-upstreams"));
    }

    /**
     * Binds UDP and TCP on {@link DnsConfig#listen()} and starts the threads.
     *
     * @throws IOException naming the address when it cannot be bound (in use, not on this host)
     */
    public synchronized void start() throws IOException {
        InetSocketAddress at = config.listen();
        try {
            udp = new DatagramSocket(null);
            udp.setReceiveBufferSize(1 << 20);
            udp.bind(at);
            tcp = new ServerSocket();
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(at.getAddress(), udp.getLocalPort()), 64);
        } catch (IOException e) {
            closeSockets();
            String why = e instanceof BindException ? " (in use, or not an address of this host)" : "";
            throw new IOException("cannot serve DNS on " + at + why + ": " + e.getMessage(), e);
        }
        Forwarder.warmUp(java.time.Duration.ofSeconds(1));
        running = true;
        Thread[] t = new Thread[2 + config.workers()];
        t[0] = daemon("jo-dns-udp").newThread(this::receiveLoop);
        t[1] = daemon("jo-dns-accept").newThread(this::acceptLoop);
        for (int i = 0; i < config.workers(); i++) {
            t[2 + i] = daemon("jo-dns-worker-" + i).newThread(this::workLoop);
        }
        for (Thread th : t) {
            th.start();
        }
        threads = t;
        if (config.upstreams().isEmpty()) {
            // resolv.conf may change (DHCP, resolvconf); pick it up without a restart.
            refresher.scheduleWithFixedDelay(this::refreshUpstreams, 30, 30, TimeUnit.SECONDS);
        }
        LOG.log(Level.INFO, "container DNS on udp+tcp " + udp.getLocalSocketAddress() + "; forwarding other names to "
                + forwarder.upstreams());
        if (forwarder.upstreams().isEmpty()) {
            LOG.log(Level.WARNING, "container DNS has no upstream resolver (none in " + config.resolvConf()
                    + "); names other than javaoverlay containers will fail with SERVFAIL");
        }
    }

    /** The bound UDP address (the port is real when the config asked for port 0). */
    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    /** The bound TCP address. */
    public InetSocketAddress tcpAddress() {
        return (InetSocketAddress) tcp.getLocalSocketAddress();
    }

    /** The counters. */
    public Stats stats() {
        return stats;
    }

    /** The upstreams in use. */
    public List<InetSocketAddress> upstreams() {
        return forwarder.upstreams();
    }

    /** Re-reads the upstream list (resolv.conf) now. */
    public void refreshUpstreams() {
        List<InetSocketAddress> now = Upstreams.of(config);
        if (!now.isEmpty() && !now.equals(forwarder.upstreams())) {
            LOG.log(Level.INFO, "container DNS upstreams changed: " + forwarder.upstreams() + " -> " + now);
            forwarder.setUpstreams(now);
        }
    }

    private void receiveLoop() {
        while (running) {
            DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
            try {
                udp.receive(p);
            } catch (IOException e) {
                if (running) {
                    stats.errors.incrementAndGet();
                    LOG.log(Level.WARNING, "container DNS: UDP receive failed: " + e.getMessage());
                }
                continue;
            }
            stats.received.incrementAndGet();
            if (!limiter.tryAcquire(p.getAddress(), System.nanoTime())) {
                stats.rateLimited.incrementAndGet();
                continue;
            }
            // Keep only the bytes received: a queued 64 KiB buffer per packet would cost 256 MiB at 4096.
            p.setData(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            if (!queue.offer(p)) {
                stats.queueFull.incrementAndGet();
            }
        }
    }

    private void workLoop() {
        while (running) {
            DatagramPacket p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                serveUdp(p);
            } catch (RuntimeException e) {
                stats.errors.incrementAndGet();
                LOG.log(Level.WARNING, "container DNS: query from " + p.getAddress() + " failed: " + e, e);
            }
        }
    }

    private void serveUdp(DatagramPacket p) {
        QueryHandler.Outcome o = handler.handle(p.getData(), p.getLength(), p.getAddress());
        InetSocketAddress to = (InetSocketAddress) p.getSocketAddress();
        if (o instanceof QueryHandler.Reply r) {
            stats.answered.incrementAndGet();
            sendUdp(QueryHandler.wire(r.message(), r.udpLimit(), false), to);
        } else if (o instanceof QueryHandler.Forward f) {
            stats.forwarded.incrementAndGet();
            int limit = QueryHandler.udpLimit(f.query());
            forwarder.forward(f.query(), false).thenAccept(m -> sendUdp(QueryHandler.wire(m, limit, false), to));
        } else {
            stats.dropped.incrementAndGet();
        }
    }

    private void sendUdp(byte[] bytes, InetSocketAddress to) {
        try {
            udp.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
            if (running) {
                stats.errors.incrementAndGet();
            }
        }
    }

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (running) {
                    stats.errors.incrementAndGet();
                }
                continue;
            }
            InetAddress src = s.getInetAddress();
            AtomicInteger n = tcpPerSource.computeIfAbsent(src, k -> new AtomicInteger());
            if (n.incrementAndGet() > MAX_TCP_PER_SOURCE) {
                n.decrementAndGet();
                stats.tcpRejected.incrementAndGet();
                closeQuietly(s);
                continue;
            }
            try {
                tcpPool.execute(() -> {
                    try {
                        serveTcp(s);
                    } finally {
                        if (n.decrementAndGet() <= 0) {
                            tcpPerSource.remove(src, n);
                        }
                        closeQuietly(s);
                    }
                });
            } catch (RejectedExecutionException full) {
                n.decrementAndGet();
                stats.tcpRejected.incrementAndGet();
                closeQuietly(s);
            }
        }
    }

    private void serveTcp(Socket s) {
        long deadline = System.currentTimeMillis() + TCP_CONNECTION_DEADLINE_MS;
        try {
            s.setSoTimeout((int) config.tcpIdleTimeout().toMillis());
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            for (int i = 0; i < MAX_TCP_QUERIES && running && System.currentTimeMillis() < deadline; i++) {
                int len = in.readUnsignedShort();
                byte[] buf = new byte[len];
                in.readFully(buf);
                stats.received.incrementAndGet();
                if (!limiter.tryAcquire(s.getInetAddress(), System.nanoTime())) {
                    stats.rateLimited.incrementAndGet();
                    return;
                }
                QueryHandler.Outcome o = handler.handle(buf, len, s.getInetAddress());
                Message answer;
                if (o instanceof QueryHandler.Reply r) {
                    stats.answered.incrementAndGet();
                    answer = r.message();
                } else if (o instanceof QueryHandler.Forward f) {
                    stats.forwarded.incrementAndGet();
                    long waitMs = config.upstreamTimeout().toMillis() * (Upstreams.MAX + 1);
                    answer = forwarder.forward(f.query(), true).get(waitMs, TimeUnit.MILLISECONDS);
                } else {
                    stats.dropped.incrementAndGet();
                    return; // a response or a runt on TCP: the peer is not a DNS client
                }
                byte[] bytes = QueryHandler.wire(answer, 0, true);
                out.writeShort(bytes.length);
                out.write(bytes);
                out.flush();
            }
        } catch (EOFException | SocketException | java.net.SocketTimeoutException closedOrIdle) {
            // the client went away or idled: normal end of a DNS TCP session
        } catch (Exception e) {
            stats.errors.incrementAndGet();
            LOG.log(Level.DEBUG, "container DNS: TCP session from " + s.getInetAddress() + " ended: " + e);
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        closeSockets();
        for (Thread t : threads) {
            t.interrupt();
        }
        refresher.shutdownNow();
        tcpPool.shutdownNow();
        forwardExecutor.shutdownNow();
    }

    private void closeSockets() {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + (name.endsWith("-0") || name.contains("worker") ? "" : "-" + n.incrementAndGet()));
            t.setDaemon(true);
            return t;
        };
    }
}
