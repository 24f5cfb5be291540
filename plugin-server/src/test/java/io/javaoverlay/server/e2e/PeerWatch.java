package io.javaoverlay.server.e2e;

import io.javaoverlay.server.e2e.OverlayProbe.Peer;
import io.javaoverlay.server.e2e.OverlayProbe.Tables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samples, about once a second on every given host, whether the host still programs each other
 * host's peers ({@link Tables#programs}), until {@link #stop()}. Every sample where an entry is
 * missing is recorded with its time since the start, so a test can assert that no peer was ever
 * withdrawn while something was wrong with the store.
 */
final class PeerWatch implements AutoCloseable {

    private final Testbed tb;
    private final List<String> hosts;
    private final List<Peer> peers;
    private final List<String> lost = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private final long t0 = System.nanoTime();
    private volatile boolean running = true;
    private volatile int samples;

    private PeerWatch(Testbed tb, List<String> hosts, List<Peer> peers) {
        this.tb = tb;
        this.hosts = List.copyOf(hosts);
        this.peers = List.copyOf(peers);
        this.thread = new Thread(this::loop, "peer-watch");
        thread.setDaemon(true);
    }

    /** Starts sampling {@code hosts} for {@code peers} (each host is checked for the peers of other hosts). */
    static PeerWatch start(Testbed tb, List<String> hosts, List<Peer> peers) {
        PeerWatch w = new PeerWatch(tb, hosts, peers);
        w.thread.start();
        return w;
    }

    private void loop() {
        while (running) {
            long start = System.nanoTime();
            for (String h : hosts) {
                try {
                    Tables t = OverlayProbe.tables(tb, h);
                    List<Peer> missing = OverlayProbe.missingPeers(t, peers);
                    if (!missing.isEmpty()) {
                        lost.add(String.format("t=%.1fs %s lacks %s", seconds(), h, missing));
                    }
                } catch (RuntimeException e) {
                    errors.add(String.format("t=%.1fs %s: %s", seconds(), h, e.getMessage()));
                }
            }
            samples++;
            long left = 1000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Stops sampling and returns the samples in which a peer entry was missing (empty: none ever was). */
    List<String> stop() {
        running = false;
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(lost);
    }

    /** Number of sampling rounds done (each covers every host). */
    int samples() {
        return samples;
    }

    /** Samples that could not be read (exec failures), for messages. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        running = false;
    }
}
