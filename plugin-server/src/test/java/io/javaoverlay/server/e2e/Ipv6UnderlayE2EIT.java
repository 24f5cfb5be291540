package io.javaoverlay.server.e2e;

/**
 * {@link DualStackBumSuite} on two Docker 26 hosts whose underlay is IPv6 only ({@code testbed up
 * --underlay6}; the plugin's {@code --advertise-addr} is the host's fd00:198:18::(10+i)): the VTEPs,
 * FDB destinations and flood entries are IPv6, the container MTU is the underlay's 1400 minus 70, and
 * the cross-host tests (create once and present everywhere, ping and ping6, TCP, DF sizes, release,
 * BUM, removal everywhere) pass as on IPv4. With two hosts, "every other host" is h2.
 */
class Ipv6UnderlayE2EIT extends DualStackBumSuite {

    @Override
    Testbed.DockerVersion dockerVersion() {
        return Testbed.DockerVersion.V26;
    }

    @Override
    Testbed.Underlay underlay() {
        return Testbed.Underlay.IPV6;
    }

    @Override
    int hostCount() {
        return 2;
    }
}
