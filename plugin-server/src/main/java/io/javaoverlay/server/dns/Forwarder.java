package io.javaoverlay.server.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Semaphore;

/**
 * Relays queries we do not answer to the upstream resolvers with dnsjava's asynchronous
 * {@link SimpleResolver} (one shared NIO selector thread; no thread per query). Upstreams are
 * tried in order, the next one on a time-out, SERVFAIL or REFUSED, as Docker's embedded resolver
 * does. At most {@code maxInFlight} queries are out at once; beyond that the client gets
 * REFUSED at once instead of queueing behind a slow upstream.
 *
 * <p>The upstream sees a fresh random query ID (not the client's, which another client may be
 * using at the same moment); the answer gets the client's ID back. Queries go out as the client
 * sent them (no EDNS added), and truncated UDP answers are relayed truncated, so the client's
 * retry over TCP is forwarded over TCP.
 */
final class Forwarder {
    private volatile List<Upstream> upstreams;
    private final Duration timeout;
    private final Semaphore inFlight;
    private final Executor executor;
    final AtomicLong upstreamFailures = new AtomicLong();
    final AtomicLong overCap = new AtomicLong();

    private record Upstream(InetSocketAddress address, SimpleResolver udp, SimpleResolver tcp) {
    }

    Forwarder(List<InetSocketAddress> servers, Duration timeout, int maxInFlight, Executor executor) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.inFlight = new Semaphore(maxInFlight);
        this.executor = Objects.requireNonNull(executor, "executor");
        setUpstreams(servers);
    }

    /** Replaces the upstream list (e.g. after resolv.conf changed). */
    void setUpstreams(List<InetSocketAddress> servers) {
        List<Upstream> list = new ArrayList<>();
        for (InetSocketAddress a : servers) {
            list.add(new Upstream(a, resolver(a, false), resolver(a, true)));
        }
        upstreams = List.copyOf(list);
    }

    /**
     * Starts dnsjava's NIO selector thread with one exchange against a throw-away loopback socket
     * that echoes the query back as an answer. On the testbed, the very first forwarded queries of
     * a JVM (an A and an AAAA sent together while the machine was loaded) once lost the second
     * one to a time-out; dnsjava has had start-up races in its NIO client (dnsjava#104), so the
     * selector is started before real traffic arrives.
     */
    static void warmUp(Duration timeout) {
        try (java.net.DatagramSocket echo = new java.net.DatagramSocket(
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
            echo.setSoTimeout((int) timeout.toMillis());
            SimpleResolver r = new SimpleResolver((InetSocketAddress) echo.getLocalSocketAddress());
            r.setTimeout(timeout);
            r.setEDNS(-1);
            CompletableFuture<Message> f = r.sendAsync(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.root, org.xbill.DNS.Type.NS, org.xbill.DNS.DClass.IN))).toCompletableFuture();
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[512], 512);
            echo.receive(p);
            p.getData()[2] |= (byte) 0x80; // the same bytes as a response
            echo.send(new java.net.DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // a warm-up only: real queries work without it, just with the start-up race
        }
    }

    List<InetSocketAddress> upstreams() {
        return upstreams.stream().map(Upstream::address).toList();
    }

    private SimpleResolver resolver(InetSocketAddress a, boolean tcp) {
        SimpleResolver r = new SimpleResolver(a);
        r.setTimeout(timeout);
        r.setTCP(tcp);
        r.setIgnoreTruncation(true);
        r.setEDNS(-1); // forward the client's query as it is; its own OPT (if any) sets the answer size
        return r;
    }

    /**
     * The answer for {@code clientQuery}, carrying the client's ID: an upstream's answer,
     * SERVFAIL when every upstream failed (or there is none), REFUSED when too many queries are
     * in flight. Never completes exceptionally.
     */
    CompletableFuture<Message> forward(Message clientQuery, boolean tcp) {
        List<Upstream> list = upstreams;
        if (list.isEmpty()) {
            return CompletableFuture.completedFuture(QueryHandler.servfail(clientQuery));
        }
        if (!inFlight.tryAcquire()) {
            overCap.incrementAndGet();
            return CompletableFuture.completedFuture(QueryHandler.refused(clientQuery));
        }
        CompletableFuture<Message> result = new CompletableFuture<>();
        result.whenComplete((m, e) -> inFlight.release());
        attempt(clientQuery, tcp, list, 0, result);
        return result;
    }

    private void attempt(Message clientQuery, boolean tcp, List<Upstream> list, int i, CompletableFuture<Message> result) {
        if (i >= list.size()) {
            result.complete(QueryHandler.servfail(clientQuery));
            return;
        }
        Upstream u = list.get(i);
        Message out = clientQuery.clone();
        out.getHeader().setID(ThreadLocalRandom.current().nextInt(0x10000));
        CompletableFuture<Message> sent;
        try {
            sent = (tcp ? u.tcp() : u.udp()).sendAsync(out, executor).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((resp, err) -> {
            if (err == null && resp != null && resp.getRcode() != Rcode.SERVFAIL && resp.getRcode() != Rcode.REFUSED) {
                resp.getHeader().setID(clientQuery.getHeader().getID());
                result.complete(resp);
            } else {
                upstreamFailures.incrementAndGet();
                attempt(clientQuery, tcp, list, i + 1, result);
            }
        });
    }

    /** Queries in flight now. */
    int inFlight(int max) {
        return max - inFlight.availablePermits();
    }
}
