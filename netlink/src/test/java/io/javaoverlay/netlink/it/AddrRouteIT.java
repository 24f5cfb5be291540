package io.javaoverlay.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Addresses and routes, cross-checked with {@code ip -j addr} / {@code ip -j route}. */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class AddrRouteIT {

    private static Link upVeth(NetlinkHandle h) throws Exception {
        Link v = h.linkAdd(Veth.pair(LinkAttrs.named("jo-a0").withUp(true), "jo-a1"));
        h.linkSetUp(h.linkByName("jo-a1").index());
        return v;
    }

    private static Set<String> ipAddrs(TestNetns t, String dev) {
        Set<String> out = new HashSet<>();
        for (JsonNode l : IpRoute2.json("ip", "-n", t.name(), "-j", "addr", "show", "dev", dev)) {
            for (JsonNode a : l.path("addr_info")) {
                if (!a.path("scope").asText().equals("link")) {
                    out.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            }
        }
        return out;
    }

    @Test
    void addressesBothFamiliesBothDirections(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link v = upVeth(h);
        h.addrAdd(v.index(), IpPrefix.parse("198.18.5.1/24"));
        h.addrAdd(v.index(), IpPrefix.parse("2001:db8:5::1/64"));
        assertThrows(AlreadyExistsException.class, () -> h.addrAdd(v.index(), IpPrefix.parse("198.18.5.1/24")));
        h.addrReplace(v.index(), IpPrefix.parse("198.18.5.1/24"));
        assertEquals(Set.of("198.18.5.1/24", "2001:db8:5::1/64"), ipAddrs(t, "jo-a0"));

        t.ip("addr", "add", "198.18.6.1/25", "dev", "jo-a0");
        List<Addr> v4 = h.addrList(v.index(), Family.INET);
        assertEquals(Set.of(IpPrefix.parse("198.18.5.1/24"), IpPrefix.parse("198.18.6.1/25")),
                Set.copyOf(v4.stream().map(Addr::prefix).toList()));
        assertTrue(h.addrList(v.index(), Family.INET6).stream()
                .anyMatch(a -> a.prefix().equals(IpPrefix.parse("2001:db8:5::1/64"))));
        assertTrue(h.addrList(0, Family.ALL).size() >= 3);

        h.addrDel(v.index(), IpPrefix.parse("198.18.5.1/24"));
        h.addrDel(v.index(), IpPrefix.parse("2001:db8:5::1/64"));
        assertEquals(Set.of("198.18.6.1/25"), ipAddrs(t, "jo-a0"));
        assertThrows(NotFoundException.class, () -> h.addrDel(v.index(), IpPrefix.parse("198.18.5.1/24")));
    }

    @Test
    void routesAddReplaceListDeleteAndGet(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link v = upVeth(h);
        h.addrAdd(v.index(), IpPrefix.parse("198.18.7.1/24"));
        Route via = Route.via(IpPrefix.parse("198.19.0.0/16"), IpAddress.parse("198.18.7.254"), v.index());
        h.routeAdd(via);
        assertThrows(AlreadyExistsException.class, () -> h.routeAdd(via));
        JsonNode r = IpRoute2.json("ip", "-n", t.name(), "-j", "route", "show", "198.19.0.0/16").get(0);
        assertEquals("198.18.7.254", r.path("gateway").asText());
        assertEquals("jo-a0", r.path("dev").asText());
        assertEquals("static", r.path("protocol").asText());

        Route moved = Route.via(IpPrefix.parse("198.19.0.0/16"), IpAddress.parse("198.18.7.253"), v.index());
        h.routeReplace(moved);
        assertEquals("198.18.7.253", IpRoute2.json("ip", "-n", t.name(), "-j", "route", "show", "198.19.0.0/16")
                .get(0).path("gateway").asText());

        t.ip("route", "add", "default", "via", "198.18.7.2", "dev", "jo-a0");
        List<Route> routes = h.routeList(Family.INET);
        assertTrue(routes.stream().anyMatch(x -> x.destination().isEmpty()
                && x.gateway().equals(Optional.of(IpAddress.parse("198.18.7.2")))), routes.toString());
        assertTrue(routes.stream().anyMatch(x -> x.destination().equals(Optional.of(IpPrefix.parse("198.19.0.0/16")))));
        assertTrue(routes.stream().allMatch(x -> x.table() == Route.RT_TABLE_MAIN));

        // route get: which interface and source address reach a destination (VTEP discovery).
        Route got = h.routeGet(IpAddress.parse("198.19.1.9"));
        assertEquals(v.index(), got.outputIndex());
        assertEquals(Optional.of(IpAddress.parse("198.18.7.253")), got.gateway());
        assertEquals(Optional.of(IpAddress.parse("198.18.7.1")), got.preferredSource());
        Route dflt = h.routeGet(IpAddress.parse("198.18.200.1"));
        assertEquals(Optional.of(IpAddress.parse("198.18.7.2")), dflt.gateway());
        assertEquals(Optional.of(IpAddress.parse("198.18.7.1")), dflt.preferredSource());

        h.routeDel(moved);
        assertEquals(0, IpRoute2.json("ip", "-n", t.name(), "-j", "route", "show", "198.19.0.0/16").size());
        assertThrows(NotFoundException.class, () -> h.routeDel(moved));

        Route onLink = Route.onLink(IpPrefix.parse("198.18.9.0/24"), v.index());
        h.routeAdd(onLink);
        JsonNode ol = IpRoute2.json("ip", "-n", t.name(), "-j", "route", "show", "198.18.9.0/24").get(0);
        assertEquals("link", ol.path("scope").asText());
        assertFalse(ol.has("gateway"));
    }
}
