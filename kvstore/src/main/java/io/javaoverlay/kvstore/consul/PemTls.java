package io.javaoverlay.kvstore.consul;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an {@link SSLContext} from the PEM files Consul deployments use (Ecwid only takes
 * Java key stores). Supported keys: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA
 * ({@code RSA PRIVATE KEY}) and SEC1 EC ({@code EC PRIVATE KEY}, what {@code consul tls cert create}
 * writes). Encrypted keys are not supported.
 */
final class PemTls {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {
    }

    /** An SSLContext trusting {@code ca} (or the JVM default if null) and presenting cert/key if given. */
    static SSLContext sslContext(Path ca, Path cert, Path key) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (ca != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(ca)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (cert != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                Collection<? extends Certificate> chain = certificates(cert);
                ks.setKeyEntry("client", privateKey(key), NO_PASSWORD, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, NO_PASSWORD);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build TLS context from CA " + ca + ", certificate " + cert + ", key "
                    + key + ": " + e.getMessage(), e);
        }
    }

    static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] pem = Files.readAllBytes(file);
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem));
        if (certs.isEmpty()) {
            throw new IOException("no PEM certificate found in " + file);
        }
        return certs;
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der, file);
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                            wrapPkcs8(RSA_ALGORITHM_ID, der)));
                case "EC PRIVATE KEY":
                    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                            wrapPkcs8(ecAlgorithmId(der, file), der)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException("private key " + file + " is encrypted; give an unencrypted PEM key");
                default:
                    // EC PARAMETERS and the like precede the key in some files; skip them.
            }
        }
        throw new IOException("no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) in " + file);
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException("unsupported PKCS#8 private key in " + file);
    }

    // AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
    private static final byte[] RSA_ALGORITHM_ID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    // OID id-ecPublicKey (1.2.840.10045.2.1), DER-encoded with tag and length
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** AlgorithmIdentifier { id-ecPublicKey, namedCurve } with the curve OID taken from SEC1's [0] field. */
    private static byte[] ecAlgorithmId(byte[] sec1, Path file) throws IOException {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING,
        //                             parameters [0] OID OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
        int[] seq = header(sec1, 0);
        int pos = seq[0];
        int end = seq[0] + seq[1];
        while (pos < end) {
            int tag = sec1[pos] & 0xff;
            int[] h = header(sec1, pos);
            if (tag == 0xa0) {
                byte[] curveOid = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                return der(0x30, concat(EC_PUBLIC_KEY_OID, curveOid));
            }
            pos = h[0] + h[1];
        }
        throw new IOException("EC private key in " + file + " does not name its curve");
    }

    /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }. */
    private static byte[] wrapPkcs8(byte[] algorithmId, byte[] key) {
        return der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithmId, der(0x04, key)));
    }

    /** Returns {contentStart, contentLength} of the DER element at {@code pos}. */
    private static int[] header(byte[] d, int pos) throws IOException {
        if (pos + 2 > d.length) {
            throw new IOException("truncated DER");
        }
        int len = d[pos + 1] & 0xff;
        int start = pos + 2;
        if (len > 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (d[start + i] & 0xff);
            }
            start += n;
        }
        if (start + len > d.length) {
            throw new IOException("truncated DER");
        }
        return new int[] {start, len};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
