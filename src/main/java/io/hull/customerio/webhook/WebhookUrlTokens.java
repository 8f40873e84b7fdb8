package io.hull.customerio.webhook;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.http.RequestRejectedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * The token of a Hull connector's own webhook URL, {@code /webhooks/{connectorId}/{token}}: the connector's organization
 * and secret, encrypted and authenticated with AES-256-GCM under a key of {@code connector.webhook-url-keys}, the
 * connector id as associated data (a token names one connector: under another id it does not open).
 *
 * <p>{@code token} = base64url without padding of: the key id's length (1 byte), the key id (UTF-8), the 12-byte
 * nonce, the ciphertext of {@code organization \n secret}, the 16-byte tag. The first key makes new tokens; every key
 * opens them, so a key is rotated by putting a new one first and dropping the old one once Customer.io has the new
 * URLs. A token that does not open says nothing of why (wrong key, altered, another connector).
 */
@Component("webhookUrlTokens")
public class WebhookUrlTokens {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** A token is at most this long: organization and secret are short; anything longer is refused unread. */
    static final int MAX_TOKEN_CHARS = 1024;

    private final Map<String, SecretKey> keys;
    private final String newKeyId;
    private final SecureRandom random = new SecureRandom();

    public WebhookUrlTokens(ConnectorProperties connector) {
        this.keys = keys(connector.getWebhookUrlKeys());
        this.newKeyId = keys.isEmpty() ? null : keys.keySet().iterator().next();
    }

    /** Whether tokens can be made and opened: {@code connector.webhook-url-keys} is set. */
    public boolean configured() {
        return newKeyId != null;
    }

    /** A new token for the connector (a new nonce each time: two tokens of one connector differ, both open). */
    public String token(HullCredentials hull) {
        if (!configured()) {
            throw new IllegalStateException("connector.webhook-url-keys is not set");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, keys.get(newKeyId), nonce, hull.connectorId(),
                (hull.organization() + "\n" + hull.secret()).getBytes(StandardCharsets.UTF_8));
        byte[] keyId = newKeyId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer token = ByteBuffer.allocate(1 + keyId.length + NONCE_BYTES + sealed.length);
        token.put((byte) keyId.length).put(keyId).put(nonce).put(sealed);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /**
     * The credentials the token holds for {@code connectorId}; 401 {@code invalid_webhook_url} when it does not open
     * under any key for that connector id (the same answer whatever the reason, and never the token in it).
     */
    public HullCredentials open(String connectorId, String token) {
        if (!configured()) {
            throw RequestRejectedException.unauthorized("webhook_urls_not_configured",
                    "this connector has no connector.webhook-url-keys to open connector webhook URLs with");
        }
        HullCredentials hull = tryOpen(connectorId, token);
        if (hull == null) {
            throw RequestRejectedException.unauthorized("invalid_webhook_url",
                    "the webhook URL's token is not one of this connector's for connector " + safeId(connectorId));
        }
        return hull;
    }

    /**
     * Whether {@code /webhooks/{connectorId}/{token}} opens: a request whose token does not is refused before its body
     * is read ({@code RequestBodyCap}).
     */
    public boolean acceptsPath(String path) {
        String[] segments = path == null ? new String[0] : path.split("/", -1);
        return configured() && segments.length == 4 && tryOpen(segments[2], segments[3]) != null;
    }

    private HullCredentials tryOpen(String connectorId, String token) {
        if (connectorId == null || connectorId.isBlank() || token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return null;
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            int keyIdLength = Byte.toUnsignedInt(bytes.get());
            if (bytes.remaining() < keyIdLength + NONCE_BYTES + TAG_BITS / 8) {
                return null;
            }
            byte[] keyId = new byte[keyIdLength];
            bytes.get(keyId);
            SecretKey key = keys.get(new String(keyId, StandardCharsets.UTF_8));
            if (key == null) {
                return null;
            }
            byte[] nonce = new byte[NONCE_BYTES];
            bytes.get(nonce);
            byte[] sealed = new byte[bytes.remaining()];
            bytes.get(sealed);
            String[] plain = new String(crypt(Cipher.DECRYPT_MODE, key, nonce, connectorId, sealed), StandardCharsets.UTF_8)
                    .split("\n", 2);
            return plain.length == 2 ? new HullCredentials(plain[0], connectorId, plain[1]) : null;
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException | IllegalStateException e) {
            return null;
        }
    }

    private static byte[] crypt(int mode, SecretKey key, byte[] nonce, String connectorId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(connectorId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("does not open");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName());
        }
    }

    /** A connector id as a reason may quote it: what the URL said, cut and without control characters. */
    public static String safeId(String connectorId) {
        String id = connectorId == null ? "" : connectorId.replaceAll("[^A-Za-z0-9._-]", "?");
        return id.length() > 64 ? id.substring(0, 64) + "…" : id;
    }

    /** {@code keyId:base64key} entries, in order; what is wrong with one (never its key) as a list of problems. */
    public static List<String> problems(List<String> entries) {
        List<String> problems = new ArrayList<>();
        parse(entries, problems);
        return problems;
    }

    private static Map<String, SecretKey> keys(List<String> entries) {
        List<String> problems = new ArrayList<>();
        Map<String, SecretKey> keys = parse(entries, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("connector.webhook-url-keys: " + String.join("; ", problems));
        }
        return keys;
    }

    /** The keys by id, in order (the first of an id counts); what is wrong with an entry (never its key) to {@code problems}. */
    private static Map<String, SecretKey> parse(List<String> entries, List<String> problems) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).trim();
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                problems.add("entry " + (i + 1) + " is not keyId:base64key");
                continue;
            }
            String id = entry.substring(0, colon);
            if (id.getBytes(StandardCharsets.UTF_8).length > 255 || !id.matches("[A-Za-z0-9._-]+")) {
                problems.add("entry " + (i + 1) + ": the key id must be letters, digits, '.', '_' or '-' (at most 255)");
                continue;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                problems.add("key " + id + " is not base64");
                continue;
            }
            if (key.length != 32) {
                problems.add("key " + id + " is not 32 bytes (AES-256)");
                continue;
            }
            keys.putIfAbsent(id, new SecretKeySpec(key, "AES"));
        }
        return keys;
    }
}
