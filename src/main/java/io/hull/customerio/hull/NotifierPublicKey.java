package io.hull.customerio.hull;

import io.hull.customerio.config.InvalidSettingsException;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ResourceUtils;

/**
 * Hull's RSA public key, from {@code hull.notifier.public-key}: a PEM {@code PUBLIC KEY} (or a {@code CERTIFICATE}
 * holding it), at a Spring resource location ({@code file:}, {@code classpath:}) or a plain file path. Whatever is
 * wrong is said as the setting, what is wrong and how to fix it ({@link InvalidSettingsException}), never as the
 * parser's words; nothing of the file's content is repeated.
 */
public final class NotifierPublicKey {

    public static final String SETTING = "hull.notifier.public-key";
    private static final String FIX = "give the PEM file of Hull's public key (-----BEGIN PUBLIC KEY-----), "
            + "e.g. hull.notifier.public-key=file:/etc/connector/hull-notifier.pem";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private NotifierPublicKey() {
    }

    /** {@code file:} in front of a plain path: a web application would otherwise look for it in its servlet context. */
    public static String location(String setting) {
        String trimmed = setting.trim();
        return ResourceUtils.isUrl(trimmed) ? trimmed : "file:" + trimmed;
    }

    public static RSAPublicKey read(String setting, ResourceLoader resources) {
        String location = location(setting);
        Resource resource = resources.getResource(location);
        byte[] content;
        try (InputStream in = resource.getInputStream()) {
            content = in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw problem("there is no file at " + location, FIX);
        } catch (IOException | IllegalArgumentException e) {
            throw problem(location + " cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check that the file exists and the connector's user may read it");
        }
        String text = new String(content, StandardCharsets.US_ASCII);
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw problem(location + " is not a PEM file (no -----BEGIN ...----- block)", FIX);
        }
        String type = pem.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.group(2));
        } catch (IllegalArgumentException e) {
            throw problem(location + " holds a " + type + " block that is not valid base64", FIX);
        }
        PublicKey key = switch (type) {
            case "PUBLIC KEY" -> publicKey(der, location);
            case "CERTIFICATE" -> certificateKey(der, location);
            case "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY" -> throw problem(
                    location + " holds a private key, not a public key",
                    "give Hull's public key instead (openssl pkey -in private.pem -pubout writes it), and keep private keys off this machine");
            case "RSA PUBLIC KEY" -> throw problem(location + " holds a PKCS#1 RSA PUBLIC KEY",
                    "convert it to a PUBLIC KEY with: openssl rsa -RSAPublicKey_in -in key.pem -pubout");
            default -> throw problem(location + " holds a " + type + ", not a PUBLIC KEY", FIX);
        };
        if (!(key instanceof RSAPublicKey rsa)) {
            throw problem(location + " holds a " + key.getAlgorithm() + " key; Hull signs with RS256, an RSA key", FIX);
        }
        return rsa;
    }

    private static PublicKey publicKey(byte[] der, String location) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw problem(location + " holds a PUBLIC KEY block that is not an RSA public key", FIX);
        }
    }

    private static PublicKey certificateKey(byte[] der, String location) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw problem(location + " holds a CERTIFICATE block that cannot be read as an X.509 certificate", FIX);
        }
    }

    private static InvalidSettingsException problem(String problem, String fix) {
        return InvalidSettingsException.of(SETTING, problem, fix);
    }
}
