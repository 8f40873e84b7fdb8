package io.hull.customerio.sync;

import io.hull.customerio.account.AccountRelationships;
import io.hull.customerio.customerio.AttributeChunker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        if (user.relatedObjectId() != null || user.formerObjectId() != null) {
            chunks = withRelationships(chunks, user);
        }
        user.calls(chunks.size());
        return chunks;
    }

    /**
     * The relationship to the user's account goes with its first chunk ({@code cio_relationships}, not an attribute);
     * the removal of the one to the account it left is a call of its own, before them.
     */
    private static List<Map<String, Object>> withRelationships(List<Map<String, Object>> chunks, UserSync user) {
        List<Map<String, Object>> calls = new ArrayList<>(chunks.size() + 1);
        if (user.formerObjectId() != null) {
            calls.add(Map.of(AccountRelationships.PAYLOAD_KEY,
                    AccountRelationships.v1("delete_relationships", user.objectTypeId(), user.formerObjectId())));
        }
        for (int i = 0; i < chunks.size(); i++) {
            Map<String, Object> chunk = chunks.get(i);
            if (i == 0 && user.relatedObjectId() != null) {
                chunk = new LinkedHashMap<>(chunk);
                chunk.put(AccountRelationships.PAYLOAD_KEY,
                        AccountRelationships.v1("add_relationships", user.objectTypeId(), user.relatedObjectId()));
            }
            calls.add(chunk);
        }
        return calls;
    }
}
