package io.javaoverlay.kvstore.consul;

import com.fasterxml.jackson.databind.JsonNode;
import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.LeaseExpiredException;
import io.javaoverlay.kvstore.StoreUnavailableException;

import java.io.IOException;

/**
 * The one place where Consul's answers become kvstore results or exceptions: 5xx and 429 are
 * {@link StoreUnavailableException} (retryable, as is a call that got no answer, see
 * {@link ConsulCalls}), a {@code false} write answer is {@link CasConflictException}, a write
 * naming an expired session is {@link LeaseExpiredException}, any other answer is a plain
 * {@link KvStoreException} carrying Consul's status and body.
 */
final class ConsulErrors {
    private ConsulErrors() {
    }

    /** Throws unless the answer has status 200. */
    static void requireOk(String what, ConsulCalls.Answer r) throws KvStoreException {
        requireOk(what, r.status(), r.text());
    }

    /** A KV write's answer ({@code true} or {@code false}, status 200) as a boolean. */
    static boolean written(String what, ConsulCalls.Answer r) throws KvStoreException {
        requireOk(what, r);
        String text = r.text().strip();
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true");
        }
        throw new KvStoreException(what + ": unreadable answer from Consul (expected true or false): " + text);
    }

    /** A 200 answer's body as JSON ({@code null} JSON for an empty body). */
    static JsonNode json(String what, ConsulCalls.Answer r) throws KvStoreException {
        try {
            return r.body().length == 0 ? ConsulTxn.JSON.nullNode() : ConsulTxn.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new KvStoreException(what + ": unreadable answer from Consul: " + e.getMessage(), e);
        }
    }

    /** Throws unless {@code status} is 200; {@code body} is the answer's text, for the message. */
    static void requireOk(String what, int status, String body) throws KvStoreException {
        if (status != 200) {
            throw forStatus(what, status, body);
        }
    }

    /** Turns Consul's {@code true}/{@code false} write answer into success or a conflict. */
    static void requireWritten(boolean written, String conflictMessage) throws CasConflictException {
        if (!written) {
            throw new CasConflictException(conflictMessage);
        }
    }

    private static KvStoreException forStatus(String what, int status, String body) {
        String msg = what + ": Consul answered HTTP " + status + (body == null || body.isBlank() ? ""
                : " (" + body.strip() + ")");
        // Consul reports a write that names an expired session only through this 500 text
        // ("raft apply failed: invalid session ..."); there is no distinct status.
        if (status == 500 && body != null && body.contains("invalid session")) {
            return new LeaseExpiredException(msg);
        }
        // 5xx covers "No cluster leader" and RPC failures during elections; 429 is rate limiting.
        if (status >= 500 || status == 429) {
            return new StoreUnavailableException(msg, null);
        }
        return new KvStoreException(msg);
    }
}
