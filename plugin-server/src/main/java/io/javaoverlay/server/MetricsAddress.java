package io.javaoverlay.server;

import java.util.Objects;

/** A TCP listen address, {@code HOST:PORT} or {@code [IPv6]:PORT} ({@link DaemonConfig#metricsAddr()}). */
public record MetricsAddress(String host, int port) {
    public MetricsAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("--metrics-addr needs a host, e.g. 127.0.0.1:9477");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--metrics-addr port " + port + " out of range 1..65535");
        }
    }

    /** Parses {@code HOST:PORT}, {@code [V6]:PORT}. */
    static MetricsAddress parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("--metrics-addr '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:9477");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("--metrics-addr '" + text + "': write an IPv6 address as [ADDR]:PORT");
        }
        try {
            return new MetricsAddress(host, Integer.parseInt(t.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics-addr '" + text + "': the port is not a number");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
