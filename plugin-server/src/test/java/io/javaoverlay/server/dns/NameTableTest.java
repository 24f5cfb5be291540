package io.javaoverlay.server.dns;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.javaoverlay.server.dns.Names.NET_A;
import static io.javaoverlay.server.dns.Names.NET_B;
import static io.javaoverlay.server.dns.Names.ip;
import static io.javaoverlay.server.dns.Names.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameTableTest {
    private final NameRecord web = rec(NET_A, "front", "e1", "h1", "Web", List.of("www", "Web"), "10.77.0.2", null);
    private final NameRecord db = rec(NET_B, "back", "e2", "h2", "db", List.of(), "10.78.0.2", "fd00::2");
    private final NameRecord web2 = rec(NET_A, "front", "e3", "h2", "web-b", List.of("www"), "10.77.0.3", null);

    @Test
    void namesAreScopedToTheNetworksOfTheAsker() {
        NameTable t = Names.table(web, db);
        assertEquals(List.of(web), t.lookup(Set.of(NET_A), "web"));
        assertEquals(List.of(), t.lookup(Set.of(NET_B), "web"));
        assertEquals(List.of(db), t.lookup(Set.of(NET_A, NET_B), "DB"));
        assertEquals(List.of(), t.lookup(Set.of(), "web"));
    }

    @Test
    void aliasesAnswerAndASharedAliasGivesEveryHolder() {
        NameTable t = Names.table(web, web2);
        assertEquals(Set.of(web, web2), Set.copyOf(t.lookup(Set.of(NET_A), "www")));
        assertEquals(List.of("web", "www"), web.names(), "the container name is not repeated as an alias");
    }

    @Test
    void fullyQualifiedFormUsesTheNetworkNameOnlyForTheAskersNetworks() {
        NameTable t = Names.table(web, db);
        assertEquals(List.of(web), t.lookup(Set.of(NET_A), "web.front"));
        assertEquals(List.of(web), t.lookup(Set.of(NET_A), "www.FRONT"));
        assertEquals(List.of(), t.lookup(Set.of(NET_B), "web.front"));
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "web.back"));
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "front"));
    }

    @Test
    void anExactNameWithADotWinsOverTheNetworkSuffixForm() {
        NameRecord dotted = rec(NET_A, "front", "e9", "h1", "api.front", List.of(), "10.77.0.9", null);
        NameRecord api = rec(NET_A, "front", "e8", "h1", "api", List.of(), "10.77.0.8", null);
        NameTable t = Names.table(dotted, api);
        assertEquals(List.of(dotted), t.lookup(Set.of(NET_A), "api.front"));
    }

    @Test
    void reverseLookupIsScopedToo() {
        NameTable t = Names.table(web, db);
        assertEquals(List.of(db), t.byAddress(Set.of(NET_B), ip("fd00::2")));
        assertEquals(List.of(), t.byAddress(Set.of(NET_A), ip("10.78.0.2")));
    }

    @Test
    void deltasAddReplaceAndRemove() {
        NameTable t = Names.table(web);
        NameRecord moved = rec(NET_A, "front", "e1", "h1", "web", List.of(), "10.77.0.99", null);
        t.apply(Map.of(NameKeys.key(moved), moved, NameKeys.key(db), db), List.of());
        assertEquals("10.77.0.99", t.lookup(Set.of(NET_A), "web").get(0).ipv4());
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "www"), "the replaced record's aliases are gone");
        t.apply(Map.of(), List.of(NameKeys.key(moved)));
        assertEquals(List.of(), t.lookup(Set.of(NET_A), "web"));
        assertEquals(1, t.size());
    }

    @Test
    void recordsValidateAndNormalize() {
        NameRecord r = rec(NET_A, "Front", "e1", "h1", "/Web", List.of("bad alias!", "OK-1"), "10.77.0.2/24", null);
        assertEquals("web", r.containerName());
        assertEquals("front", r.networkName());
        assertEquals(List.of("ok-1"), r.aliases());
        assertEquals("10.77.0.2", r.ipv4());
        assertThrows(IllegalArgumentException.class, () -> rec(NET_A, "f", "e1", "h1", "w", List.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> rec(NET_A, "f", "e1", "h1", "w", List.of(), "fd00::1", null));
        assertThrows(IllegalArgumentException.class, () -> rec(NET_A, "f", "e/1", "h1", "w", List.of(), "10.0.0.1", null));
        assertThrows(IllegalArgumentException.class, () -> rec(NET_A, "f", "e1", "h1", "w", List.of(), "example.com", null));
        String longLabel = "x".repeat(70);
        NameRecord longName = rec(NET_A, "f", "e1", "h1", longLabel, List.of("short"), "10.0.0.1", null);
        assertEquals(List.of("short"), longName.names(), "a name DNS cannot carry is left out, its aliases stay");
    }

    @Test
    void codecRoundTripsAndChecksTheKey() {
        byte[] bytes = NameKeys.encode(db);
        assertEquals(db, NameKeys.decode("names/h2/e2", bytes));
        assertThrows(IllegalArgumentException.class, () -> NameKeys.decode("names/h1/e2", bytes));
        assertThrows(IllegalArgumentException.class, () -> NameKeys.decode("names/h2/e2", "{".getBytes()));
        assertEquals("h2", NameKeys.hostOf("names/h2/e2").orElseThrow());
        assertTrue(NameKeys.hostOf("names/h2/").isEmpty());
        assertTrue(NameKeys.hostOf("networks/x").isEmpty());
    }
}
