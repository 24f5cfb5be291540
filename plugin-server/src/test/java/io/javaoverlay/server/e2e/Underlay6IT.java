package io.javaoverlay.server.e2e;

import io.javaoverlay.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code testbed up --underlay6}: two Docker 26 hosts whose underlay (eth0) has IPv6 addresses only
 * (fd00:198:18::/64, MTU 1400), reaching each other and Consul on fd00:198:18::1 over IPv6, with
 * dockerd and IPv4 containers working as in the IPv4 testbed; consul-partition works there too.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
class Underlay6IT {

    private static Testbed tb;

    @BeforeAll
    static void up() {
        Testbed.require();
        Requirements.require(Requirements.onPath("nft"), "nft on PATH (package nftables; consul-partition uses it)");
        tb = Testbed.up(2, Testbed.DockerVersion.V26, true, Testbed.Underlay.IPV6);
    }

    @AfterAll
    static void down() {
        if (tb != null) {
            tb.close();
        }
    }

    @Test
    void hostsHaveOnlyIpv6UnderlayAddressesAndReachEachOtherAndConsulOverIpv6() {
        assertEquals("[fd00:198:18::1]:8500", tb.consulAddress());
        assertEquals("fd00:198:18::11", tb.underlayIp("h1"));
        for (String h : tb.hostNames()) {
            String v4 = tb.exec(h, "ip", "-4", "-o", "addr", "show", "dev", "eth0").requireOk().stdout();
            assertEquals("", v4.strip(), h + " eth0 must have no IPv4 address");
            String v6 = tb.exec(h, "ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global").requireOk().stdout();
            assertTrue(v6.contains("inet6 " + Testbed.hostIp6(h) + "/64"), h + " eth0: " + v6);
            String link = tb.exec(h, "ip", "-o", "link", "show", "dev", "eth0").requireOk().stdout();
            assertTrue(link.contains(" mtu 1400 "), h + " eth0 must have MTU 1400: " + link);
            assertEquals("", tb.exec(h, "ip", "-4", "route", "show", "default").requireOk().stdout().strip(),
                    h + " has no IPv4 default route");
        }
        Testbed.Result ping = tb.exec("h1", "ping", "-c", "1", "-W", "2", Testbed.hostIp6("h2"));
        assertTrue(ping.ok(), "h1 -> h2 over the IPv6 underlay: " + ping.describe());
        assertFalse(tb.exec("h1", "ping", "-c", "1", "-W", "1", "198.18.0.12").ok(), "no IPv4 underlay");

        Testbed.Result leader = tb.exec("h2", "curl", "-sS", "-m", "5", "http://" + tb.consulAddress() + "/v1/status/leader");
        assertTrue(leader.ok() && leader.stdout().contains("[fd00:198:18::1]:8300"),
                "Consul answers over IPv6 and runs on its v6 address: " + leader.describe());
    }

    @Test
    void dockerdAndIpv4ContainersWorkOnAnIpv6Underlay() {
        String version = tb.dockerOk("h1", "version", "--format", "{{.Server.Version}}");
        assertTrue(version.startsWith("26."), "Docker " + version);
        String ip = tb.dockerOk("h1", "run", "--rm", OverlayProbe.IMAGE, "hostname", "-i");
        assertTrue(ip.startsWith("198.19.1."), "container on h1's IPv4 docker0 (198.19.1.0/24): " + ip);
    }

    @Test
    void consulPartitionCutsTheIpv6PathToo() {
        tb.consulPartition("h1", true);
        try {
            Testbed.Result cut = tb.exec("h1", "curl", "-sS", "-m", "2", "http://" + tb.consulAddress() + "/v1/status/leader");
            assertEquals(28, cut.exitCode(), "h1's request to Consul must hang: " + cut.describe());
            assertTrue(tb.exec("h1", "ping", "-c", "1", "-W", "2", Testbed.hostIp6("h2")).ok(), "h1 still pings h2");
        } finally {
            tb.consulPartition("h1", false);
        }
    }
}
