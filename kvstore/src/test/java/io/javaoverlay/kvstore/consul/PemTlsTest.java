package io.javaoverlay.kvstore.consul;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEM parsing for the Consul TLS options, on fixtures made with openssl (src/test/resources/pem). */
class PemTlsTest {
    private static Path pem(String name) throws URISyntaxException {
        return Path.of(PemTlsTest.class.getResource("/pem/" + name).toURI());
    }

    @Test
    void readsSec1EcKeys() throws Exception {
        PrivateKey k = PemTls.privateKey(pem("ec-sec1-key.pem"));
        assertEquals("EC", k.getAlgorithm());
    }

    @Test
    void readsPkcs1AndPkcs8RsaKeysToTheSameKey() throws Exception {
        PrivateKey pkcs1 = PemTls.privateKey(pem("rsa-pkcs1-key.pem"));
        PrivateKey pkcs8 = PemTls.privateKey(pem("rsa-pkcs8-key.pem"));
        assertEquals("RSA", pkcs1.getAlgorithm());
        assertEquals(pkcs8, pkcs1);
    }

    @Test
    void buildsAContextWithCaAndClientCertificate() throws Exception {
        assertNotNull(PemTls.sslContext(pem("rsa-cert.pem"), pem("ec-cert.pem"), pem("ec-sec1-key.pem")));
        assertNotNull(PemTls.sslContext(null, null, null));
    }

    @Test
    void aFileWithoutAKeyIsReportedByName() throws Exception {
        Path cert = pem("rsa-cert.pem");
        IOException e = assertThrows(IOException.class, () -> PemTls.privateKey(cert));
        assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
        Path empty = Files.createTempFile("jo-empty", ".pem");
        try {
            IOException e2 = assertThrows(IOException.class, () -> PemTls.sslContext(empty, null, null));
            assertTrue(e2.getMessage().contains(empty.toString()), e2.getMessage());
        } finally {
            Files.delete(empty);
        }
    }
}
