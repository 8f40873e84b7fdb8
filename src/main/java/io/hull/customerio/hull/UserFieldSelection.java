package io.hull.customerio.hull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * Which fields of a notification's user objects the connector reads, given the notification's
 * {@code connector} object (its {@code private_settings} say which attributes are synchronized).
 * {@link NotificationParser} leaves the other fields out of the users it builds; the rules that read
 * user fields say which ones they are (io.hull.customerio.sync.UserFieldsRead).
 */
@FunctionalInterface
public interface UserFieldSelection {

    Predicate<String> fieldsRead(JsonNode connector);
}
