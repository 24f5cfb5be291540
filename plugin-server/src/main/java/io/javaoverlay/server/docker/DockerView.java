package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This host's Docker as javaoverlay needs it, always current, fed only by the Engine API on its own
 * thread (never from a plugin handler: dockerd may be waiting for that handler).
 *
 * <p><b>How it stays current.</b> The thread subscribes to {@code GET /events} (network
 * connect/disconnect/create/destroy, container start/die/destroy/rename/health_status) and, once the
 * subscription is answered, lists everything: {@code GET /networks?filters=driver}, {@code GET /networks/ID}
 * of each, {@code GET /containers/ID/json} of each local container. Subscribing first means no event
 * falls between the listing and the stream. Each event then re-reads only the object it names (the
 * container, or a network of our driver not seen yet), so events applied out of order still end at
 * Docker's current state. The whole listing is repeated every {@code resync} (so a missed event is
 * repaired), and after every reconnect; a broken stream or a failed call reconnects with backoff
 * (250 ms doubling to 5 s).
 *
 * <p><b>Complete or not.</b> A snapshot is {@link Snapshot#complete() complete} only after a successful
 * listing with the stream up; any failure publishes the last contents as incomplete until the next
 * successful listing. Consumers must not judge (delete, release) from an incomplete snapshot.
 *
 * <p><b>Scope.</b> Only local endpoints: Docker 20.10 with a cluster store also lists remote endpoints as
 * {@code ep-<id>} entries of a global network; they are left out.
 */
public final class DockerView implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DockerView.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * Settings.
     *
     * @param socket      dockerd's API socket ({@link DockerClient#socketFor})
     * @param driver      the network driver whose networks are watched (default {@code javaoverlay})
     * @param resync      period of the full listing (default 30 s)
     * @param callTimeout bound on one API call, and on the events stream's response headers (default 10 s)
     */
    public record Settings(Path socket, String driver, Duration resync, Duration callTimeout) {
        public static final String DEFAULT_DRIVER = "javaoverlay";

        public Settings {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(driver, "driver");
            if (driver.isBlank()) {
                throw new IllegalArgumentException("driver name is empty");
            }
            if (resync.isNegative() || resync.isZero() || callTimeout.isNegative() || callTimeout.isZero()) {
                throw new IllegalArgumentException("resync and callTimeout must be positive");
            }
        }

        /** Driver {@code javaoverlay}, resync 30 s, calls bounded by 10 s. */
        public static Settings defaults(Path socket) {
            return new Settings(socket, DEFAULT_DRIVER, Duration.ofSeconds(30), Duration.ofSeconds(10));
        }
    }

    /**
     * An immutable view of this host's Docker.
     *
     * @param generation increases with every published change (0: nothing read yet)
     * @param takenAt    when this version was built
     * @param complete   true after a successful listing with the events stream up; judge only then
     * @param networks   networks of the driver, by network ID, with their local endpoints
     * @param containers local containers with an endpoint on one of them, by container ID
     */
    public record Snapshot(long generation, Instant takenAt, boolean complete, Map<String, LocalNetwork> networks,
                           Map<String, LocalContainer> containers) {
        public Snapshot {
            networks = Map.copyOf(networks);
            containers = Map.copyOf(containers);
        }

        /** A network by ID. */
        public Optional<LocalNetwork> network(String id) {
            return Optional.ofNullable(networks.get(id));
        }

        /** An endpoint by network and endpoint ID. */
        public Optional<LocalEndpoint> endpoint(String networkId, String endpointId) {
            return network(networkId).map(n -> n.endpoints().get(endpointId));
        }

        boolean sameAs(boolean c, Map<String, LocalNetwork> n, Map<String, LocalContainer> k) {
            return complete == c && networks.equals(n) && containers.equals(k);
        }
    }

    /** Told about every new snapshot, on the view's thread; must not block for long. */
    @FunctionalInterface
    public interface Listener {
        void changed(Snapshot snapshot);
    }

    private final Settings settings;
    private final EngineReader reader;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean relistRequested = new AtomicBoolean();
    private final Object wait = new Object();
    // Only the view thread touches these two.
    private final Map<String, EngineReader.NetworkInfo> networks = new HashMap<>();
    private final Map<String, EngineReader.ContainerInfo> containers = new HashMap<>();
    private volatile Snapshot snapshot = new Snapshot(0, Instant.EPOCH, false, Map.of(), Map.of());
    private volatile UnixHttpStream stream;
    private volatile boolean closed;
    private Thread thread;
    private String problem;

    /** A view of the dockerd at {@code settings.socket()}; {@link #start()} starts it. */
    public DockerView(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    DockerView(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.reader = new EngineReader(new UnixHttpClient(settings.socket(), settings.callTimeout()), settings.driver());
        this.clock = clock;
    }

    /** Starts the view's thread; returns at once (dockerd may not answer yet). */
    public synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::run, "jo-docker-view");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** The current snapshot (never null; generation 0 and incomplete before the first listing). */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Adds a listener, called on the view's thread with each new snapshot. */
    public void addListener(Listener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
    }

    /** Removes a listener. */
    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Asks for a full listing soon (e.g. after this host created a network). Any thread; never blocks. */
    public void relist() {
        relistRequested.set(true);
        wakeUp();
    }

    private void wakeUp() {
        UnixHttpStream s = stream;
        if (s != null) {
            s.wakeup();
        }
        synchronized (wait) {
            wait.notifyAll();
        }
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            try (UnixHttpStream events = UnixHttpStream.open(settings.socket(), eventsPath(), settings.callTimeout())) {
                stream = events;
                listAll();
                if (problem != null) {
                    LOG.log(Level.INFO, "Docker view of " + settings.socket() + " is complete again: " + summary());
                    problem = null;
                }
                backoff = FIRST_BACKOFF;
                long nextList = System.nanoTime() + settings.resync().toNanos();
                while (!closed) {
                    long left = nextList - System.nanoTime();
                    if (left <= 0 || relistRequested.getAndSet(false)) {
                        listAll();
                        nextList = System.nanoTime() + settings.resync().toNanos();
                        continue;
                    }
                    Optional<String> line = events.readLine(Duration.ofNanos(left));
                    if (line.isPresent() && !line.get().isBlank()) {
                        onEvent(line.get());
                    }
                }
            } catch (IOException | RuntimeException e) {
                stream = null;
                if (closed) {
                    break;
                }
                publish(false);
                String why = (e instanceof RuntimeException ? "unexpected: " : "") + e.getMessage();
                if (!why.equals(problem)) {
                    LOG.log(e instanceof RuntimeException ? Level.ERROR : Level.WARNING, "Docker view of "
                            + settings.socket() + " is incomplete (" + why + "); nothing is judged from it until it is"
                            + " listed again; retrying up to every " + MAX_BACKOFF.toSeconds() + " s");
                    problem = why;
                }
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private String eventsPath() {
        String filters = "{\"type\":[\"network\",\"container\"],\"event\":[\"connect\",\"disconnect\",\"create\","
                + "\"destroy\",\"start\",\"die\",\"rename\",\"health_status\"]}";
        return "/events?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8);
    }

    /** The full listing; replaces everything and publishes a complete snapshot. */
    private void listAll() throws IOException {
        Map<String, EngineReader.NetworkInfo> nets = new HashMap<>();
        Map<String, EngineReader.ContainerInfo> cons = new HashMap<>();
        for (String id : reader.networkIds()) {
            reader.network(id).ifPresent(n -> nets.put(id, n));
        }
        for (EngineReader.NetworkInfo n : nets.values()) {
            for (String cid : n.containerIds()) {
                if (!cons.containsKey(cid)) {
                    reader.container(cid).ifPresent(c -> cons.put(cid, c));
                }
            }
        }
        networks.clear();
        networks.putAll(nets);
        containers.clear();
        containers.putAll(cons);
        publish(true);
    }

    /** Applies one event by re-reading what it names; the snapshot stays complete. */
    private void onEvent(String line) throws IOException {
        JsonNode ev = JSON.readTree(line);
        String type = ev.path("Type").asText();
        String action = ev.path("Action").asText();
        String id = ev.path("Actor").path("ID").asText();
        JsonNode attrs = ev.path("Actor").path("Attributes");
        if (type.equals("network")) {
            boolean ours = settings.driver().equals(attrs.path("type").asText()) || networks.containsKey(id);
            String cid = attrs.path("container").asText("");
            switch (action) {
                case "create" -> {
                    if (ours) {
                        refreshNetwork(id);
                    }
                }
                case "destroy" -> networks.remove(id);
                case "connect", "disconnect" -> {
                    if (ours && !networks.containsKey(id)) {
                        refreshNetwork(id); // e.g. a global network created on another host
                    } else if ((ours || containers.containsKey(cid)) && !cid.isEmpty()) {
                        refreshContainer(cid); // other drivers matter for a container of ours (docker_gwbridge)
                    }
                }
                default -> { }
            }
        } else if (type.equals("container") && (containers.containsKey(id) || action.equals("start"))) {
            // A starting container may not have shown its endpoint yet when its connect event was read.
            if (action.equals("destroy")) {
                containers.remove(id);
            } else {
                refreshContainer(id); // start, die, rename, health_status: re-read it
            }
        }
        publish(true);
    }

    private void refreshNetwork(String id) throws IOException {
        Optional<EngineReader.NetworkInfo> n = reader.network(id);
        if (n.isEmpty()) {
            networks.remove(id);
            return;
        }
        networks.put(id, n.get());
        for (String cid : n.get().containerIds()) {
            refreshContainer(cid);
        }
    }

    private void refreshContainer(String cid) throws IOException {
        Optional<EngineReader.ContainerInfo> c = reader.container(cid);
        if (c.isPresent() && c.get().endpointsByNetwork().keySet().stream().anyMatch(networks::containsKey)) {
            containers.put(cid, c.get());
        } else {
            containers.remove(cid);
        }
    }

    /** Builds the snapshot from the maps and, if anything differs, publishes it and tells the listeners. */
    private void publish(boolean complete) {
        Map<String, LocalNetwork> nets = new TreeMap<>();
        Map<String, LocalContainer> cons = new TreeMap<>();
        for (EngineReader.NetworkInfo n : networks.values()) {
            Map<String, LocalEndpoint> eps = new TreeMap<>();
            for (EngineReader.ContainerInfo c : containers.values()) {
                LocalEndpoint ep = c.endpointsByNetwork().get(n.network().id());
                if (ep != null) {
                    eps.put(ep.endpointId(), ep);
                    cons.put(c.container().id(), c.container());
                }
            }
            nets.put(n.network().id(), n.network().withEndpoints(eps));
        }
        Snapshot old = snapshot;
        if (old.generation() > 0 && old.sameAs(complete, nets, cons)) {
            return;
        }
        Snapshot s = new Snapshot(old.generation() + 1, clock.instant(), complete, nets, cons);
        snapshot = s;
        for (Listener l : listeners) {
            try {
                l.changed(s);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Docker view listener " + l + " failed", e);
            }
        }
    }

    private String summary() {
        Snapshot s = snapshot;
        return s.networks().size() + " " + settings.driver() + " network(s), "
                + s.networks().values().stream().mapToInt(n -> n.endpoints().size()).sum() + " local endpoint(s)";
    }

    private void pause(Duration d) {
        synchronized (wait) {
            if (closed || relistRequested.get()) {
                return;
            }
            try {
                wait.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the thread and closes the stream (bounded: at most one API call's timeout). */
    @Override
    public void close() {
        closed = true;
        wakeUp();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            // No interrupt: an API call in progress ends within its timeout, and the thread is a daemon.
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
