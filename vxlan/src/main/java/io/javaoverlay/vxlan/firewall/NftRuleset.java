package io.javaoverlay.vxlan.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.types.IpAddress;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The nftables side of the ingress filter as text: the {@code nft -f -} script that programs
 * {@code table inet javaoverlay}, and a reader of {@code nft -j list table inet javaoverlay} that tells
 * whether the kernel still holds exactly that. The programmed table, as {@code nft list} shows it:
 * <pre>
 * table inet javaoverlay {
 *     counter rogue4 { ... }   counter rogue6 { ... }
 *     set vteps4 { type ipv4_addr; elements = { 198.18.0.1, 198.18.0.2 } }
 *     set vteps6 { type ipv6_addr }
 *     chain input {
 *         type filter hook input priority filter - 10; policy accept;
 *         udp dport 4789 ip saddr != @vteps4 counter name "rogue4" drop comment "..."
 *         udp dport 4789 ip6 saddr != @vteps6 counter name "rogue6" drop comment "..."
 *     }
 * }
 * </pre>
 * Counters are named objects so that rewriting the chain (every repair) keeps what they counted.
 */
final class NftRuleset {
    static final String FAMILY = "inet";
    static final String TABLE = "javaoverlay";
    static final String CHAIN = "input";
    static final String SET4 = "vteps4";
    static final String SET6 = "vteps6";
    static final String COUNTER4 = "rogue4";
    static final String COUNTER6 = "rogue6";
    /** {@code filter - 10}: before the usual filter-priority chains (iptables INPUT, firewalld, ufw). */
    static final int PRIORITY = -10;
    static final String QUALIFIED = FAMILY + " " + TABLE;
    private static final String CHAIN_SPEC = "filter input " + PRIORITY + " accept";
    private static final String COMMENT = "javaoverlay: VXLAN only from registered hosts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private NftRuleset() {}

    /** {@code nft -j list table inet javaoverlay}. */
    static List<String> listCommand() {
        return List.of("nft", "-j", "list", "table", FAMILY, TABLE);
    }

    /** {@code nft -f -}: reads a script from standard input and commits it as one transaction. */
    static List<String> applyCommand() {
        return List.of("nft", "-f", "-");
    }

    /**
     * The script that makes the table exactly right: one transaction, so packets see either the old
     * rules and set contents or the new ones, never an empty set or a missing rule in between. The
     * {@code add} statements are no-ops on what exists; chain and sets are flushed and refilled.
     * With {@code replace}, the table is deleted and rebuilt in the same transaction, which also
     * repairs what {@code add} cannot change (another priority or set type, say after a manual edit).
     */
    static String script(int port, Set<IpAddress> vteps, boolean replace) {
        StringBuilder s = new StringBuilder();
        line(s, "add table " + QUALIFIED);
        if (replace) {
            line(s, "delete table " + QUALIFIED);
            line(s, "add table " + QUALIFIED);
        }
        line(s, "add set " + QUALIFIED + " " + SET4 + " { type ipv4_addr; }");
        line(s, "add set " + QUALIFIED + " " + SET6 + " { type ipv6_addr; }");
        line(s, "add counter " + QUALIFIED + " " + COUNTER4);
        line(s, "add counter " + QUALIFIED + " " + COUNTER6);
        line(s, "add chain " + QUALIFIED + " " + CHAIN + " { type filter hook input priority " + PRIORITY
                + "; policy accept; }");
        line(s, "flush chain " + QUALIFIED + " " + CHAIN);
        line(s, "add rule " + QUALIFIED + " " + CHAIN + " udp dport " + port + " ip saddr != @" + SET4
                + " counter name " + COUNTER4 + " drop comment \"" + COMMENT + "\"");
        line(s, "add rule " + QUALIFIED + " " + CHAIN + " udp dport " + port + " ip6 saddr != @" + SET6
                + " counter name " + COUNTER6 + " drop comment \"" + COMMENT + "\"");
        elements(s, SET4, vteps, false);
        elements(s, SET6, vteps, true);
        return s.toString();
    }

    /** {@code delete table inet javaoverlay}. */
    static List<String> deleteCommand() {
        return List.of("nft", "delete", "table", FAMILY, TABLE);
    }

    private static void elements(StringBuilder s, String set, Set<IpAddress> vteps, boolean v6) {
        line(s, "flush set " + QUALIFIED + " " + set);
        // sorted (IPv4 before IPv6, then by value) so that scripts and logs are stable
        String list = vteps.stream().filter(a -> a.v6() == v6).sorted().map(IpAddress::toString)
                .collect(Collectors.joining(", "));
        if (!list.isEmpty()) {
            line(s, "add element " + QUALIFIED + " " + set + " { " + list + " }");
        }
    }

    private static void line(StringBuilder s, String l) {
        s.append(l).append('\n');
    }

    /** The rules as {@link #signature} renders them, in order. */
    static List<String> expectedRules(int port) {
        return List.of("udp dport == " + port + "; ip saddr != @" + SET4 + "; counter " + COUNTER4 + "; drop",
                "udp dport == " + port + "; ip6 saddr != @" + SET6 + "; counter " + COUNTER6 + "; drop");
    }

    /**
     * What the kernel holds, read from {@code nft -j list table inet javaoverlay}.
     *
     * @param chain chain {@code input} as "type hook priority policy", empty when missing
     * @param rules the chain's rules as {@link #signature}s
     * @param vteps4 set {@code vteps4}'s elements, empty when the set is missing, has another type or
     *               elements that are not plain addresses
     * @param vteps6 the same for {@code vteps6}
     */
    record State(Optional<String> chain, List<String> rules, Optional<Set<IpAddress>> vteps4,
                 Optional<Set<IpAddress>> vteps6) {

        /** True when this is exactly the table {@link #script} programs for {@code port} and {@code vteps}. */
        boolean matches(int port, Set<IpAddress> vteps) {
            return differences(port, vteps).isEmpty();
        }

        /** Every VTEP of both sets, or empty when a set is unreadable. */
        Set<IpAddress> allVteps() {
            Set<IpAddress> all = new HashSet<>();
            vteps4.ifPresent(all::addAll);
            vteps6.ifPresent(all::addAll);
            return all;
        }

        /** What differs from the wanted table, one phrase each; empty when it matches. */
        List<String> differences(int port, Set<IpAddress> vteps) {
            List<String> d = new ArrayList<>();
            if (chain.isEmpty()) {
                d.add("chain " + CHAIN + " is missing");
            } else if (!chain.get().equals(CHAIN_SPEC)) {
                d.add("chain " + CHAIN + " is '" + chain.get() + "' instead of '" + CHAIN_SPEC + "'");
            }
            if (chain.isPresent() && !rules.equals(expectedRules(port))) {
                d.add(rules.isEmpty() ? "its rules are missing" : "its rules are " + rules);
            }
            setDifference(d, SET4, vteps4, vteps, false);
            setDifference(d, SET6, vteps6, vteps, true);
            return d;
        }

        private static void setDifference(List<String> d, String name, Optional<Set<IpAddress>> actual,
                                          Set<IpAddress> vteps, boolean v6) {
            Set<IpAddress> want = vteps.stream().filter(a -> a.v6() == v6).collect(Collectors.toSet());
            if (actual.isEmpty()) {
                d.add("set " + name + " is missing");
            } else if (!actual.get().equals(want)) {
                d.add("set " + name + " " + change(actual.get(), want));
            }
        }
    }

    /** "+a, -b": what turns {@code from} into {@code to}. */
    static String change(Set<IpAddress> from, Set<IpAddress> to) {
        Set<IpAddress> added = new TreeSet<>();
        added.addAll(to);
        added.removeAll(from);
        Set<IpAddress> removed = new TreeSet<>();
        removed.addAll(from);
        removed.removeAll(to);
        List<String> parts = new ArrayList<>();
        added.forEach(a -> parts.add("+" + a));
        removed.forEach(a -> parts.add("-" + a));
        return parts.isEmpty() ? "unchanged" : String.join(", ", parts);
    }

    /** Parses {@code nft -j list table inet javaoverlay} output. */
    static State parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        Optional<String> chain = Optional.empty();
        List<String> rules = new ArrayList<>();
        Optional<Set<IpAddress>> v4 = Optional.empty();
        Optional<Set<IpAddress>> v6 = Optional.empty();
        for (JsonNode o : root.path("nftables")) {
            if (o.has("chain") && CHAIN.equals(o.get("chain").path("name").asText())) {
                JsonNode c = o.get("chain");
                chain = Optional.of(c.path("type").asText("-") + " " + c.path("hook").asText("-") + " "
                        + c.path("prio").asText("-") + " " + c.path("policy").asText("-"));
            } else if (o.has("rule") && CHAIN.equals(o.get("rule").path("chain").asText())) {
                rules.add(signature(o.get("rule").path("expr")));
            } else if (o.has("set")) {
                JsonNode s = o.get("set");
                String name = s.path("name").asText();
                if (name.equals(SET4) && s.path("type").asText().equals("ipv4_addr")) {
                    v4 = elements(s.path("elem"));
                } else if (name.equals(SET6) && s.path("type").asText().equals("ipv6_addr")) {
                    v6 = elements(s.path("elem"));
                }
            }
        }
        return new State(chain, List.copyOf(rules), v4, v6);
    }

    /** Elements that are all plain addresses, or empty (anything else is not ours and gets rewritten). */
    private static Optional<Set<IpAddress>> elements(JsonNode elem) {
        Set<IpAddress> out = new HashSet<>();
        for (JsonNode e : elem) {
            if (!e.isTextual()) {
                return Optional.empty();
            }
            Optional<IpAddress> a = IpAddress.tryParse(e.asText());
            if (a.isEmpty()) {
                return Optional.empty();
            }
            out.add(a.get());
        }
        return Optional.of(out);
    }

    /**
     * One rule as "udp dport == 4789; ip saddr != @vteps4; counter rogue4; drop". Implicit protocol
     * dependencies ({@code meta nfproto}, {@code meta l4proto}), which some nft versions list, are left out
     * so that the comparison does not depend on the nft version.
     */
    static String signature(JsonNode expr) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : expr) {
            if (e.has("match")) {
                JsonNode m = e.get("match");
                JsonNode left = m.path("left");
                String key = left.path("meta").path("key").asText("");
                if (key.equals("nfproto") || key.equals("l4proto")) {
                    continue;
                }
                String l = left.has("payload")
                        ? left.get("payload").path("protocol").asText() + " " + left.get("payload").path("field").asText()
                        : left.toString();
                JsonNode r = m.path("right");
                parts.add(l + " " + m.path("op").asText() + " " + (r.isValueNode() ? r.asText() : r.toString()));
            } else if (e.has("counter")) {
                JsonNode c = e.get("counter");
                parts.add(c.isTextual() ? "counter " + c.asText() : "counter");
            } else if (e.size() == 1) {
                String name = e.fieldNames().next();
                JsonNode v = e.get(name);
                parts.add(v.isNull() ? name : name + " " + v);
            } else {
                parts.add(e.toString());
            }
        }
        return String.join("; ", parts);
    }
}
