package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Splits a customer's attributes into identify bodies of at most {@code customerio.attributes-per-request}
 * attributes each (Hull documents 30 per call; Customer.io accepts more today, hence a setting). With
 * {@code customerio.api=v2-batch}, {@code customerio.batch.attributes-per-identify} (300: Customer.io's documented
 * most attributes of one identify call), since each chunk is only an item of a shared request there.
 */
@Component("attributeChunker")
public class AttributeChunker {

    private final int perRequest;

    public AttributeChunker(CustomerIoProperties customerIo) {
        boolean v2 = customerIo.isV2Batch();
        int chunk = v2 ? customerIo.getBatch().getAttributesPerIdentify() : customerIo.getAttributesPerRequest();
        if (chunk < 1) {
            throw new IllegalArgumentException((v2 ? "customerio.batch.attributes-per-identify" : "customerio.attributes-per-request")
                    + " must be at least 1");
        }
        this.perRequest = chunk;
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
