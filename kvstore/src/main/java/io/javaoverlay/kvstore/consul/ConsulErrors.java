package io.javaoverlay.kvstore.consul;

import com.ecwid.consul.transport.HttpResponse;
import com.ecwid.consul.transport.TransportException;
import com.ecwid.consul.v1.OperationException;
import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.LeaseExpiredException;
import io.javaoverlay.kvstore.StoreUnavailableException;

/**
 * The one place where Ecwid's unchecked exceptions, raw HTTP statuses and {@code false} CAS
 * answers become kvstore exceptions: transport failures, 5xx and 429 are
 * {@link StoreUnavailableException} (retryable), a lost CAS is {@link CasConflictException},
 * any other answer is a plain {@link KvStoreException} carrying Consul's status and body.
 */
final class ConsulErrors {
    private ConsulErrors() {
    }

    /** An Ecwid call; Ecwid reports failures as unchecked exceptions. */
    interface Call<T> {
        T run();
    }

    /** Runs an Ecwid call, translating its failures; {@code what} names the operation and key. */
    static <T> T call(String what, Call<T> call) throws KvStoreException {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    /** Like {@link #call}, but a 404 means the session (lease) is gone. */
    static <T> T callLease(String what, String sessionId, Call<T> call) throws KvStoreException {
        try {
            return call.run();
        } catch (RuntimeException e) {
            if (status(e) == 404) {
                throw new LeaseExpiredException(what + ": lease " + sessionId
                        + " has expired or was closed; create a new one and rewrite its keys");
            }
            throw translate(what, e);
        }
    }

    /** The HTTP status of an Ecwid failure, or -1 if it did not get an answer. */
    static int status(RuntimeException e) {
        return e instanceof OperationException oe ? oe.getStatusCode() : -1;
    }

    static KvStoreException translate(String what, RuntimeException e) {
        if (e instanceof TransportException) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new StoreUnavailableException(what + ": Consul is unreachable (" + cause + ")", e);
        }
        if (e instanceof OperationException oe) {
            return forStatus(what, oe.getStatusCode(), oe.getStatusContent(), e);
        }
        return new KvStoreException(what + ": unexpected answer from Consul (" + e + ")", e);
    }

    /** Throws unless a raw response has status 200. */
    static void requireOk(String what, HttpResponse r) throws KvStoreException {
        requireOk(what, r.getStatusCode(), r.getContent());
    }

    /** Throws unless {@code status} is 200; {@code body} is the answer's text, for the message. */
    static void requireOk(String what, int status, String body) throws KvStoreException {
        if (status != 200) {
            throw forStatus(what, status, body, null);
        }
    }

    /** Turns Consul's {@code true}/{@code false} write answer into success or a conflict. */
    static void requireWritten(Boolean written, String conflictMessage) throws CasConflictException {
        if (!Boolean.TRUE.equals(written)) {
            throw new CasConflictException(conflictMessage);
        }
    }

    private static KvStoreException forStatus(String what, int status, String body, Throwable cause) {
        String msg = what + ": Consul answered HTTP " + status + (body == null || body.isBlank() ? ""
                : " (" + body.strip() + ")");
        // Consul reports a write that names an expired session only through this 500 text
        // ("raft apply failed: invalid session ..."); there is no distinct status.
        if (status == 500 && body != null && body.contains("invalid session")) {
            return new LeaseExpiredException(msg);
        }
        // 5xx covers "No cluster leader" and RPC failures during elections; 429 is rate limiting.
        if (status >= 500 || status == 429) {
            return new StoreUnavailableException(msg, cause);
        }
        return cause == null ? new KvStoreException(msg) : new KvStoreException(msg, cause);
    }
}
