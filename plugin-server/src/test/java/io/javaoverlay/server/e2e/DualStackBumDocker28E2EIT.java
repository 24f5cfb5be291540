package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link DualStackBumSuite} on three Docker 28 hosts, plus what only Docker 28 allows: an IPv6-only
 * network ({@code --ipv4=false}, protocol doc E23: no IPv4 pool, {@code Interface.Address} empty,
 * IPAM asked for {@code V6: true} only) created once and used across hosts.
 */
class DualStackBumDocker28E2EIT extends DualStackBumSuite {

    @Override
    Testbed.DockerVersion dockerVersion() {
        return Testbed.DockerVersion.V28;
    }

    @Test
    @Order(8)
    void ipv6OnlyNetworkIsEverywhereAndContainersPing6AcrossHosts() {
        String net = "v6only";
        Map<String, String> containers = new TreeMap<>();
        try {
            createEverywhere(net, "--ipv4=false", "--ipv6", "--subnet", "fd00:142::/64");
            for (String h : tb.hostNames()) {
                assertEquals("false true fd00:142::/64", tb.dockerOk(h, "network", "inspect", "-f",
                        "{{.EnableIPv4}} {{.EnableIPv6}} {{range .IPAM.Config}}{{.Subnet}}{{end}}", net), "network on " + h);
            }
            for (String h : List.of("h1", "h2")) {
                run(h, "v6only-" + h, net);
                containers.put(h, "v6only-" + h);
                assertEquals("", v4(h, "v6only-" + h, net), "no IPv4 address on an IPv6-only network");
            }
            String target = v6("h2", "v6only-h2", net);
            assertTrue(target.startsWith("fd00:142:"), target);
            pingUntilAnswered("h1", "v6only-h1", target);
            pingUntilAnswered("h2", "v6only-h2", v6("h1", "v6only-h1", net));
        } finally {
            removeEverywhere(net, containers);
        }
    }
}
