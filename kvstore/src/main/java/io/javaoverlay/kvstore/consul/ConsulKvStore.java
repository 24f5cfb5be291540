package io.javaoverlay.kvstore.consul;

import com.ecwid.consul.SingleUrlParameters;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvKeys;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.LeaseExpiredException;
import io.javaoverlay.kvstore.StoreLease;
import io.javaoverlay.kvstore.TxnAbortedException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link KvStore} on Consul's HTTP API: {@code /v1/kv} for reads, writes, CAS ({@code ?cas=}) and
 * lock acquisition ({@code ?acquire=}), {@code /v1/txn} for transactions and delete-if-index,
 * {@code /v1/session} for leases. The calls go through {@link ConsulCalls} (the JDK's HTTP client,
 * Ecwid's query parameters), listings and watches through {@link ConsulListing} (streamed,
 * millisecond waits). Every key is stored under {@link ConsulConfig#prefix()}.
 *
 * <p>Two HTTP clients: one for ordinary calls (read timeout = request timeout, so a dead agent
 * fails fast) and one for blocking watches (read timeout above the longest wait).
 * Leases are Consul sessions with a TTL, {@code Behavior=delete} and {@code LockDelay=0}; Consul
 * accepts TTLs of 10 s to 24 h, and may take up to twice the TTL to invalidate a session.
 */
public final class ConsulKvStore implements KvStore {
    /** Consul's session TTL bounds; requested TTLs are clamped into them. */
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(10);
    /** Consul's largest session TTL. */
    public static final Duration MAX_LEASE_TTL = Duration.ofHours(24);
    private static final int MAX_GET_RETRIES = 5;
    private static final SingleUrlParameters RECURSE = new SingleUrlParameters("recurse");

    private final ConsulConfig config;
    private final String root;
    private final ConsulHttp http;
    private final ConsulHttp watchHttp;
    private final ConsulCalls calls;
    private final QueryParams dc;

    private ConsulKvStore(ConsulConfig config, SSLContext ssl) {
        this.config = config;
        this.root = config.prefix();
        this.http = new ConsulHttp(config, ssl, config.requestTimeout());
        Duration watchRead = config.maxWatchWait().plus(config.maxWatchWait().dividedBy(16))
                .plus(config.requestTimeout());
        this.watchHttp = new ConsulHttp(config, ssl, watchRead);
        this.calls = new ConsulCalls(http);
        this.dc = config.datacenter() == null ? QueryParams.DEFAULT : new QueryParams(config.datacenter());
    }

    /**
     * Creates a store for {@code config}. Does not contact Consul (callers must be able to start
     * while it is down); the first operation reports {@link io.javaoverlay.kvstore.StoreUnavailableException}.
     *
     * @throws KvStoreException if the TLS files cannot be read
     */
    public static ConsulKvStore open(ConsulConfig config) throws KvStoreException {
        Objects.requireNonNull(config, "config");
        try {
            return new ConsulKvStore(config, ConsulHttp.sslContextFor(config));
        } catch (IOException e) {
            throw new KvStoreException("Consul " + config.describe() + ": " + e.getMessage(), e);
        }
    }

    /** The configuration this store was opened with. */
    public ConsulConfig config() {
        return config;
    }

    @Override
    public Optional<KvEntry> get(String key) throws KvStoreException {
        KvKeys.requireValidKey(key);
        String what = "get '" + key + "'";
        ConsulCalls.Answer r = calls.get(what, "/v1/kv/" + root + key, dc);
        if (r.status() == 404) {
            return Optional.empty();
        }
        ConsulErrors.requireOk(what, r);
        // [{"Key":..,"Value":base64|null,"ModifyIndex":..}]; a key written with no value reads as empty
        JsonNode kv = ConsulErrors.json(what, r).path(0);
        KvEntry e = kv.isObject() ? ConsulListing.entryFrom(kv, root) : null;
        if (e == null) {
            throw new KvStoreException(what + ": unreadable answer from Consul: " + r.text());
        }
        return Optional.of(e);
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        return ConsulListing.read(http, root, prefix, config.datacenter(), 0, 0,
                "list '" + prefix + "'").entries();
    }

    @Override
    public void put(String key, byte[] value) throws KvStoreException {
        write(key, value, new PutParams(), "put");
    }

    @Override
    public void putIfAbsent(String key, byte[] value) throws KvStoreException {
        PutParams p = new PutParams();
        p.setCas(0L); // Consul: cas=0 writes only if the key does not exist
        write(key, value, p, "putIfAbsent");
    }

    @Override
    public void compareAndSet(String key, byte[] value, long expectedIndex) throws KvStoreException {
        PutParams p = new PutParams();
        p.setCas(expectedIndex);
        write(key, value, p, "compareAndSet at index " + expectedIndex);
    }

    private void write(String key, byte[] value, PutParams params, String what) throws KvStoreException {
        KvKeys.requireValidKey(key);
        Objects.requireNonNull(value, "value");
        String op = what + " '" + key + "'";
        boolean ok = ConsulErrors.written(op, calls.put(op, "/v1/kv/" + root + key, value, params, dc));
        ConsulErrors.requireWritten(ok, op + " lost: the key was changed, created or deleted since");
    }

    @Override
    public void delete(String key) throws KvStoreException {
        KvKeys.requireValidKey(key);
        String what = "delete '" + key + "'";
        ConsulErrors.requireOk(what, calls.delete(what, "/v1/kv/" + root + key, dc));
    }

    @Override
    public void deleteIfIndex(String key, long expectedIndex) throws KvStoreException {
        KvKeys.requireValidKey(key);
        // Not ?cas= on DELETE: Consul answers true for a missing key, and we must conflict.
        try {
            txn(List.of(new TxnOp.DeleteIfIndex(key, expectedIndex)));
        } catch (TxnAbortedException e) {
            throw new CasConflictException("deleteIfIndex '" + key + "' at index " + expectedIndex
                    + " lost: the key was changed or deleted since");
        }
    }

    @Override
    public void deletePrefix(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        String what = "deletePrefix '" + prefix + "'";
        ConsulErrors.requireOk(what, calls.delete(what, "/v1/kv/" + root + prefix, RECURSE, dc));
    }

    @Override
    public List<KvEntry> txn(List<TxnOp> ops) throws KvStoreException {
        List<TxnOp> checked = KvKeys.requireValidTxn(ops);
        if (checked.isEmpty()) {
            return List.of();
        }
        // One round trip when every Get's key exists (the common case: a Get reads a record that is
        // there); a key guessed wrongly costs one more (Consul names every failing op).
        boolean[] existing = new boolean[checked.size()];
        java.util.Arrays.fill(existing, true);
        for (int attempt = 1; ; attempt++) {
            ConsulTxn t = new ConsulTxn(root, checked, existing);
            byte[] body;
            try {
                body = t.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KvStoreException("transaction: cannot encode request: " + e, e);
            }
            String what = "transaction of " + checked.size() + " operations";
            ConsulCalls.Answer r = calls.put(what, "/v1/txn", body, dc);
            if (r.status() == 409) {
                List<ConsulTxn.Failure> failures = ConsulTxn.parseFailures(r.text());
                // A failing op that is not a Get fails whatever the Gets guessed: a Get changes nothing.
                ConsulTxn.Failure real = null;
                List<Integer> wrongGuesses = new ArrayList<>();
                for (ConsulTxn.Failure f : failures) {
                    int op = t.originOf(f.consulOpIndex());
                    if (op >= 0 && checked.get(op) instanceof TxnOp.Get && ConsulTxn.isExistenceFailure(f.what())) {
                        wrongGuesses.add(op);
                    } else if (real == null) {
                        real = f;
                    }
                }
                if (real == null && attempt < MAX_GET_RETRIES) {
                    wrongGuesses.forEach(op -> existing[op] = !existing[op]);
                    continue; // a read key was guessed wrongly (or appeared or vanished meanwhile)
                }
                ConsulTxn.Failure f = real != null ? real : failures.get(0);
                int op = t.originOf(f.consulOpIndex());
                throw new TxnAbortedException(op, "transaction rolled back at operation " + op + ": " + f.what());
            }
            ConsulErrors.requireOk(what, r);
            try {
                return t.reads(r.text());
            } catch (IOException e) {
                throw new KvStoreException("transaction committed but its answer is unreadable: " + e, e);
            }
        }
    }

    @Override
    public WatchResult watch(String prefix, long index, Duration maxWait) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        Objects.requireNonNull(maxWait, "maxWait");
        Duration capped = maxWait.compareTo(config.maxWatchWait()) > 0 ? config.maxWatchWait() : maxWait;
        long deadline = System.nanoTime() + Math.max(0, capped.toNanos());
        while (true) {
            long waitMs = (deadline - System.nanoTime()) / 1_000_000;
            ConsulListing.Answer r = ConsulListing.read(watchHttp, root, prefix, config.datacenter(),
                    index, waitMs, "watch '" + prefix + "'");
            List<KvEntry> entries = r.entries();
            // Consul's blocking-query rules: an index of 0 is treated as 1, and an index lower
            // than the one we sent means the store was reset (snapshot restore, new cluster).
            long got = Math.max(1, r.index());
            if (index <= 0 || got > index) {
                return new WatchResult(got, entries, false);
            }
            if (got < index) {
                return new WatchResult(got, entries, true);
            }
            if (System.nanoTime() >= deadline) {
                return new WatchResult(index, entries, false);
            }
            // Same index before our deadline: Consul may wake early; wait for the rest.
        }
    }

    @Override
    public Lease createLease(String name, Duration ttl) throws KvStoreException {
        KvKeys.requireValidLease(name, ttl);
        Duration effective = ttl.compareTo(MIN_LEASE_TTL) < 0 ? MIN_LEASE_TTL
                : ttl.compareTo(MAX_LEASE_TTL) > 0 ? MAX_LEASE_TTL : ttl;
        ObjectNode s = ConsulTxn.JSON.createObjectNode();
        s.put("Name", name);
        s.put("TTL", effective.toSeconds() + "s");
        s.put("Behavior", "delete");
        s.put("LockDelay", "0s"); // keys of a dead host may be re-claimed at once
        String what = "create lease '" + name + "'";
        ConsulCalls.Answer r = calls.putJson(what, "/v1/session/create", s, dc);
        ConsulErrors.requireOk(what, r);
        String id = ConsulErrors.json(what, r).path("ID").asText("");
        if (id.isEmpty()) {
            throw new KvStoreException(what + ": Consul's answer has no session ID: " + r.text());
        }
        // A session with TTL and Behavior=delete, clamped to Consul's 10 s .. 24 h; Consul may take up
        // to 2×TTL to invalidate it.
        return new StoreLease(this, id, name, Duration.ofSeconds(effective.toSeconds()), this::renewSession,
                this::destroySession);
    }

    @Override
    public void putWithLease(String key, byte[] value, Lease lease) throws KvStoreException {
        KvKeys.requireValidKey(key);
        Objects.requireNonNull(value, "value");
        if (!(lease instanceof StoreLease sl) || sl.store() != this) {
            throw new IllegalArgumentException("lease " + lease + " was not created by this Consul store");
        }
        PutParams p = new PutParams();
        p.setAcquireSession(lease.id());
        String what = "putWithLease '" + key + "'";
        if (!ConsulErrors.written(what, calls.put(what, "/v1/kv/" + root + key, value, p, dc))) {
            if (!sessionExists(lease.id())) {
                throw new LeaseExpiredException("lease " + lease.id() + " has expired; cannot bind key '" + key + "'");
            }
            throw new CasConflictException("key '" + key + "' is held by another lease");
        }
    }

    private boolean sessionExists(String id) throws KvStoreException {
        String what = "look up lease " + id;
        ConsulCalls.Answer r = calls.get(what, "/v1/session/info/" + ConsulCalls.segment(id), dc);
        ConsulErrors.requireOk(what, r);
        // [session] while it exists; [] or null (older agents) once it is gone
        return ConsulErrors.json(what, r).path(0).isObject();
    }

    /** Renews a lease: {@code PUT /v1/session/renew/<id>}. */
    private void renewSession(String id) throws KvStoreException {
        String what = "renew lease " + id;
        ConsulCalls.Answer r = calls.put(what, "/v1/session/renew/" + ConsulCalls.segment(id), null, dc);
        if (r.status() == 404) {
            throw new LeaseExpiredException(what + ": lease " + id
                    + " has expired or was closed; create a new one and rewrite its keys");
        }
        ConsulErrors.requireOk(what, r);
    }

    /** Ends a lease: {@code PUT /v1/session/destroy/<id>}; Consul deletes the session's keys. */
    private void destroySession(String id) throws KvStoreException {
        String what = "end lease " + id;
        ConsulErrors.requireOk(what, calls.put(what, "/v1/session/destroy/" + ConsulCalls.segment(id), null, dc));
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public void close() {
        http.close();
        watchHttp.close();
    }
}
