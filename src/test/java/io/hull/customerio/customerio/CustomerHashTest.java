package io.hull.customerio.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hash Hull stores as {@code customerio/hash}: it must not change between versions of the connector, or every
 * user would be sent again after an upgrade. So it is pinned to SHA-256 of the canonical JSON, written out here.
 */
class CustomerHashTest {

    private final CustomerHash hash = new CustomerHash();

    @Test
    void isSha256OfTheCanonicalJson() throws Exception {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("email", "zoë@example.com");
        attributes.put("created_at", 1522420682L);
        attributes.put("hull_segments", List.of("Hull Users", "Ünicode"));

        String canonical = "{\"attributes\":{\"created_at\":1522420682,\"email\":\"zoë@example.com\","
                + "\"hull_segments\":[\"Hull Users\",\"Ünicode\"]},\"id\":\"zoë@example.com\"}";
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(hash.of("zoë@example.com", attributes)).isEqualTo(expected);
    }

    @Test
    void aRelationshipOrAnObjectTypeIsPartOfTheHashAndNoneLeavesItAsBefore() throws Exception {
        Map<String, Object> attributes = Map.of("email", "a@b.c");
        String canonical = "{\"attributes\":{\"email\":\"a@b.c\"},\"cio_relationships\":[{\"identifiers\":"
                + "{\"object_id\":\"acme\",\"object_type_id\":\"1\"}}],\"id\":\"x\"}";
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));

        assertThat(hash.of("x", attributes, Map.of("cio_relationships",
                List.of(Map.of("identifiers", Map.of("object_type_id", "1", "object_id", "acme")))))).isEqualTo(expected);
        assertThat(hash.of("x", attributes, Map.of())).isEqualTo(hash.of("x", attributes));
    }

    @Test
    void keepsCharactersOutsideTheBmpAndLoneSurrogatesAsBefore() throws Exception {
        // what the hash has always been: the canonical JSON as a String, then UTF-8 (an emoji as its 4 bytes,
        // a lone surrogate as '?'), never Jackson's escapes
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("hull_segments", List.of("Launch 🚀", "broken \uD800 name"));

        String canonical = "{\"attributes\":{\"hull_segments\":[\"Launch 🚀\",\"broken \uD800 name\"]},\"id\":\"x\"}";
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(hash.of("x", attributes)).isEqualTo(expected);
    }

    @Test
    void doesNotDependOnTheOrderOfAttributes() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("a", 1);
        one.put("b", "two");
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("b", "two");
        other.put("a", 1);

        assertThat(hash.of("x", one)).isEqualTo(hash.of("x", other)).isNotEqualTo(hash.of("y", one));
    }
}
