package io.javaoverlay.server.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.dns.LocalContainerIndex;
import io.javaoverlay.server.dns.NameRecord;
import io.javaoverlay.server.dns.NameRecords;
import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerInspectTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Trimmed from `docker inspect` of Docker 26 (API 1.45). */
    static final String WEB = """
            {"Id":"3f1c9a0b7d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c","Name":"/web1",
             "State":{"Status":"running","Running":true,"Health":{"Status":"healthy","FailingStreak":0}},
             "Config":{"Env":["PATH=/usr/bin","SERVICE_TAGS=a=b","EMPTY="],"Labels":{"javaoverlay.service":"web"},
                       "ExposedPorts":{"80/tcp":{},"53/udp":{}}},
             "NetworkSettings":{"Networks":{
               "multihost":{"NetworkID":"dn1","EndpointID":"ep1","IPAddress":"10.77.0.2","GlobalIPv6Address":"",
                            "Aliases":["www"],"DNSNames":["web1","www","3f1c9a0b7d2e"]},
               "bridge":{"NetworkID":"dn0","EndpointID":"ep0","IPAddress":"172.17.0.2","Aliases":null}}}}
            """;

    @Test
    void decodesWhatNamesAndServicesNeed() throws Exception {
        ContainerInspect c = ContainerInspect.decode(JSON.readTree(WEB));
        assertEquals("web1", c.name());
        assertTrue(c.running());
        assertEquals("healthy", c.health());
        assertEquals(Map.of("PATH", "/usr/bin", "SERVICE_TAGS", "a=b", "EMPTY", ""), c.env());
        assertEquals(List.of("80/tcp", "53/udp"), c.exposedPorts());
        ContainerInspect.Attachment a = c.networks().get("multihost");
        assertEquals("ep1", a.endpointId());
        assertEquals(IpAddress.parse("10.77.0.2"), a.ipv4());
        assertNull(a.ipv6());
        assertEquals(List.of("www"), a.aliases());
        assertEquals(List.of(), c.networks().get("bridge").aliases());
        ContainerInspect empty = ContainerInspect.decode(JSON.readTree("{}"));
        assertEquals("", empty.id());
        assertNull(empty.health());
    }

    @Test
    void nameRecordsAndSourcesComeOnlyFromJavaoverlayNetworks() throws Exception {
        ContainerInspect c = ContainerInspect.decode(JSON.readTree(WEB));
        Map<String, NameRecords.OverlayNetwork> overlays = Map.of("dn1", new NameRecords.OverlayNetwork("cl1", "multihost"));
        List<NameRecord> rs = NameRecords.of("h1", c, overlays);
        assertEquals(1, rs.size());
        assertEquals("cl1", rs.get(0).clusterNetworkId());
        assertEquals(List.of("web1", "www"), rs.get(0).names());
        LocalContainerIndex.Entry e = NameRecords.entry(c, overlays, IpAddress.parse("172.18.0.3")).orElseThrow();
        assertEquals(List.of(IpAddress.parse("172.18.0.3"), IpAddress.parse("10.77.0.2")), e.sources());
        assertTrue(NameRecords.entry(c, Map.of(), (IpAddress) null).isEmpty());
        ContainerInspect stopped = new ContainerInspect(c.id(), c.name(), c.labels(), c.env(), c.exposedPorts(), false,
                null, c.networks());
        assertTrue(NameRecords.of("h1", stopped, overlays).isEmpty(), "a stopped container's names must go");
    }

    @Test
    void gatewayAddressesAreKeyedByContainer() throws Exception {
        Map<String, IpAddress> gw = ContainerInspect.gatewayAddresses(JSON.readTree("""
                {"Name":"docker_gwbridge","Containers":{
                  "3f1c9a0b7d2e":{"Name":"gateway_3f1c9a0b7d2e","EndpointID":"g1","IPv4Address":"172.18.0.3/16"},
                  "ep-abc":{"Name":"gateway_x","IPv4Address":"172.18.0.9/16"}}}
                """));
        assertEquals(Map.of("3f1c9a0b7d2e", IpAddress.parse("172.18.0.3")), gw);
    }
}
