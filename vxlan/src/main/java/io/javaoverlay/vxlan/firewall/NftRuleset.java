package io.javaoverlay.vxlan.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
    /** Sorts addresses by family, then bytes, so that scripts and logs are stable. */
    static final Comparator<InetAddress> ORDER = Comparator
            .comparingInt((InetAddress a) -> a.getAddress().length)
            .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

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
    static String script(int port, Set<InetAddress> vteps, boolean replace) {
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
        elements(s, SET4, vteps, Inet4Address.class);
        elements(s, SET6, vteps, Inet6Address.class);
        return s.toString();
    }

    /** {@code delete table inet javaoverlay}. */
    static List<String> deleteCommand() {
        return List.of("nft", "delete", "table", FAMILY, TABLE);
    }

    private static void elements(StringBuilder s, String set, Set<InetAddress> vteps, Class<? extends InetAddress> kind) {
        line(s, "flush set " + QUALIFIED + " " + set);
        String list = vteps.stream().filter(kind::isInstance).sorted(ORDER).map(InetAddress::getHostAddress)
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
    record State(Optional<String> chain, List<String> rules, Optional<Set<InetAddress>> vteps4,
                 Optional<Set<InetAddress>> vteps6) {

        /** True when this is exactly the table {@link #script} programs for {@code port} and {@code vteps}. */
        boolean matches(int port, Set<InetAddress> vteps) {
            return differences(port, vteps).isEmpty();
        }

        /** Every VTEP of both sets, or empty when a set is unreadable. */
        Set<InetAddress> allVteps() {
            Set<InetAddress> all = new HashSet<>();
            vteps4.ifPresent(all::addAll);
            vteps6.ifPresent(all::addAll);
            return all;
        }

        /** What differs from the wanted table, one phrase each; empty when it matches. */
        List<String> differences(int port, Set<InetAddress> vteps) {
            List<String> d = new ArrayList<>();
            if (chain.isEmpty()) {
                d.add("chain " + CHAIN + " is missing");
            } else if (!chain.get().equals(CHAIN_SPEC)) {
                d.add("chain " + CHAIN + " is '" + chain.get() + "' instead of '" + CHAIN_SPEC + "'");
            }
            if (chain.isPresent() && !rules.equals(expectedRules(port))) {
                d.add(rules.isEmpty() ? "its rules are missing" : "its rules are " + rules);
            }
            setDifference(d, SET4, vteps4, vteps, Inet4Address.class);
            setDifference(d, SET6, vteps6, vteps, Inet6Address.class);
            return d;
        }

        private static void setDifference(List<String> d, String name, Optional<Set<InetAddress>> actual,
                                          Set<InetAddress> vteps, Class<? extends InetAddress> kind) {
            Set<InetAddress> want = vteps.stream().filter(kind::isInstance).collect(Collectors.toSet());
            if (actual.isEmpty()) {
                d.add("set " + name + " is missing");
            } else if (!actual.get().equals(want)) {
                d.add("set " + name + " " + change(actual.get(), want));
            }
        }
    }

    /** "+a, -b": what turns {@code from} into {@code to}. */
    static String change(Set<InetAddress> from, Set<InetAddress> to) {
        Set<InetAddress> added = new TreeSet<>(ORDER);
        added.addAll(to);
        added.removeAll(from);
        Set<InetAddress> removed = new TreeSet<>(ORDER);
        removed.addAll(from);
        removed.removeAll(to);
        List<String> parts = new ArrayList<>();
        added.forEach(a -> parts.add("+" + a.getHostAddress()));
        removed.forEach(a -> parts.add("-" + a.getHostAddress()));
        return parts.isEmpty() ? "unchanged" : String.join(", ", parts);
    }

    /** Parses {@code nft -j list table inet javaoverlay} output. */
    static State parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        Optional<String> chain = Optional.empty();
        List<String> rules = new ArrayList<>();
        Optional<Set<InetAddress>> v4 = Optional.empty();
        Optional<Set<InetAddress>> v6 = Optional.empty();
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
    private static Optional<Set<InetAddress>> elements(JsonNode elem) {
        Set<InetAddress> out = new HashSet<>();
        for (JsonNode e : elem) {
            if (!e.isTextual()) {
                return Optional.empty();
            }
            try {
                out.add(literal(e.asText()));
            } catch (UnknownHostException bad) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    /** Parses an address literal without any name lookup (nft prints addresses, never names). */
    static InetAddress literal(String text) throws UnknownHostException {
        if (text.indexOf(':') >= 0) {
            // With a colon, InetAddress parses an IPv6 literal or throws; it never resolves a name.
            if (!text.matches("[0-9A-Fa-f:.]+")) {
                throw new UnknownHostException("not an address literal: " + text);
            }
            return InetAddress.getByName(text);
        }
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new UnknownHostException("not an address literal: " + text);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!octets[i].matches("\\d{1,3}") || Integer.parseInt(octets[i]) > 255) {
                throw new UnknownHostException("not an address literal: " + text);
            }
            b[i] = (byte) Integer.parseInt(octets[i]);
        }
        return InetAddress.getByAddress(b);
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
