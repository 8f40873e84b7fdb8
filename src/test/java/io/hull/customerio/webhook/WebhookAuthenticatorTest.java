package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.http.RequestRejectedException;
import io.hull.customerio.support.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookAuthenticatorTest {

    private static final byte[] BODY = "{\"event_id\":\"e1\",\"data\":{\"subject\":\"Grüße\"}}".getBytes(StandardCharsets.UTF_8);

    private static WebhookAuthenticator authenticator(String signingKey, String token, Duration maxAge) {
        CustomerIoProperties properties = new CustomerIoProperties();
        properties.getWebhook().setSigningKey(signingKey);
        properties.getWebhook().setToken(token);
        properties.getWebhook().setMaxSignatureAge(maxAge);
        return new WebhookAuthenticator(properties);
    }

    private static int status(Runnable check) {
        try {
            check.run();
            return 200;
        } catch (RequestRejectedException e) {
            return e.status();
        }
    }

    @Test
    void neitherSettingRefusesEverything() {
        WebhookAuthenticator open = authenticator(null, "  ", null);
        assertThatThrownBy(() -> open.verify(null, null, "token=anything", BODY))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.code()).isEqualTo("webhook_auth_not_configured");
                });
    }

    @Test
    void tokenOnly() {
        WebhookAuthenticator auth = authenticator("", "s3cret/+", null);
        assertThatCode(() -> auth.verify(null, null, "a=1&token=s3cret%2F%2B", BODY)).doesNotThrowAnyException();
        assertThat(status(() -> auth.verify(null, null, "token=s3cret", BODY))).isEqualTo(401);
        assertThat(status(() -> auth.verify(null, null, "other=s3cret/+", BODY))).isEqualTo(401);
        assertThat(status(() -> auth.verify(null, null, null, BODY))).isEqualTo(401);
    }

    @Test
    void signatureOnly() throws Exception {
        WebhookAuthenticator auth = authenticator("sign-key", null, null);
        String ts = "1613063089";
        String good = WebhookSignature.sign("sign-key", ts, BODY);
        assertThatCode(() -> auth.verify(good, ts, null, BODY)).doesNotThrowAnyException();
        assertThatCode(() -> auth.verify(good.toUpperCase(), ts, null, BODY)).doesNotThrowAnyException();
        assertThat(status(() -> auth.verify(good, "1613063090", null, BODY))).isEqualTo(401);
        assertThat(status(() -> auth.verify(WebhookSignature.sign("other-key", ts, BODY), ts, null, BODY))).isEqualTo(401);
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 3] = 'x';
        assertThat(status(() -> auth.verify(good, ts, null, tampered))).isEqualTo(401);
        assertThat(status(() -> auth.verify(null, ts, null, BODY))).isEqualTo(401);
        assertThat(status(() -> auth.verify(good, null, null, BODY))).isEqualTo(401);
    }

    @Test
    void bothSettingsBothMustPass() throws Exception {
        WebhookAuthenticator auth = authenticator("sign-key", "tok", null);
        String ts = "1613063089";
        String good = WebhookSignature.sign("sign-key", ts, BODY);
        assertThatCode(() -> auth.verify(good, ts, "token=tok", BODY)).doesNotThrowAnyException();
        assertThat(status(() -> auth.verify(good, ts, "token=nope", BODY))).isEqualTo(401);
        assertThat(status(() -> auth.verify("00", ts, "token=tok", BODY))).isEqualTo(401);
    }

    @Test
    void maxSignatureAgeIsOffByDefaultAndEnforcedWhenSet() throws Exception {
        String old = String.valueOf(Instant.now().minus(Duration.ofDays(3)).getEpochSecond());
        String now = String.valueOf(Instant.now().getEpochSecond());
        assertThatCode(() -> authenticator("k", null, null).verify(WebhookSignature.sign("k", old, BODY), old, null, BODY)).doesNotThrowAnyException();
        WebhookAuthenticator strict = authenticator("k", null, Duration.ofMinutes(10));
        assertThat(status(() -> strict.verify(WebhookSignature.sign("k", old, BODY), old, null, BODY))).isEqualTo(401);
        assertThatCode(() -> strict.verify(WebhookSignature.sign("k", now, BODY), now, null, BODY)).doesNotThrowAnyException();
    }

    @Test
    void reasonsNeverContainTheSecrets() {
        WebhookAuthenticator auth = authenticator("very-secret-key", "very-secret-token", null);
        assertThatThrownBy(() -> auth.verify("abc", "1", "token=wrong", BODY))
                .isInstanceOfSatisfying(RequestRejectedException.class, e ->
                        assertThat(e.reason()).doesNotContain("very-secret").doesNotContain("wrong"));
    }
}
