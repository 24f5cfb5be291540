package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.Lease;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACL tokens and TLS against real agents: the token (sent only as X-Consul-Token) must reach
 * every code path (KV calls, txn, listings and watches, sessions), and PEM TLS with a client
 * certificate must work against an agent that requires one.
 */
@Tag("consul")
class ConsulSecurityIT {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aclTokenReachesEveryOperation() throws Exception {
        String token = UUID.randomUUID().toString();
        String acl = "acl {\n enabled = true\n default_policy = \"deny\"\n tokens {\n initial_management = \""
                + token + "\"\n }\n}\n";
        try (ConsulTestAgent agent = ConsulTestAgent.startOrSkip(new ConsulTestAgent.Options(acl, false))) {
            agent.awaitAclToken(token);
            ConsulConfig base = agent.config("jo-acl/");
            try (KvStore store = ConsulKvStore.open(base.withToken(token))) {
                exerciseEverything(store);
                store.put("visible-with-token", b("1"));
            }
            try (KvStore anonymous = ConsulKvStore.open(base)) {
                KvStoreException e = assertThrows(KvStoreException.class, () -> anonymous.put("x", b("1")));
                assertTrue(e.getMessage().contains("403"), e.getMessage());
                assertFalse(e.isRetryable());
                assertThrows(KvStoreException.class, () -> anonymous.txn(List.of(new TxnOp.Set("x", b("1")))));
                // Listings are filtered by ACLs rather than refused: the anonymous token sees nothing.
                assertEquals(List.of(), anonymous.watch("", 0, Duration.ZERO).entries());
                assertEquals(List.of(), anonymous.list(""));
            }
        }
    }

    @Test
    void pemTlsWithClientCertificate() throws Exception {
        try (ConsulTestAgent agent = ConsulTestAgent.startOrSkip(new ConsulTestAgent.Options("", true))) {
            ConsulConfig tls = agent.config("jo-tls/").withAddress(agent.httpsAddress())
                    .withTls(agent.caFile(), agent.clientCertFile(), agent.clientKeyFile());
            try (KvStore store = ConsulKvStore.open(tls)) {
                exerciseEverything(store);
            }
            // Without a client certificate the agent refuses the handshake: unavailable, not a hang.
            try (KvStore noCert = ConsulKvStore.open(tls.withTls(agent.caFile(), null, null))) {
                assertThrows(KvStoreException.class, () -> noCert.get("k"));
            }
        }
    }

    private static void exerciseEverything(KvStore store) throws Exception {
        store.put("k", b("1"));
        KvEntry e = store.get("k").orElseThrow();
        store.compareAndSet("k", b("2"), e.modifyIndex());
        store.putIfAbsent("n", b("x"));
        List<KvEntry> reads = store.txn(List.of(new TxnOp.Set("t", b("t")), new TxnOp.Get("k")));
        assertEquals("2", reads.get(0).valueAsString());
        WatchResult w = store.watch("", 0, Duration.ZERO);
        assertEquals(List.of("k", "n", "t"), w.entries().stream().map(KvEntry::key).toList());
        store.deleteIfIndex("t", store.get("t").orElseThrow().modifyIndex());
        try (Lease lease = store.createLease("sec", Duration.ofSeconds(10))) {
            store.putWithLease("leased", b("l"), lease);
            lease.renew();
        }
        assertFalse(store.get("leased").isPresent());
        store.deletePrefix("");
        assertEquals(List.of(), store.list(""));
    }
}
