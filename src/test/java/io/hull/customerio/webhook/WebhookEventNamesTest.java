package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookEventNamesTest {

    private final WebhookEventNames names = new WebhookEventNames();

    @ParameterizedTest(name = "{0} {1} → {2}")
    @MethodSource("io.hull.customerio.webhook.ExpectedEventNames#all")
    void everyObjectTypeAndMetricHasItsName(String objectType, String metric, String expected) {
        assertThat(names.name(objectType, metric)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "email_delivered, Email Delivered",
            "email_clicked, Email Link Clicked",
            "email_spammed, Email Marked as Spam",
            "email_opened, Email Opened",
            "customer_unsubscribed, Customer Unsubscribed",
            "in_app_opened, In-App Message Opened",
            "sms_sent, SMS Sent",
            "fax_sent, Fax Sent",
            "mystery, Mystery",
    })
    void legacyEventTypesUseTheSameNames(String eventType, String expected) {
        assertThat(names.legacyName(eventType)).isEqualTo(expected);
    }
}
