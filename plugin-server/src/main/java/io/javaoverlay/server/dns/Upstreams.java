package io.javaoverlay.server.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolvers that get every query we do not answer: configured ones, or the nameservers of
 * the host's resolv.conf (read in the host's namespace, so a local stub such as systemd-resolved
 * on 127.0.0.53 works). Our own listen address is never an upstream (it would loop).
 */
public final class Upstreams {
    /** Like glibc and Docker, use at most three. */
    public static final int MAX = 3;

    private Upstreams() {
    }

    /** The upstreams for {@code config}: {@link DnsConfig#upstreams()} or those of its resolv.conf. */
    public static List<InetSocketAddress> of(DnsConfig config) {
        List<InetSocketAddress> list = config.upstreams().isEmpty() ? fromResolvConf(config.resolvConf())
                : config.upstreams();
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : list) {
            if (!isSelf(a, config.listen()) && out.size() < MAX && !out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The {@code nameserver} lines of a resolv.conf (port 53); empty when unreadable. */
    public static List<InetSocketAddress> fromResolvConf(Path file) {
        List<InetSocketAddress> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                String host = f[1];
                int zone = host.indexOf('%');
                if (zone >= 0) {
                    host = host.substring(0, zone); // link-local zones need an interface we cannot name here
                }
                try {
                    out.add(new InetSocketAddress(NameRecord.literal(host), DnsConfig.DNS_PORT));
                } catch (IllegalArgumentException notAnAddress) {
                    // resolv.conf with garbage: skip the line, as glibc does
                }
            }
        }
        return out;
    }

    private static boolean isSelf(InetSocketAddress upstream, InetSocketAddress listen) {
        if (upstream.getPort() != listen.getPort()) {
            return false;
        }
        InetAddress l = listen.getAddress();
        return upstream.getAddress().equals(l) || l.isAnyLocalAddress() && isLocal(upstream.getAddress());
    }

    private static boolean isLocal(InetAddress a) {
        try {
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}
