package io.javaoverlay.kvstore.consul;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.ConsulRawClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Request;
import com.ecwid.consul.transport.HttpResponse;
import com.ecwid.consul.v1.kv.model.GetBinaryValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.ecwid.consul.v1.session.model.NewSession;
import com.ecwid.consul.v1.session.model.Session;
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
import org.apache.http.impl.client.CloseableHttpClient;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link KvStore} on Consul's KV store through Ecwid consul-api. Ecwid's typed client does the
 * plain reads, writes, CAS ({@code ?cas=}), lock acquisition and sessions; what it lacks
 * ({@code /v1/txn}, delete-if-index, millisecond blocking waits) goes through its raw client.
 * Every key is stored under {@link ConsulConfig#prefix()}.
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

    private final ConsulConfig config;
    private final String root;
    private final CloseableHttpClient http;
    private final CloseableHttpClient watchHttp;
    private final ConsulRawClient raw;
    private final ConsulRawClient watchRaw;
    private final ConsulClient client;
    private final QueryParams dc;

    private ConsulKvStore(ConsulConfig config, SSLContext ssl) {
        this.config = config;
        this.root = config.prefix();
        this.http = ConsulHttp.build(config, ssl, config.requestTimeout(), 64);
        Duration watchRead = config.maxWatchWait().plus(config.maxWatchWait().dividedBy(16))
                .plus(config.requestTimeout());
        this.watchHttp = ConsulHttp.build(config, ssl, watchRead, 256);
        String host = config.address().getScheme() + "://" + config.address().getHost();
        int port = config.address().getPort();
        this.raw = new ConsulRawClient(http, host, port, "");
        this.watchRaw = new ConsulRawClient(watchHttp, host, port, "");
        this.client = new ConsulClient(raw);
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
        GetBinaryValue v = ConsulErrors.call("get '" + key + "'",
                () -> client.getKVBinaryValue(root + key, dc).getValue());
        return v == null ? Optional.empty() : Optional.of(new KvEntry(key, v.getValue(), v.getModifyIndex()));
    }

    @Override
    public List<KvEntry> list(String prefix) throws KvStoreException {
        KvKeys.requireValidPrefix(prefix);
        return ConsulListing.read(http, config.address(), root, prefix, config.datacenter(), 0, 0,
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
        Boolean ok = ConsulErrors.call(what + " '" + key + "'",
                () -> client.setKVBinaryValue(root + key, value, params, dc).getValue());
        ConsulErrors.requireWritten(ok, what + " '" + key + "' lost: the key was changed, created or deleted since");
    }

    @Override
    public void delete(String key) throws KvStoreException {
        KvKeys.requireValidKey(key);
        ConsulErrors.call("delete '" + key + "'", () -> client.deleteKVValue(root + key, dc));
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
        ConsulErrors.call("deletePrefix '" + prefix + "'", () -> client.deleteKVValues(root + prefix, dc));
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
            HttpResponse r = ConsulErrors.call("transaction of " + checked.size() + " operations",
                    () -> raw.makePutRequest(Request.Builder.newBuilder().setEndpoint("/v1/txn")
                            .setBinaryContent(body).addUrlParameter(dc).build()));
            if (r.getStatusCode() == 409) {
                List<ConsulTxn.Failure> failures = ConsulTxn.parseFailures(r.getContent());
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
            ConsulErrors.requireOk("transaction of " + checked.size() + " operations", r);
            try {
                return t.reads(r.getContent());
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
            ConsulListing.Answer r = ConsulListing.read(watchHttp, config.address(), root, prefix, config.datacenter(),
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
        NewSession s = new NewSession();
        s.setName(name);
        s.setTtl(effective.toSeconds() + "s");
        s.setBehavior(Session.Behavior.DELETE);
        s.setLockDelay(0); // keys of a dead host may be re-claimed at once
        String id = ConsulErrors.call("create lease '" + name + "'", () -> client.sessionCreate(s, dc).getValue());
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
        Boolean ok = ConsulErrors.call("putWithLease '" + key + "'",
                () -> client.setKVBinaryValue(root + key, value, p, dc).getValue());
        if (!Boolean.TRUE.equals(ok)) {
            if (!sessionExists(lease.id())) {
                throw new LeaseExpiredException("lease " + lease.id() + " has expired; cannot bind key '" + key + "'");
            }
            throw new CasConflictException("key '" + key + "' is held by another lease");
        }
    }

    private boolean sessionExists(String id) throws KvStoreException {
        return ConsulErrors.call("look up lease " + id, () -> client.getSessionInfo(id, dc).getValue()) != null;
    }

    /** Renews a lease: {@code PUT /v1/session/renew/<id>}. */
    private void renewSession(String id) throws KvStoreException {
        ConsulErrors.callLease("renew lease " + id, id, () -> client.renewSession(id, dc));
    }

    /** Ends a lease: {@code PUT /v1/session/destroy/<id>}; Consul deletes the session's keys. */
    private void destroySession(String id) throws KvStoreException {
        ConsulErrors.call("end lease " + id, () -> client.sessionDestroy(id, dc));
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException ignored) {
            // closing sockets; nothing to recover
        }
        try {
            watchHttp.close();
        } catch (IOException ignored) {
            // same
        }
    }
}
