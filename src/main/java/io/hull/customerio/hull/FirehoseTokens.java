package io.hull.customerio.hull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.springframework.stereotype.Component;

/**
 * The per-entry {@code Hull-Access-Token} of a firehose call: an HS256 JWT signed with the
 * connector secret that says which user ({@code io.hull.asUser}) or account ({@code io.hull.asAccount}) the entry is about.
 */
@Component("firehoseTokens")
public class FirehoseTokens {

    /**
     * The same header for every token, encoded once: Nimbus re-encodes a header it built itself on every
     * signature and keeps the encoding of one it parsed (0.8 % of the user sync's CPU, docs/benchmarks.md).
     */
    private static final JWSHeader HS256_HEADER = encodedOnce(new JWSHeader(JWSAlgorithm.HS256));

    public String asUser(HullCredentials hull, UserClaims claims) {
        return as(hull, claims);
    }

    /** {@code io.hull.subjectType} is the subject's type, {@code io.hull.asUser} or {@code io.hull.asAccount} its claims. */
    public String as(HullCredentials hull, HullSubject subject) {
        String type = subject.subjectType();
        JWTClaimsSet jwtClaims = new JWTClaimsSet.Builder()
                .issuer(hull.connectorId())
                .issueTime(new Date())
                .claim("io.hull.subjectType", type)
                .claim("account".equals(type) ? "io.hull.asAccount" : "io.hull.asUser", subject.asMap())
                .build();
        SignedJWT jwt = new SignedJWT(HS256_HEADER, jwtClaims);
        try {
            jwt.sign(new MACSigner(padded(hull.secret())));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign firehose token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private static JWSHeader encodedOnce(JWSHeader header) {
        try {
            return JWSHeader.parse(header.toBase64URL());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("cannot encode the JWS header", e);
        }
    }

    /**
     * Nimbus refuses HS256 keys under 256 bits; Hull secrets are 32 hex characters (256 bits) but a
     * shorter one is padded with zero bytes, which HMAC does itself for keys under the block size,
     * so the signature is the one Hull computes.
     */
    private static byte[] padded(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length >= 32) {
            return key;
        }
        byte[] padded = new byte[32];
        System.arraycopy(key, 0, padded, 0, key.length);
        return padded;
    }
}
