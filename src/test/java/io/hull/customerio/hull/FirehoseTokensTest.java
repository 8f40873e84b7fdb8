package io.hull.customerio.hull;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The firehose's per-user token, checked the way Hull checks it: HMAC-SHA256 over header.payload with the secret. */
class FirehoseTokensTest {

    private final FirehoseTokens tokens = new FirehoseTokens();

    @Test
    void isAnHs256TokenSignedWithTheSecretForTheUser() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef";
        UserClaims user = new UserClaims("u1", "a@example.com", "e1", null);

        String token = tokens.asUser(new HullCredentials("org.hullapp.io", "connector-1", secret), user);

        assertSignedWith(token, secret);
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("connector-1");
        assertThat(jwt.getJWTClaimsSet().getIssueTime()).isNotNull();
        assertThat(jwt.getJWTClaimsSet().getStringClaim("io.hull.subjectType")).isEqualTo("user");
        assertThat(jwt.getJWTClaimsSet().getJSONObjectClaim("io.hull.asUser"))
                .isEqualTo(Map.of("id", "u1", "email", "a@example.com", "external_id", "e1"));
    }

    @Test
    void aShortSecretSignsAsHullSignsWithIt() throws Exception {
        String secret = "short";

        String token = tokens.asUser(new HullCredentials("org.hullapp.io", "connector-1", secret),
                new UserClaims("u1", null, null, null));

        assertSignedWith(token, secret);
    }

    @Test
    void everyTokenCarriesItsOwnUser() throws Exception {
        HullCredentials hull = new HullCredentials("org.hullapp.io", "connector-1", "0123456789abcdef0123456789abcdef");

        String first = tokens.asUser(hull, new UserClaims("u1", null, null, null));
        String second = tokens.asUser(hull, new UserClaims("u2", null, null, null));

        assertThat(first.substring(0, first.indexOf('.'))).isEqualTo(second.substring(0, second.indexOf('.')));
        assertThat(SignedJWT.parse(second).getJWTClaimsSet().getJSONObjectClaim("io.hull.asUser")).isEqualTo(Map.of("id", "u2"));
        assertSignedWith(first, "0123456789abcdef0123456789abcdef");
        assertSignedWith(second, "0123456789abcdef0123456789abcdef");
    }

    /** Computed with the JDK alone and the secret's raw bytes, as Hull's side does it. */
    private static void assertSignedWith(String token, String secret) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlDecoder().decode(parts[2])).isEqualTo(expected);
        assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).isEqualTo("{\"alg\":\"HS256\"}");
    }
}
