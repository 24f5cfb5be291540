package io.javaoverlay.server.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the container-name resolver. Off unless the operator names a listen address
 * ({@code --dns-addr IP[:PORT]}); Docker always forwards to port 53, so other ports are for tests.
 *
 * @param listen              address to serve UDP and TCP on; a host address that containers reach through their
 *                            default route (e.g. the advertise address), named as {@code "dns"} in daemon.json
 * @param upstreams           resolvers for every name we do not hold; empty = the nameservers of {@code resolvConf}
 * @param resolvConf          the host's resolv.conf, read when {@code upstreams} is empty
 * @param ttl                 TTL of our answers, seconds (0 = do not cache: a removed container stops resolving at once)
 * @param udpQueue            UDP queries waiting for a worker; more are dropped (the client retries)
 * @param workers             threads answering queries
 * @param perSourceRate       queries per second one source address may send (token bucket refill)
 * @param perSourceBurst      bucket size
 * @param maxForwards         forwarded queries in flight at once; beyond it queries get REFUSED
 * @param upstreamTimeout     time one upstream has to answer before the next is tried
 * @param maxTcpConnections   concurrent TCP connections; more are closed at once
 * @param tcpIdleTimeout      a TCP connection idle this long is closed
 */
public record DnsConfig(InetSocketAddress listen, List<InetSocketAddress> upstreams, Path resolvConf, int ttl,
                        int udpQueue, int workers, int perSourceRate, int perSourceBurst, int maxForwards,
                        Duration upstreamTimeout, int maxTcpConnections, Duration tcpIdleTimeout) {

    /** Docker forwards to this port only (moby resolver: {@code defaultPort = "53"}). */
    public static final int DNS_PORT = 53;

    public DnsConfig {
        Objects.requireNonNull(listen, "listen");
        upstreams = List.copyOf(upstreams == null ? List.of() : upstreams);
        resolvConf = resolvConf == null ? Path.of("/etc/resolv.conf") : resolvConf;
        requireRange(ttl, 0, 86_400, "ttl");
        requireRange(udpQueue, 1, 1 << 20, "udpQueue");
        requireRange(workers, 1, 64, "workers");
        requireRange(perSourceRate, 1, 1_000_000, "perSourceRate");
        requireRange(perSourceBurst, 1, 1_000_000, "perSourceBurst");
        requireRange(maxForwards, 1, 65_536, "maxForwards");
        requireRange(maxTcpConnections, 1, 4096, "maxTcpConnections");
        Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
    }

    /** Defaults for {@code listen}: upstreams from /etc/resolv.conf, TTL 0, 2 workers, 500 q/s per source. */
    public static DnsConfig defaults(InetSocketAddress listen) {
        return new DnsConfig(listen, List.of(), Path.of("/etc/resolv.conf"), 0, 4096, 2, 500, 1000, 256,
                Duration.ofSeconds(2), 64, Duration.ofSeconds(5));
    }

    /** This config with explicit upstream resolvers. */
    public DnsConfig withUpstreams(List<InetSocketAddress> servers) {
        return new DnsConfig(listen, servers, resolvConf, ttl, udpQueue, workers, perSourceRate, perSourceBurst,
                maxForwards, upstreamTimeout, maxTcpConnections, tcpIdleTimeout);
    }

    /** This config with other per-source limits. */
    public DnsConfig withRateLimit(int rate, int burst) {
        return new DnsConfig(listen, upstreams, resolvConf, ttl, udpQueue, workers, rate, burst,
                maxForwards, upstreamTimeout, maxTcpConnections, tcpIdleTimeout);
    }

    /** This config with another upstream timeout and forward cap. */
    public DnsConfig withForwarding(Duration timeout, int inFlight) {
        return new DnsConfig(listen, upstreams, resolvConf, ttl, udpQueue, workers, perSourceRate, perSourceBurst,
                inFlight, timeout, maxTcpConnections, tcpIdleTimeout);
    }

    /**
     * Parses {@code IP}, {@code IP:PORT}, {@code [IPv6]} or {@code [IPv6]:PORT} (port 53 when
     * absent). Only literals: a listen address must not depend on DNS.
     *
     * @throws IllegalArgumentException naming the text and the problem
     */
    public static InetSocketAddress parseAddress(String text) {
        String s = Objects.requireNonNull(text, "address").trim();
        String host = s;
        int port = DNS_PORT;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("DNS address '" + text + "': missing ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("DNS address '" + text + "': expected ':PORT' after ']'");
                }
                port = parsePort(rest.substring(1), text);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(s.substring(s.indexOf(':') + 1), text);
        }
        InetAddress a;
        try {
            a = NameRecord.literal(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DNS address '" + text + "': '" + host + "' is not an IP address");
        }
        return new InetSocketAddress(a, port);
    }

    /** Parses a comma-separated list of {@link #parseAddress} forms; blank gives an empty list. */
    public static List<InetSocketAddress> parseAddresses(String text) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parseAddress(part));
            }
        }
        return out;
    }

    private static int parsePort(String p, String text) {
        try {
            int port = Integer.parseInt(p);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new IllegalArgumentException("DNS address '" + text + "': port '" + p + "' is not 1-65535");
    }

    private static void requireRange(int v, int lo, int hi, String what) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException("DNS " + what + " must be " + lo + ".." + hi + ", got " + v);
        }
    }
}
