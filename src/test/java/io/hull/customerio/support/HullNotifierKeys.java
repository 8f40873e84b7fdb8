package io.hull.customerio.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Date;

/** Plays Hull's smart notifier: an RSA key pair, its public key as a PEM file, and signed JWTs. */
public final class HullNotifierKeys {

    private final RSAKey key;
    private final Path publicKeyFile;

    public HullNotifierKeys() {
        try {
            this.key = new RSAKeyGenerator(2048).generate();
            this.publicKeyFile = Files.createTempFile("hull-notifier", ".pem");
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.toRSAPublicKey().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(publicKeyFile, pem);
            publicKeyFile.toFile().deleteOnExit();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String publicKeyLocation() {
        return "file:" + publicKeyFile;
    }

    /** A signature as Hull sends it: RS256, {@code jti} = the notification id, valid for a few minutes. */
    public String sign(String notificationId) {
        return sign(key, notificationId, new Date(System.currentTimeMillis() + 300_000));
    }

    public static String signWith(RSAKey key, String notificationId, Date expires) {
        return sign(key, notificationId, expires);
    }

    private static String sign(RSAKey key, String notificationId, Date expires) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(notificationId).issueTime(new Date())
                .expirationTime(expires).issuer("hull").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public RSAKey key() {
        return key;
    }
}
