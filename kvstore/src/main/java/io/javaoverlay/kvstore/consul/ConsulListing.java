package io.javaoverlay.kvstore.consul;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStoreException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * A recursive read of one key prefix ({@code GET /v1/kv/<prefix>?recurse}, optionally blocking), with
 * the answer parsed as it streams in. Ecwid's client first read an answer into a String through a
 * doubling char buffer, then into objects, then decoded each base64 value: at 1000 endpoint records a
 * listing is about 0.5 MB of JSON, and the watch and every reconcile pass read one, so that path
 * allocated several MB per read and most of the daemon's garbage. Here Jackson reads the bytes and
 * decodes each value in place; only the entries are kept.
 */
final class ConsulListing {
    /** A listing: Consul's {@code X-Consul-Index} (0 when absent) and the entries under the prefix, sorted by key. */
    record Answer(long index, List<KvEntry> entries) {}

    private ConsulListing() {
    }

    /**
     * Reads every key under {@code root + prefix}; a 404 is an empty listing.
     *
     * @param dc    the datacenter, or null
     * @param index a blocking query's index, or 0 for an immediate answer
     * @param waitMs the blocking wait, used when {@code index > 0}
     */
    static Answer read(ConsulHttp http, String root, String prefix, String dc, long index,
                       long waitMs, String what) throws KvStoreException {
        // Keys and the root use only [A-Za-z0-9._/:-] (KvKeys, ConsulConfig), which need no escaping.
        StringBuilder url = new StringBuilder(http.base()).append("/v1/kv/").append(root).append(prefix).append("?recurse");
        if (dc != null) {
            url.append("&dc=").append(URLEncoder.encode(dc, StandardCharsets.UTF_8));
        }
        if (index > 0 && waitMs > 0) {
            url.append("&index=").append(Long.toUnsignedString(index)).append("&wait=").append(waitMs).append("ms");
        }
        return http.exchange(what, "GET", url.toString(), null, (status, got, body) -> {
            if (status == 404) {
                return new Answer(got, List.of());
            }
            if (status != 200) {
                ConsulErrors.requireOk(what, status, new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return new Answer(got, parse(body, root, what));
        });
    }

    /**
     * Consul's listing ({@code [{"Key":..,"Value":base64|null,"ModifyIndex":..},..]}) as entries below {@code root}.
     *
     * @throws KvStoreException when the answer is not such a listing
     * @throws IOException when reading the answer fails (the connection broke)
     */
    static List<KvEntry> parse(InputStream in, String root, String what) throws KvStoreException, IOException {
        List<KvEntry> out = new ArrayList<>();
        try (JsonParser p = ConsulTxn.JSON.getFactory().createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE); // the caller reads the rest: the connection is reused
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new KvStoreException(what + ": unreadable listing from Consul: not a JSON array");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String key = null;
                byte[] value = null;
                long modifyIndex = 0;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.getCurrentName();
                    JsonToken t = p.nextToken();
                    switch (field) {
                        case "Key" -> key = p.getText();
                        case "Value" -> value = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
                        case "ModifyIndex" -> modifyIndex = p.getLongValue();
                        default -> p.skipChildren();
                    }
                }
                String relative = key == null ? null : relative(key, root);
                if (relative != null) {
                    out.add(new KvEntry(relative, value, modifyIndex));
                }
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new KvStoreException(what + ": unreadable listing from Consul: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(KvEntry::key));
        return out;
    }

    /** A KvEntry from Consul's JSON form of one key (a transaction's result); null for a key outside {@code root}. */
    static KvEntry entryFrom(JsonNode kv, String root) {
        String relative = relative(kv.path("Key").asText(), root);
        if (relative == null) {
            return null;
        }
        JsonNode v = kv.path("Value");
        byte[] value = v.isNull() || v.isMissingNode() ? new byte[0] : Base64.getDecoder().decode(v.asText());
        return new KvEntry(relative, value, kv.path("ModifyIndex").asLong());
    }

    /** {@code full} without {@code root}; null when it is not below {@code root} (or is {@code root} itself). */
    private static String relative(String full, String root) {
        return full.startsWith(root) && full.length() > root.length() ? full.substring(root.length()) : null;
    }
}
