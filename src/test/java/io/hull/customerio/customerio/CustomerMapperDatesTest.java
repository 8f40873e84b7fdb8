package io.hull.customerio.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Attributes named *_at / *_date holding an ISO-8601 date go to Customer.io as unix seconds. */
class CustomerMapperDatesTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "2018-03-13T15:21:17Z, 1520954477",
            "2017-06-05T15:22:28+00:00, 1496676148",
            "2018-03-17T18:33:16.847Z, 1521311596",
            "2018-03-13T15:21:17, 1520954477",
            "1990-05-12, 642470400",
    })
    void isoDatesBecomeUnixSeconds(String text, long seconds) {
        assertThat(CustomerMapper.unixSecondsOrText(text)).isEqualTo(seconds);
    }

    @ParameterizedTest
    @CsvSource({"yesterday", "2018-13-45", "12/03/2018"})
    void otherTextStaysText(String text) {
        assertThat(CustomerMapper.unixSecondsOrText(text)).isEqualTo(text);
    }
}
