package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * SHA-256 of the customer payload in canonical JSON (keys sorted, no whitespace). Stable across
 * processes, JVMs and days, so a customer that did not change since the hash Hull stored for it is
 * recognised and not sent again.
 */
@Component("customerHash")
public class CustomerHash {

    private final ObjectMapper canonical = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public String of(String customerId, Map<String, Object> attributes) {
        return of(customerId, attributes, Map.of());
    }

    /**
     * With what else the call carries beside the attributes ({@code extra}: an object's type, a person's relationship):
     * a payload without extras hashes as it always did, so nothing is sent again for a connector that uses none.
     */
    public String of(String customerId, Map<String, Object> attributes, Map<String, Object> extra) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", customerId);
        payload.put("attributes", attributes);
        payload.putAll(extra);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    // through a String: Jackson's byte writer writes a character outside the BMP (an emoji) as two JSON
                    // escapes where the String's UTF-8 has its 4 bytes, and that would change the hash Hull stores
                    .digest(canonical.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash customer payload", e);
        }
    }
}
