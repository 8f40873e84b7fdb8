package io.hull.customerio.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The connector's error answer, {@code {"errors":[{"code":..., "reason":...}]}} (contract: every error answer). */
public final class JsonErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonErrors() {
    }

    /** The first error's code; "" when the body is JSON without one. */
    public static String code(String body) {
        return firstError(body).path("code").asText();
    }

    /** The first error's code is {@code code}, and its reason is a sentence, not a Java exception. */
    public static void assertError(String body, String code) {
        JsonNode error = firstError(body);
        assertThat(error.path("code").asText()).as("error code of %s", body).isEqualTo(code);
        assertThat(error.path("reason").asText()).isNotBlank().doesNotContain("Exception");
    }

    private static JsonNode firstError(String body) {
        try {
            return JSON.readTree(body).path("errors").path(0);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }
}
