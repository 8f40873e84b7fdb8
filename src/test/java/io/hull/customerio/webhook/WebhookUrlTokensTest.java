package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.http.RequestRejectedException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookUrlTokensTest {

    static final String KEY_1 = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
    static final String KEY_2 = "k2:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final HullCredentials ACME = new HullCredentials("acme.hullapp.io", "conn-a", "secret-a");

    private static WebhookUrlTokens tokens(String... keys) {
        ConnectorProperties connector = new ConnectorProperties();
        connector.setWebhookUrlKeys(List.of(keys));
        return new WebhookUrlTokens(connector);
    }

    @Test
    void aTokenOpensForItsConnectorOnlyAndSaysNothingOfTheSecret() {
        WebhookUrlTokens tokens = tokens(KEY_1);
        String token = tokens.token(ACME);

        assertThat(tokens.open("conn-a", token)).isEqualTo(ACME);
        assertThat(token).doesNotContain("secret-a").doesNotContain("acme").matches("[A-Za-z0-9_-]+");
        assertThat(tokens.token(ACME)).as("a new nonce each time").isNotEqualTo(token);
        assertThatThrownBy(() -> tokens.open("conn-b", token)).isInstanceOf(RequestRejectedException.class)
                .satisfies(e -> assertThat(((RequestRejectedException) e).status()).isEqualTo(401))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    }

    @Test
    void anAlteredOrForeignTokenDoesNotOpen() {
        WebhookUrlTokens tokens = tokens(KEY_1);
        String token = tokens.token(ACME);
        char last = token.charAt(token.length() - 2);
        String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);

        for (String bad : List.of(altered, "", "x", "%%%", tokens(KEY_2).token(ACME), "A".repeat(2000))) {
            assertThatThrownBy(() -> tokens.open("conn-a", bad)).isInstanceOf(RequestRejectedException.class);
        }
        assertThat(tokens.acceptsPath("/webhooks/conn-a/" + token)).isTrue();
        assertThat(tokens.acceptsPath("/webhooks/conn-a/" + altered)).isFalse();
        assertThat(tokens.acceptsPath("/webhooks/conn-b/" + token)).isFalse();
    }

    @Test
    void keysRotateTheFirstMakesEveryOneOpens() {
        String old = tokens(KEY_1).token(ACME);
        WebhookUrlTokens rotated = tokens(KEY_2, KEY_1);

        assertThat(rotated.open("conn-a", old)).isEqualTo(ACME);
        String fresh = rotated.token(ACME);
        assertThat(tokens(KEY_2).open("conn-a", fresh)).isEqualTo(ACME);
        assertThatThrownBy(() -> tokens(KEY_1).open("conn-a", fresh)).isInstanceOf(RequestRejectedException.class);
    }

    @Test
    void wrongKeysAreSaidWithoutTheirValue() {
        String secretish = Base64.getEncoder().encodeToString(new byte[16]);
        assertThat(WebhookUrlTokens.problems(List.of("nokey", "k:" + secretish, "k:!!", KEY_1)))
                .containsExactly("entry 1 is not keyId:base64key", "key k is not 32 bytes (AES-256)", "key k is not base64")
                .noneMatch(problem -> problem.contains(secretish));
    }
}
