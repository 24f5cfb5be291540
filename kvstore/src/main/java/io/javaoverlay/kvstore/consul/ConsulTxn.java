package io.javaoverlay.kvstore.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.TxnOp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Translates our {@link TxnOp}s into a Consul {@code /v1/txn} body and its answer back.
 *
 * <p>Two Consul behaviours (checked against 1.16) shape the mapping:
 * <ul>
 *   <li>{@code get} of a missing key aborts the whole transaction, while our {@code Get} skips
 *       missing keys. The caller therefore guesses, per Get, whether its key exists and sends
 *       {@code get} or {@code check-not-exists}; Consul runs every op and reports each failing
 *       one, so a wrong guess aborts the transaction on exactly those Get ops, and the caller
 *       flips them and sends it again.</li>
 *   <li>{@code delete-cas} of a missing key succeeds, while our DeleteIfIndex must conflict.
 *       It becomes {@code check-index} followed by {@code delete}.</li>
 * </ul>
 * Consul returns one result for {@code set}, {@code cas}, {@code get} and {@code check-index}
 * and none for {@code delete} and {@code check-not-exists}; that is how results map back to ops.
 */
final class ConsulTxn {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> VERBS_WITH_RESULT = Set.of("set", "cas", "get", "check-index");

    private final String root;
    /** For each Consul op: the index of the TxnOp it came from. */
    private final List<Integer> origin = new ArrayList<>();
    private final List<String> verbs = new ArrayList<>();
    private final ArrayNode body = JSON.createArrayNode();

    /**
     * @param existing for each op, whether a {@link TxnOp.Get} should expect its key to exist
     *                 (ignored for other ops)
     */
    ConsulTxn(String root, List<TxnOp> ops, boolean[] existing) {
        this.root = root;
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            String key = op.key();
            if (op instanceof TxnOp.Set s) {
                add(i, "set", key, s.value(), null);
            } else if (op instanceof TxnOp.PutIfAbsent p) {
                add(i, "cas", key, p.value(), 0L);
            } else if (op instanceof TxnOp.Cas c) {
                add(i, "cas", key, c.value(), c.expectedIndex());
            } else if (op instanceof TxnOp.Delete) {
                add(i, "delete", key, null, null);
            } else if (op instanceof TxnOp.DeleteIfIndex d) {
                add(i, "check-index", key, null, d.expectedIndex());
                add(i, "delete", key, null, null);
            } else if (op instanceof TxnOp.CheckIndex c) {
                add(i, "check-index", key, null, c.expectedIndex());
            } else if (op instanceof TxnOp.CheckNotExists) {
                add(i, "check-not-exists", key, null, null);
            } else if (op instanceof TxnOp.Get) {
                add(i, existing[i] ? "get" : "check-not-exists", key, null, null);
            } else {
                throw new IllegalArgumentException("unsupported transaction operation " + op);
            }
        }
    }

    private void add(int from, String verb, String key, byte[] value, Long index) {
        ObjectNode kv = JSON.createObjectNode();
        kv.put("Verb", verb);
        kv.put("Key", root + key);
        if (value != null) {
            kv.put("Value", Base64.getEncoder().encodeToString(value));
        }
        if (index != null) {
            kv.put("Index", index);
        }
        body.addObject().set("KV", kv);
        origin.add(from);
        verbs.add(verb);
    }

    String body() throws IOException {
        return JSON.writeValueAsString(body);
    }

    int consulOpCount() {
        return verbs.size();
    }

    /** The TxnOp index a Consul OpIndex came from, or -1 if out of range. */
    int originOf(int consulOpIndex) {
        return consulOpIndex >= 0 && consulOpIndex < origin.size() ? origin.get(consulOpIndex) : -1;
    }

    /**
     * True for Consul's answers to a {@code get} of a missing key ("key \"k\" doesn't exist") and a
     * {@code check-not-exists} of a present one ("key \"k\" exists"): a wrong guess of a Get, nothing else
     * (a permission error on the same op is not).
     */
    static boolean isExistenceFailure(String what) {
        return what.startsWith("key ") && (what.endsWith(" doesn't exist") || what.endsWith(" exists"));
    }

    /**
     * Every failure of a 409 body, in Consul's order (Consul runs every op of a transaction and
     * reports each failing one); one with index -1 and the raw body when it cannot be read.
     */
    static List<Failure> parseFailures(String content) {
        try {
            JsonNode errors = JSON.readTree(content).path("Errors");
            if (errors.isArray() && errors.size() > 0) {
                List<Failure> out = new ArrayList<>();
                for (JsonNode e : errors) {
                    out.add(new Failure(e.path("OpIndex").asInt(-1), e.path("What").asText("unknown reason")));
                }
                return out;
            }
        } catch (IOException e) {
            // fall through: report the raw body
        }
        return List.of(new Failure(-1, content));
    }

    record Failure(int consulOpIndex, String what) {
    }

    /** The entries read by {@code get} ops of a committed transaction, in op order. */
    List<KvEntry> reads(String content) throws IOException {
        JsonNode results = JSON.readTree(content).path("Results");
        List<KvEntry> out = new ArrayList<>();
        int r = 0;
        for (int i = 0; i < verbs.size(); i++) {
            if (!VERBS_WITH_RESULT.contains(verbs.get(i))) {
                continue;
            }
            JsonNode kv = results.path(r++).path("KV");
            if (kv.isMissingNode()) {
                throw new IOException("transaction answer has fewer results than expected: " + content);
            }
            if (verbs.get(i).equals("get")) {
                out.add(ConsulListing.entryFrom(kv, root));
            }
        }
        return out;
    }
}
