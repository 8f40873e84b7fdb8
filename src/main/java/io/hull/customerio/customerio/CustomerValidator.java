package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.sync.SyncSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Checks a customer against the length limits of the settings (UTF-8 bytes, as Customer.io counts).
 * Returns every problem, so one log line tells the whole story.
 */
@Component("customerValidator")
public class CustomerValidator {

    private final ObjectMapper json;

    public CustomerValidator(ObjectMapper json) {
        this.json = json;
    }

    public List<String> problems(String customerId, Map<String, Object> attributes, SyncSettings settings) {
        List<String> problems = new ArrayList<>();
        int idBytes = bytes(customerId);
        if (idBytes > settings.maxIdentifierValueLength()) {
            problems.add("identifier is " + idBytes + " bytes, more than max_identifier_value_length "
                    + settings.maxIdentifierValueLength());
        }
        attributes.forEach((name, value) -> {
            int nameBytes = bytes(name);
            if (nameBytes > settings.maxAttributeNameLength()) {
                problems.add("attribute name '" + abbreviate(name) + "' is " + nameBytes
                        + " bytes, more than max_attribute_name_length " + settings.maxAttributeNameLength());
            }
            int valueBytes = bytes(asText(value));
            if (valueBytes > settings.maxAttributeValueLength()) {
                problems.add("value of attribute '" + abbreviate(name) + "' is " + valueBytes
                        + " bytes, more than max_attribute_value_length " + settings.maxAttributeValueLength());
            }
        });
        return problems;
    }

    private String asText(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String abbreviate(String name) {
        return name.length() <= 60 ? name : name.substring(0, 60) + "…";
    }
}
