package io.hull.customerio.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Customer.io's webhook signature, computed independently of the code under test. */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    /** {@code X-CIO-Signature}: hex HMAC-SHA256(key, "v0:" + timestamp + ":" + body). */
    public static String sign(String key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headers of a webhook Customer.io signs now: JSON, {@code X-CIO-Timestamp} and {@code X-CIO-Signature}. */
    public static Map<String, String> headers(String key, byte[] body) {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        return Map.of("Content-Type", "application/json", "X-CIO-Timestamp", timestamp, "X-CIO-Signature", sign(key, timestamp, body));
    }
}
