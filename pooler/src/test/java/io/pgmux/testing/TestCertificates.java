package io.pgmux.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS tests, with PEM files in a temporary directory: the CA certificate, a
 * server certificate for {@code localhost} / {@code 127.0.0.1}, one for another host (a verify-full mismatch),
 * and client certificates named by their CommonName. Private keys are PKCS#8 ({@code BEGIN PRIVATE KEY}) with
 * mode 0600, as libpq, pgjdbc and PostgreSQL want them; {@link #serverPkcs1Key()} is the server's key again in
 * OpenSSL's traditional PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}). Close it to delete the files.
 */
public final class TestCertificates implements AutoCloseable {
    /** CommonName and SAN of the certificate that is not valid for 127.0.0.1. */
    public static final String OTHER_HOST = "db.pgmux.invalid";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final Path caFile;
    private final Issued server;
    private final Path serverPkcs1Key;
    private final Issued otherHostServer;

    /** A certificate with its key, as PEM files. */
    public record Issued(X509Certificate certificate, Path cert, Path key) {
    }

    private TestCertificates(Path dir, String caName) throws IOException, GeneralSecurityException {
        this.dir = dir;
        this.caKeys = rsa();
        X500Name caSubject = new X500Name("CN=" + caName);
        X509v3CertificateBuilder ca = builder(caSubject, caSubject, caKeys);
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.caCertificate = sign(ca, caKeys.getPrivate());
        this.caFile = write("ca.crt", pem("CERTIFICATE", caCertificate.getEncoded()), false);
        this.server = issueServer("server", "localhost", new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        KeyPair serverKeys = new KeyPair(server.certificate().getPublicKey(), readPkcs8(server.key()));
        StringWriter pkcs1 = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pkcs1)) {
            // A KeyPair is written in OpenSSL's traditional form: BEGIN RSA PRIVATE KEY.
            writer.writeObject(serverKeys);
        }
        this.serverPkcs1Key = write("server-pkcs1.key", pkcs1.toString(), true);
        this.otherHostServer = issueServer("otherhost", OTHER_HOST,
                new GeneralName(GeneralName.dNSName, OTHER_HOST));
    }

    /** A new CA and its certificates in a new temporary directory. */
    public static TestCertificates create() {
        return create("pgmux test CA");
    }

    /** Like {@link #create()}, with the CA's CommonName (a second, untrusted CA). */
    public static TestCertificates create(String caName) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("pgmux-certs");
            return new TestCertificates(dir, caName);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (dir != null) {
                deleteTree(dir);
            }
            throw new IllegalStateException("cannot create test certificates", e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The CA certificate (PEM). */
    public Path caCert() {
        return caFile;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** CN=localhost with SAN DNS:localhost and IP:127.0.0.1. */
    public Issued server() {
        return server;
    }

    /** The key of {@link #server()} in PKCS#1 form. */
    public Path serverPkcs1Key() {
        return serverPkcs1Key;
    }

    /** A server certificate for {@link #OTHER_HOST} only: valid under verify-ca, not under verify-full. */
    public Issued otherHostServer() {
        return otherHostServer;
    }

    /** A client certificate whose CommonName is {@code commonName}; files named after it. */
    public Issued client(String commonName) {
        try {
            return issue("client-" + commonName, commonName, KeyPurposeId.id_kp_clientAuth);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another server certificate for localhost / 127.0.0.1, with a key of its own (a renewed certificate). */
    public Issued renewedServer(String fileName) {
        try {
            return issueServer(fileName, "localhost", new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    // ---- issuing ----

    private Issued issueServer(String fileName, String commonName, GeneralName... names)
            throws IOException, GeneralSecurityException {
        return issue(fileName, commonName, KeyPurposeId.id_kp_serverAuth, names);
    }

    private Issued issue(String fileName, String commonName, KeyPurposeId purpose, GeneralName... names)
            throws IOException, GeneralSecurityException {
        KeyPair keys = rsa();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + commonName), keys);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                utils.createAuthorityKeyIdentifier(caCertificate));
        if (names.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        X509Certificate certificate = sign(b, caKeys.getPrivate());
        Path cert = write(fileName + ".crt", pem("CERTIFICATE", certificate.getEncoded()), false);
        Path key = write(fileName + ".key", pem("PRIVATE KEY", keys.getPrivate().getEncoded()), true);
        return new Issued(certificate, cert, key);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
        try {
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static PrivateKey readPkcs8(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file);
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** PEM text: the DER bytes in Base64, 64 characters a line, between BEGIN and END lines. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private Path write(String name, String content, boolean secret) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        // libpq, pgjdbc and PostgreSQL refuse a private key that group or others may read.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
        return file;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
