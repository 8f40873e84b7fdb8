package io.hull.customerio.hull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.http.RequestRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.text.ParseException;
import java.util.Date;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * Checks that a smart-notifier request really comes from Hull: the
 * {@code X-Hull-Smart-Notifier-Signature} header is an RS256 JWT signed with Hull's key, and its
 * {@code jti} names the notification in the body (so a signature cannot be reused for another body).
 */
@Component("notifierSignatureVerifier")
public class NotifierSignatureVerifier {

    private static final Logger log = LoggerFactory.getLogger(NotifierSignatureVerifier.class);
    /** Hull's clocks and ours may disagree a little. */
    private static final long CLOCK_SKEW_MILLIS = 60_000;

    private final boolean enabled;
    private final RSASSAVerifier verifier;

    public NotifierSignatureVerifier(HullProperties hull, ResourceLoader resources) {
        this.enabled = hull.getNotifier().isVerifySignature();
        if (!enabled) {
            log.warn("hull.notifier.verify-signature=false: smart-notifier signatures are NOT checked. "
                    + "Anyone who can reach /smart-notifier can push users to Customer.io. Use this for local development only.");
            this.verifier = null;
        } else if (hull.getNotifier().getPublicKey() == null || hull.getNotifier().getPublicKey().isBlank()) {
            log.error("hull.notifier.public-key is not set: every smart-notifier request will be refused with 401.");
            this.verifier = null;
        } else {
            this.verifier = new RSASSAVerifier(loadKey(resources.getResource(hull.getNotifier().getPublicKey())));
        }
    }

    /**
     * Verifies the signature header before the body is even parsed.
     *
     * @return the {@code jti} the signature was issued for, to be matched against the body with
     *         {@link #checkIssuedFor}; {@code null} when verification is disabled
     * @throws RequestRejectedException 401 when the signature is missing, malformed, expired or wrong
     */
    public String verify(@Header("X-Hull-Smart-Notifier-Signature") String signature,
                         @Header("X-Hull-Smart-Notifier-Signature-Version") String version) {
        if (!enabled) {
            return null;
        }
        if (verifier == null) {
            throw unauthorized("the connector has no public key to verify Hull's signature (hull.notifier.public-key)");
        }
        if (signature == null || signature.isBlank()) {
            throw unauthorized("missing X-Hull-Smart-Notifier-Signature header");
        }
        if (!"v1".equals(version)) {
            throw unauthorized("X-Hull-Smart-Notifier-Signature-Version must be v1");
        }
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(signature);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
                throw unauthorized("signature must be an RS256 JWT");
            }
            if (!jwt.verify(verifier)) {
                throw unauthorized("signature does not verify with Hull's public key");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException e) {
            throw unauthorized("signature is not a valid JWT");
        }
        long now = System.currentTimeMillis();
        Date expires = claims.getExpirationTime();
        if (expires != null && expires.getTime() + CLOCK_SKEW_MILLIS < now) {
            throw unauthorized("signature has expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.getTime() - CLOCK_SKEW_MILLIS > now) {
            throw unauthorized("signature is not valid yet");
        }
        if (claims.getJWTID() == null) {
            throw unauthorized("signature names no notification (no jti)");
        }
        return claims.getJWTID();
    }

    /** A signature is only good for the notification it was issued for: {@code jti} = {@code notification_id}. */
    public void checkIssuedFor(@ExchangeProperty("signedNotificationId") String signedNotificationId, HullNotification notification) {
        if (enabled && !signedNotificationId.equals(notification.notificationId())) {
            throw unauthorized("signature was issued for another notification (jti does not match notification_id)");
        }
    }

    private static RequestRejectedException unauthorized(String reason) {
        return RequestRejectedException.unauthorized("invalid_signature", reason);
    }

    private static RSAPublicKey loadKey(Resource resource) {
        try (InputStream in = resource.getInputStream()) {
            // PEM "PUBLIC KEY" is base64 of an X.509 SubjectPublicKeyInfo, which the JDK reads as is.
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(pem);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot read Hull's public key from hull.notifier.public-key=" + resource.getDescription()
                    + ": " + e.getMessage(), e);
        }
    }
}
