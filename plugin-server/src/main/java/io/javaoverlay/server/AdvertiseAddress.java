package io.javaoverlay.server;

import io.javaoverlay.types.IpAddress;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Resolves {@code --advertise-addr}: a literal IP, an interface name (its first IPv4 address), or,
 * when absent, the interface of the IPv4 default route (read from {@code /proc/net/route}, like
 * {@code ip -4 route show default}).
 */
public final class AdvertiseAddress {
    private AdvertiseAddress() {
    }

    /**
     * @throws IllegalStateException with a message naming what could not be found
     */
    public static IpAddress resolve(Optional<String> configured, Path procNetRoute) {
        if (configured.isPresent()) {
            String v = configured.get().trim();
            if (v.matches("[0-9.]+") || v.contains(":")) {
                try {
                    return IpAddress.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("--advertise-addr '" + v + "' is not a valid IP address");
                }
            }
            return firstIpv4(v).orElseThrow(() -> new IllegalStateException(
                    "--advertise-addr interface '" + v + "' does not exist or has no IPv4 address"));
        }
        String iface = defaultRouteInterface(procNetRoute).orElseThrow(() -> new IllegalStateException(
                "no IPv4 default route to pick the advertise address from; set --advertise-addr"));
        return firstIpv4(iface).orElseThrow(() -> new IllegalStateException(
                "default-route interface " + iface + " has no IPv4 address; set --advertise-addr"));
    }

    /** The interface of the first {@code 0.0.0.0/0} entry in a {@code /proc/net/route} table. */
    static Optional<String> defaultRouteInterface(Path procNetRoute) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procNetRoute);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
            if (f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000")) {
                return Optional.of(f[0]);
            }
        }
        return Optional.empty();
    }

    private static Optional<IpAddress> firstIpv4(String iface) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(iface);
            if (ni == null) {
                return Optional.empty();
            }
            return ni.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst().map(IpAddress::of);
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
