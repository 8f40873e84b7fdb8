package io.hull.customerio.sync;

import io.hull.customerio.customerio.AttributeChunker;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.stereotype.Component;

/**
 * What split {@code split-attribute-chunks} of route sync-user splits: the customer's attributes (the body) in
 * identify bodies of at most {@code customerio.attributes-per-request} each, in order. An Expression bean: a
 * {@code method} expression copies the whole exchange on every evaluation.
 */
@Component("attributeChunks")
public class AttributeChunks extends ExpressionAdapter {

    private final AttributeChunker chunker;

    public AttributeChunks(AttributeChunker chunker) {
        this.chunker = chunker;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object evaluate(Exchange exchange) {
        List<Map<String, Object>> chunks = chunker.chunks(exchange.getMessage().getBody(Map.class));
        exchange.getProperty(UserSync.PROPERTY, UserSync.class).calls(chunks.size());
        return chunks;
    }
}
