package io.hull.customerio.webhook;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The expected Hull event name of every object type and metric the issue lists, written out by hand
 * (not derived from the table under test); RudderStack's names where it has one.
 */
final class ExpectedEventNames {

    private ExpectedEventNames() {}

    private static final String[] ROWS = {
            "customer, subscribed, Customer Subscribed",
            "customer, unsubscribed, Customer Unsubscribed",
            "customer, cio_subscription_preferences_changed, Customer Subscription Preferences Changed",
            "email, drafted, Email Drafted",
            "email, attempted, Email Attempted",
            "email, sent, Email Sent",
            "email, delivered, Email Delivered",
            "email, opened, Email Opened",
            "email, clicked, Email Link Clicked",
            "email, converted, Email Converted",
            "email, bounced, Email Bounced",
            "email, dropped, Email Dropped",
            "email, spammed, Email Marked as Spam",
            "email, failed, Email Failed",
            "email, unsubscribed, Email Unsubscribed",
            "email, undeliverable, Email Undeliverable",
            "push, drafted, Push Drafted",
            "push, attempted, Push Attempted",
            "push, sent, Push Sent",
            "push, delivered, Push Delivered",
            "push, opened, Push Opened",
            "push, clicked, Push Link Clicked",
            "push, converted, Push Converted",
            "push, bounced, Push Bounced",
            "push, dropped, Push Dropped",
            "push, failed, Push Failed",
            "push, undeliverable, Push Undeliverable",
            "sms, drafted, SMS Drafted",
            "sms, attempted, SMS Attempted",
            "sms, sent, SMS Sent",
            "sms, delivered, SMS Delivered",
            "sms, clicked, SMS Link Clicked",
            "sms, converted, SMS Converted",
            "sms, bounced, SMS Bounced",
            "sms, failed, SMS Failed",
            "sms, undeliverable, SMS Undeliverable",
            "in_app, drafted, In-App Message Drafted",
            "in_app, sent, In-App Message Sent",
            "in_app, opened, In-App Message Opened",
            "in_app, clicked, In-App Message Link Clicked",
            "in_app, converted, In-App Message Converted",
            "in_app, failed, In-App Message Failed",
            "slack, drafted, Slack Message Drafted",
            "slack, attempted, Slack Message Attempted",
            "slack, sent, Slack Message Sent",
            "slack, clicked, Slack Message Link Clicked",
            "slack, converted, Slack Message Converted",
            "slack, failed, Slack Message Failed",
            "webhook, drafted, Webhook Message Drafted",
            "webhook, attempted, Webhook Message Attempted",
            "webhook, sent, Webhook Message Sent",
            "webhook, clicked, Webhook Message Link Clicked",
            "webhook, converted, Webhook Message Converted",
            "webhook, failed, Webhook Message Failed",
            "webhook, undeliverable, Webhook Message Undeliverable",
            "whatsapp, drafted, WhatsApp Message Drafted",
            "whatsapp, attempted, WhatsApp Message Attempted",
            "whatsapp, sent, WhatsApp Message Sent",
            "whatsapp, delivered, WhatsApp Message Delivered",
            "whatsapp, opened, WhatsApp Message Opened",
            "whatsapp, clicked, WhatsApp Message Link Clicked",
            "whatsapp, converted, WhatsApp Message Converted",
            "whatsapp, bounced, WhatsApp Message Bounced",
            "whatsapp, failed, WhatsApp Message Failed",
            "whatsapp, undeliverable, WhatsApp Message Undeliverable",
            "whatsapp, replied, WhatsApp Message Replied",
            // not known yet: same rule, still a name
            "carrier_pigeon, landed_safely, Carrier Pigeon Landed Safely",
            "email, forwarded, Email Forwarded",
    };

    /** (object_type, metric, expected name) */
    static Stream<Arguments> all() {
        return Arrays.stream(ROWS).map(row -> row.split(",\\s*")).map(c -> Arguments.of(c[0], c[1], c[2]));
    }
}
