package io.hull.customerio.hull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.http.RequestRejectedException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * Checks that a smart-notifier request really comes from Hull: the
 * {@code X-Hull-Smart-Notifier-Signature} header is an RS256 JWT signed with Hull's key, issued ({@code iat})
 * within {@code hull.notifier.max-signature-age}, and its {@code jti} names the notification in the body.
 * <p>
 * Hull's signature covers only the {@code jti}, not the body (Hull's protocol), so a captured header would
 * otherwise be good for any body: the signatures seen recently are remembered with a digest of their body
 * (at most {@code hull.notifier.replay-cache-size}, each for the signature age). The same signature with the
 * same bytes is Hull sending the notification again and is taken; with other bytes it is refused.
 */
@Component("notifierSignatureVerifier")
public class NotifierSignatureVerifier {

    public static final String SIGNATURE_HEADER = "X-Hull-Smart-Notifier-Signature";
    public static final String VERSION_HEADER = "X-Hull-Smart-Notifier-Signature-Version";

    private static final Logger log = LoggerFactory.getLogger(NotifierSignatureVerifier.class);
    /** Hull's clocks and ours may disagree a little. */
    private static final long CLOCK_SKEW_MILLIS = 60_000;

    private final boolean enabled;
    private final RSASSAVerifier verifier;
    private final long maxAgeMillis;
    /** jti → SHA-256 of the body it came with. */
    private final Cache<String, byte[]> seen;

    public NotifierSignatureVerifier(HullProperties hull, ResourceLoader resources) {
        this.enabled = hull.getNotifier().isVerifySignature();
        Duration maxAge = hull.getNotifier().getMaxSignatureAge();
        this.maxAgeMillis = maxAge == null || maxAge.isNegative() ? 0 : maxAge.toMillis();
        this.seen = Caffeine.newBuilder()
                .maximumSize(Math.max(1, hull.getNotifier().getReplayCacheSize()))
                // a signature older than the age limit is refused anyway; without a limit, an hour
                .expireAfterWrite(Duration.ofMillis((maxAgeMillis > 0 ? maxAgeMillis : 3_600_000) + CLOCK_SKEW_MILLIS))
                .build();
        if (!enabled) {
            log.warn("hull.notifier.verify-signature=false: smart-notifier signatures are NOT checked. "
                    + "Anyone who can reach /smart-notifier can push users to Customer.io. Use this for local development only.");
            this.verifier = null;
        } else if (hull.getNotifier().getPublicKey() == null || hull.getNotifier().getPublicKey().isBlank()) {
            log.error("hull.notifier.public-key is not set: every smart-notifier request will be refused with 401.");
            this.verifier = null;
        } else {
            this.verifier = new RSASSAVerifier(NotifierPublicKey.read(hull.getNotifier().getPublicKey(), resources));
        }
    }

    /** Signatures are checked but there is no key to check them with: every notification is refused 401. */
    public boolean refusesEverything() {
        return enabled && verifier == null;
    }

    /**
     * Verifies the signature header before the body is even parsed.
     *
     * @return the {@code jti} the signature was issued for, to be matched against the body with
     *         {@link #checkIssuedFor}; {@code null} when verification is disabled
     * @throws RequestRejectedException 401 when the signature is missing, malformed, expired or wrong
     */
    public String verify(@Header(SIGNATURE_HEADER) String signature, @Header(VERSION_HEADER) String version) {
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
        Date issued = claims.getIssueTime();
        if (issued != null && issued.getTime() - CLOCK_SKEW_MILLIS > now) {
            throw unauthorized("signature is issued in the future (iat more than a minute ahead of the connector's clock)");
        }
        if (maxAgeMillis > 0) {
            if (issued == null) {
                throw unauthorized("signature has no iat, so its age cannot be checked (hull.notifier.max-signature-age)");
            }
            if (now - issued.getTime() > maxAgeMillis) {
                throw unauthorized("signature is older than hull.notifier.max-signature-age");
            }
        }
        if (claims.getJWTID() == null) {
            throw unauthorized("signature names no notification (no jti)");
        }
        return claims.getJWTID();
    }

    /** The same checks as {@link #verify}, for a request that is not read if it fails them ({@code RequestBodyCap}). */
    public boolean accepts(String signature, String version) {
        try {
            verify(signature, version);
            return true;
        } catch (RequestRejectedException refused) {
            return false;
        }
    }

    /** What the body is remembered by: its SHA-256 ({@code null} when signatures are not checked). */
    public byte[] bodyDigest(byte[] body) {
        return enabled ? sha256(body) : null;
    }

    /**
     * A signature goes with one body: the first notification it came with is remembered (once it was found to be
     * the one the signature names, so that a body that is not cannot take the signature from a later good one), the
     * same bytes again are a re-send (taken), other bytes are refused. Memory stays bounded: a signature forgotten
     * early (more than {@code replay-cache-size} notifications within the signature age) is taken with the next
     * body it comes with.
     */
    public void checkNotReused(@ExchangeProperty("signedNotificationId") String signedNotificationId,
                               @ExchangeProperty("notificationDigest") byte[] digest) {
        if (!enabled) {
            return;
        }
        byte[] first = seen.asMap().putIfAbsent(signedNotificationId, digest);
        if (first != null && !MessageDigest.isEqual(first, digest)) {
            throw RequestRejectedException.unauthorized("signature_reused",
                    "this signature (jti) came with another body before: a re-sent notification must be sent unchanged");
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
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
}
