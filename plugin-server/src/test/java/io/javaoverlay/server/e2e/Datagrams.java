package io.javaoverlay.server.e2e;

import java.time.Duration;
import java.util.Locale;

/**
 * UDP senders and receivers in testbed containers, with the test image's socat: a receiver writes
 * what it gets to {@code /tmp/rx-PORT} in its container; a sender sends one datagram (its text is a
 * marker the test looks for, also in underlay captures).
 *
 * <p>Senders bind to {@code eth0} (the overlay interface): the container's default route leads to
 * Docker's {@code docker_gwbridge} ({@code eth1}), so without it 255.255.255.255 and IPv4 multicast
 * would leave by eth1 and never reach the overlay (subnet-directed broadcast would, by the connected
 * route).
 */
final class Datagrams {

    private Datagrams() {
    }

    /** {@code socat -u UDP4-RECV:PORT -}: receives broadcast and unicast datagrams to PORT. */
    static void receiveIpv4(Testbed tb, String host, String container, int port) {
        startReceiver(tb, host, container, port, "UDP4-RECV:" + port);
    }

    /** {@code socat -u UDP4-RECV:PORT,ip-add-membership=GROUP:eth0 -}: joins GROUP on eth0. */
    static void receiveIpv4Multicast(Testbed tb, String host, String container, String group, int port) {
        startReceiver(tb, host, container, port, "UDP4-RECV:" + port + ",ip-add-membership=" + group + ":eth0");
    }

    /** {@code socat -u UDP6-RECV:PORT,ipv6-join-group=[GROUP]:eth0 -}: joins the IPv6 group on eth0. */
    static void receiveIpv6Multicast(Testbed tb, String host, String container, String group, int port) {
        startReceiver(tb, host, container, port, "UDP6-RECV:" + port + ",ipv6-join-group=[" + group + "]:eth0");
    }

    /** {@code socat -u UDP6-RECV:PORT -}: receives IPv6 unicast datagrams to PORT. */
    static void receiveIpv6(Testbed tb, String host, String container, int port) {
        startReceiver(tb, host, container, port, "UDP6-RECV:" + port);
    }

    private static void startReceiver(Testbed tb, String host, String container, int port, String address) {
        tb.dockerOk(host, "exec", "-d", container, "sh", "-c", "socat -u " + address + " - > /tmp/rx-" + port);
        String hex = String.format(Locale.ROOT, ":%04X ", port);
        OverlayProbe.await(Duration.ofSeconds(10), "receiver on port " + port + " in " + container + " on " + host, () -> {
            Testbed.Result r = tb.docker(host, "exec", container, "cat", "/proc/net/udp", "/proc/net/udp6");
            return r.ok() && r.stdout().contains(hex) ? java.util.Optional.empty()
                    : java.util.Optional.of("port not bound: " + r.stdout());
        });
    }

    /** What the receiver on {@code port} got so far ("" for nothing). */
    static String received(Testbed tb, String host, String container, int port) {
        Testbed.Result r = tb.docker(host, "exec", container, "cat", "/tmp/rx-" + port);
        return r.ok() ? r.stdout() : "";
    }

    /** One datagram {@code marker} to an IPv4 broadcast address (SO_BROADCAST), out of eth0. */
    static void sendIpv4Broadcast(Testbed tb, String host, String container, String address, int port, String marker) {
        send(tb, host, container, marker, "UDP4-DATAGRAM:" + address + ":" + port + ",broadcast,so-bindtodevice=eth0");
    }

    /** One datagram to an IPv4 group (TTL 2), out of eth0. */
    static void sendIpv4Multicast(Testbed tb, String host, String container, String group, int port, String marker) {
        send(tb, host, container, marker,
                "UDP4-DATAGRAM:" + group + ":" + port + ",ip-multicast-ttl=2,so-bindtodevice=eth0");
    }

    /** One datagram to an IPv6 group, out of eth0. */
    static void sendIpv6Multicast(Testbed tb, String host, String container, String group, int port, String marker) {
        send(tb, host, container, marker, "UDP6-DATAGRAM:[" + group + "]:" + port + ",so-bindtodevice=eth0");
    }

    /** One unicast datagram to {@code address} (IPv4 or IPv6). */
    static void sendUnicast(Testbed tb, String host, String container, String address, int port, String marker) {
        boolean v6 = address.contains(":");
        send(tb, host, container, marker, (v6 ? "UDP6-DATAGRAM:[" + address + "]" : "UDP4-DATAGRAM:" + address) + ":" + port);
    }

    private static void send(Testbed tb, String host, String container, String marker, String address) {
        tb.dockerOk(host, "exec", container, "sh", "-c", "echo " + marker + " | socat -u - " + address);
    }
}
