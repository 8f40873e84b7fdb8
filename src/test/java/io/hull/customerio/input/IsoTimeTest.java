package io.hull.customerio.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The formatter-free reading of the common ISO shape answers exactly what the JDK's parsers answer. */
class IsoTimeTest {

    /** What InputRules.isoTime answered before it had a fast path: the JDK's parsers alone. */
    private static Instant jdk(String text) {
        return InputRules.jdkIsoTime(text);
    }

    @Test
    void edgeCasesAnswerAsTheJdk() {
        List<String> texts = List.of("2018-03-08T19:33:19Z", "2018-03-08T19:33:19.5Z", "2018-03-08T19:33:19.123456789Z",
                "2018-03-08T19:33:19.1234567890Z", "2018-03-08T19:33:19.Z", "2020-02-29T00:00:00Z", "2019-02-29T00:00:00Z",
                "2018-04-31T10:00:00Z", "2018-13-01T10:00:00Z", "2018-00-01T10:00:00Z", "2018-01-00T10:00:00Z",
                "2018-01-01T24:00:00Z", "2018-01-01T23:60:00Z", "2018-01-01T23:59:60Z", "2018-01-01T10:00:00+02:00",
                "2018-01-01T10:00:00-05:30", "2018-01-01T10:00:00+18:00", "2018-01-01T10:00:00+18:01",
                "2018-01-01T10:00:00+19:00", "2018-01-01T10:00:00+02:60", "2018-01-01T10:00:00+0200",
                "2018-01-01T10:00:00+02:00:30", "2018-01-01T10:00:00z", "2018-01-01t10:00:00Z", "2018-01-01T10:00Z",
                "2018-01-01T10:00:00", "2018-01-01", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                "+12018-01-01T10:00:00Z", "2018-01-01T10:00:00ZZ", "2018-01-01T10:00:00 Z", "2018-01-01T1a:00:00Z",
                "٢٠١٨-01-01T10:00:00Z", "2018-01-01T10:00:00.١Z", "2018-01-01T10:00:00.123+01:00", "");
        for (String text : texts) {
            assertThat(InputRules.isoTime(text)).as(text).isEqualTo(jdk(text));
        }
    }

    @Test
    void randomTimesAnswerAsTheJdk() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String fraction = switch (random.nextInt(4)) {
                case 0 -> "";
                default -> "." + String.valueOf(1_000_000_000L + random.nextInt(1_000_000_000)).substring(1, 2 + random.nextInt(9));
            };
            String offset = random.nextBoolean() ? "Z"
                    : String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(62));
            texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62), fraction, offset));
        }
        int common = 0;
        for (String text : texts) {
            Instant fast = InputRules.commonIsoTime(text);
            if (fast != null) {
                common++;
                assertThat(fast).as(text).isEqualTo(jdk(text));
            } else {
                assertThat(InputRules.isoTime(text)).as(text).isEqualTo(jdk(text));
            }
        }
        assertThat(common).as("times read by the fast path").isGreaterThan(2_000);
    }
}
