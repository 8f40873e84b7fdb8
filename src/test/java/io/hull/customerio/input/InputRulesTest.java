package io.hull.customerio.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "'\"2018-01-01\"'                  | 2018-01-01T00:00:00Z",
            "'\"2018-01-01T10:00:00Z\"'        | 2018-01-01T10:00:00Z",
            "'\"2018-01-01T10:00:00.123+02:00\"' | 2018-01-01T08:00:00.123Z",
            "'\"2018-01-01T10:00:00\"'         | 2018-01-01T10:00:00Z",
            "'\"2018-01-01 10:00:00 UTC\"'     | 2018-01-01T10:00:00Z",
            "'\"2018-01-01 10:00:00\"'         | 2018-01-01T10:00:00Z",
            "1514800800                        | 2018-01-01T10:00:00Z",
            "1514800800123                     | 2018-01-01T10:00:00.123Z"})
    void everyDateShapeHullSendsIsRead(String json, String expected) throws Exception {
        assertThat(InputRules.instant(JSON.readTree(json))).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"'\"yesterday\"'", "'\"2018-13-01\"'", "'\"\"'", "-5", "true", "null", "'{}'"})
    void anythingElseIsNoTime(String json) throws Exception {
        JsonNode value = JSON.readTree(json);
        assertThat(InputRules.instant(value)).isNull();
    }
}
