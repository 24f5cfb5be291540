package io.javaoverlay.vxlan.firewall;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader against real {@code nft -j} output (nft 1.0.6, Debian 12), captured from the table the
 * script programs: {@code nft-1.0.6-table.json} as programmed, {@code nft-1.0.6-table-damaged.json}
 * after {@code nft flush set inet javaoverlay vteps4} and deleting the ip6 rule.
 */
class NftRulesetTest {
    static final Set<IpAddress> VTEPS = set("198.18.0.1", "198.18.0.2", "2001:db8:18::2");

    static Set<IpAddress> set(String... ips) {
        Set<IpAddress> s = new java.util.HashSet<>();
        for (String i : ips) {
            s.add(IpAddress.parse(i));
        }
        return s;
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = NftRulesetTest.class.getResourceAsStream("/firewall/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theProgrammedTableReadsBackAsMatching() throws Exception {
        NftRuleset.State s = NftRuleset.parse(fixture("nft-1.0.6-table.json"));
        assertEquals(Optional.of("filter input -10 accept"), s.chain());
        assertEquals(NftRuleset.expectedRules(4789), s.rules());
        assertEquals(Optional.of(set("198.18.0.1", "198.18.0.2")), s.vteps4());
        assertEquals(Optional.of(set("2001:db8:18::2")), s.vteps6(), "nft prints 2001:db8:18::2 compressed");
        assertTrue(s.matches(4789, VTEPS));
        assertFalse(s.matches(8472, VTEPS), "another port is another rule");
        assertEquals(List.of("set vteps4 +198.18.0.3"), s.differences(4789, set("198.18.0.1", "198.18.0.2", "198.18.0.3", "2001:db8:18::2")));
    }

    @Test
    void aDamagedTableNamesWhatIsWrong() throws Exception {
        NftRuleset.State s = NftRuleset.parse(fixture("nft-1.0.6-table-damaged.json"));
        assertEquals(Optional.of(Set.of()), s.vteps4(), "a flushed set has no elem key");
        assertEquals(List.of("its rules are [udp dport == 4789; ip saddr != @vteps4; counter rogue4; drop]",
                "set vteps4 +198.18.0.1, +198.18.0.2"), s.differences(4789, VTEPS));
    }

    @Test
    void implicitProtocolMatchesOfOtherNftVersionsAreIgnored() throws Exception {
        String expr = "[{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": \"udp\"}},"
                + "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", \"field\": \"dport\"}}, \"right\": 4789}},"
                + "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"nfproto\"}}, \"right\": \"ipv4\"}},"
                + "{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@vteps4\"}},"
                + "{\"counter\": \"rogue4\"}, {\"drop\": null}]";
        assertEquals(NftRuleset.expectedRules(4789).get(0), NftRuleset.signature(new ObjectMapper().readTree(expr)));
    }

    @Test
    void elementsThatAreNotPlainAddressesAreRewritten() throws Exception {
        String json = "{\"nftables\": [{\"set\": {\"name\": \"vteps4\", \"type\": \"ipv4_addr\", \"elem\": "
                + "[{\"prefix\": {\"addr\": \"198.18.0.0\", \"len\": 24}}]}}, {\"set\": {\"name\": \"vteps6\", \"type\": \"ipv4_addr\"}}]}";
        NftRuleset.State s = NftRuleset.parse(json);
        assertEquals(Optional.empty(), s.vteps4());
        assertEquals(Optional.empty(), s.vteps6(), "a set of the wrong type is not ours");
        assertEquals(List.of("chain input is missing", "set vteps4 is missing", "set vteps6 is missing"),
                s.differences(4789, VTEPS));
    }

    @Test
    void replaceDeletesAndRebuildsInTheSameScript() {
        String s = NftRuleset.script(4789, VTEPS, true);
        assertTrue(s.startsWith("add table inet javaoverlay\ndelete table inet javaoverlay\nadd table inet javaoverlay\n"), s);
        assertTrue(s.endsWith("add element inet javaoverlay vteps6 { 2001:db8:18::2 }\n"), s);
        assertFalse(NftRuleset.script(4789, set("198.18.0.1"), false).contains("vteps6 {  }"), "no empty element list");
    }
}
