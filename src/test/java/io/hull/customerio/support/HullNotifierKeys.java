package io.hull.customerio.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plays Hull's smart notifier: an RSA key pair, its public key as a PEM file, signed JWTs, and notifications
 * signed as Hull sends them.
 */
public final class HullNotifierKeys {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A signature as Hull sends it: RS256, {@code jti} = the notification id, issued now, valid for a few minutes. */
    public String sign(String notificationId) {
        return sign(key, notificationId, Instant.now(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    /** A signature issued and expiring when given ({@code issued} null: no {@code iat} claim). */
    public String sign(String notificationId, Instant issued, Instant expires) {
        return sign(key, notificationId, issued, expires);
    }

    /** A signature of another key. */
    public static String signWith(RSAKey key, String notificationId, Date expires) {
        return sign(key, notificationId, Instant.now(), expires.toInstant());
    }

    /** The headers of a signed notification: JSON, the signature of its {@code notification_id}, version v1. */
    public Map<String, String> signedHeaders(String notificationId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Hull-Smart-Notifier-Signature", sign(notificationId));
        headers.put("X-Hull-Smart-Notifier-Signature-Version", "v1");
        return headers;
    }

    /** {@code POST <baseUrl>/smart-notifier} of {@code notification}, signed for its {@code notification_id}. */
    public HttpRequest signedRequest(String baseUrl, ObjectNode notification) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/smart-notifier"));
        signedHeaders(notification.path("notification_id").asText()).forEach(request::header);
        try {
            return request.POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(notification))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(RSAKey key, String notificationId, Instant issued, Instant expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(notificationId)
                .expirationTime(Date.from(expires)).issuer("hull");
        if (issued != null) {
            claims.issueTime(Date.from(issued));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
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
