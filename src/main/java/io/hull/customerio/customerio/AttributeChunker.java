package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Splits a customer's attributes into identify bodies of at most {@code customerio.attributes-per-request}
 * attributes each (Hull documents 30 per call; Customer.io accepts more today, hence a setting).
 */
@Component("attributeChunker")
public class AttributeChunker {

    private final int perRequest;

    public AttributeChunker(CustomerIoProperties customerIo) {
        if (customerIo.getAttributesPerRequest() < 1) {
            throw new IllegalArgumentException("customerio.attributes-per-request must be at least 1");
        }
        this.perRequest = customerIo.getAttributesPerRequest();
    }

    public List<Map<String, Object>> chunks(Map<String, Object> attributes) {
        List<Map<String, Object>> chunks = new ArrayList<>();
        Map<String, Object> current = new LinkedHashMap<>();
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            if (current.size() == perRequest) {
                chunks.add(current);
                current = new LinkedHashMap<>();
            }
            current.put(attribute.getKey(), attribute.getValue());
        }
        if (!current.isEmpty() || chunks.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }
}
