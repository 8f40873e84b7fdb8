package io.hull.customerio.webhook;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.http.QueryStrings;
import io.hull.customerio.http.RequestRejectedException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import io.hull.customerio.connectors.ConnectorSettings;
import io.hull.customerio.connectors.HullConnector;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Checks that a webhook really comes from Customer.io, before anything in it is trusted:
 * <ul>
 *   <li>{@code customerio.webhook.signing-key} set: {@code X-CIO-Signature} must be the hex
 *       HMAC-SHA256 of {@code "v0:" + X-CIO-Timestamp + ":" + body}, over the body bytes exactly as received;</li>
 *   <li>{@code customerio.webhook.token} set: the query parameter {@code token} must match.</li>
 * </ul>
 * Both set: both must pass. Neither set (blank counts as unset): every webhook is refused, because an
 * open endpoint would let anyone write events onto Hull users. Comparisons are constant-time.
 * Reasons go to the caller and to the log, so they never contain a secret or the value received.
 */
@Component("webhookAuthenticator")
public class WebhookAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(WebhookAuthenticator.class);
    private static final String HMAC = "HmacSHA256";

    private final byte[] signingKey;
    private final byte[] token;
    private final Duration maxSignatureAge;
    /** A webhook came to POST /webhook and was refused for want of a signing key or token (then /status says so). */
    private volatile boolean refusedUnsecured;

    public WebhookAuthenticator(CustomerIoProperties customerIo) {
        CustomerIoProperties.Webhook settings = customerIo.getWebhook();
        this.signingKey = bytesOrNull(settings.getSigningKey());
        this.token = bytesOrNull(settings.getToken());
        this.maxSignatureAge = settings.getMaxSignatureAge();
        if (signingKey == null && token == null) {
            log.error("neither customerio.webhook.signing-key nor customerio.webhook.token is set: "
                    + "every Customer.io webhook on POST /webhook will be refused with 401.");
        }
    }

    public void verify(@Header("X-CIO-Signature") String signature,
                       @Header("X-CIO-Timestamp") String timestamp,
                       @Header(Exchange.HTTP_QUERY) String query,
                       byte[] body) {
        if (signingKey == null && token == null) {
            refusedUnsecured = true;
            throw unauthorized("webhook_auth_not_configured",
                    "the connector has neither a signing key nor a token to check webhooks with");
        }
        if (token != null) {
            checkToken(QueryStrings.parameter(query, "token"));
        }
        if (signingKey != null) {
            checkSignature(signature, timestamp, body == null ? new byte[0] : body);
        }
    }

    /** Whether a webhook was refused on POST /webhook because neither a signing key nor a token is set. */
    public boolean refusedUnsecured() {
        return refusedUnsecured;
    }

    /** Forgets that refusal (tests that start from a quiet /status). */
    public void forgetRefusal() {
        refusedUnsecured = false;
    }

    /**
     * Whether the query passes the token check (always, with no token configured; never, with nothing to check
     * webhooks with): a request that fails it is refused before its body is read ({@code RequestBodyCap}).
     */
    public boolean acceptsToken(String query) {
        if (signingKey == null && token == null) {
            return false;
        }
        try {
            if (token != null) {
                checkToken(QueryStrings.parameter(query, "token"));
            }
            return true;
        } catch (RequestRejectedException refused) {
            return false;
        }
    }

    private void checkToken(String received) {
        if (received == null || received.isEmpty()) {
            throw unauthorized("invalid_token", "missing ?token= query parameter");
        }
        if (!MessageDigest.isEqual(token, received.getBytes(StandardCharsets.UTF_8))) {
            throw unauthorized("invalid_token", "token does not match");
        }
    }

    /**
     * Step verify-connector-webhook-signature of a connector's own webhook URL: its token authenticated it already; when
     * the connector's {@code private_settings.webhook_signing_key} is set, {@code X-CIO-Signature} must match too.
     */
    public void verifyConnector(@ExchangeProperty(ConnectorSettings.CONNECTOR) HullConnector connector,
                                @Header("X-CIO-Signature") String signature, @Header("X-CIO-Timestamp") String timestamp,
                                byte[] body) {
        String key = connector.webhookSigningKey();
        if (key != null) {
            checkSignature(key.getBytes(StandardCharsets.UTF_8), signature, timestamp, body == null ? new byte[0] : body);
        }
    }

    private void checkSignature(String signature, String timestamp, byte[] body) {
        checkSignature(signingKey, signature, timestamp, body);
    }

    private void checkSignature(byte[] key, String signature, String timestamp, byte[] body) {
        if (signature == null || signature.isBlank()) {
            throw unauthorized("invalid_signature", "missing X-CIO-Signature header");
        }
        // unix seconds: up to 12 digits (the year 33658), so that the age below can never overflow
        if (timestamp == null || !timestamp.trim().matches("\\d{1,12}")) {
            throw unauthorized("invalid_signature", "missing or malformed X-CIO-Timestamp header (unix seconds expected)");
        }
        byte[] expected = HexFormat.of().formatHex(hmac(key, timestamp.trim(), body)).getBytes(StandardCharsets.US_ASCII);
        byte[] received = signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, received)) {
            throw unauthorized("invalid_signature", "X-CIO-Signature does not match the body");
        }
        if (maxSignatureAge != null && !maxSignatureAge.isZero() && !maxSignatureAge.isNegative()) {
            long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp.trim()));
            if (age > maxSignatureAge.toSeconds()) {
                throw unauthorized("signature_expired", "X-CIO-Timestamp is older than customerio.webhook.max-signature-age");
            }
        }
    }

    private static byte[] hmac(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("cannot compute HMAC-SHA256", e);
        }
    }

    private static byte[] bytesOrNull(String setting) {
        return setting == null || setting.isBlank() ? null : setting.getBytes(StandardCharsets.UTF_8);
    }

    private static RequestRejectedException unauthorized(String code, String reason) {
        return RequestRejectedException.unauthorized(code, reason);
    }
}
