package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Read-only {@code Map} and {@code List} views of Jackson trees, for the properties routes/customize.yaml reads
 * ({@code hullUser}, {@code hullAccount}, {@code hullEvent}): Simple and Camel's languages read Maps, and a view costs
 * nothing for the users whose customization reads nothing (a copy of a user's 60 traits, every user, would).
 */
public final class JsonMaps {

    private JsonMaps() {
    }

    /** An object as a Map of its fields; anything else as an empty Map. */
    public static Map<String, Object> of(JsonNode object) {
        return object != null && object.isObject() ? new ObjectView(object) : Map.of();
    }

    /** A value as Java: text, number, boolean, null, a Map view of an object, a List view of an array. */
    static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            return new ObjectView(node);
        }
        if (node.isArray()) {
            return new ArrayView(node);
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return node.asText();
    }

    private static final class ObjectView extends AbstractMap<String, Object> {
        private final JsonNode object;

        ObjectView(JsonNode object) {
            this.object = object;
        }

        @Override
        public Object get(Object key) {
            return key instanceof String name ? value(object.get(name)) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && object.has(name);
        }

        @Override
        public int size() {
            return object.size();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return fields.hasNext();
                        }

                        @Override
                        public Entry<String, Object> next() {
                            Map.Entry<String, JsonNode> field = fields.next();
                            return new SimpleImmutableEntry<>(field.getKey(), value(field.getValue()));
                        }
                    };
                }

                @Override
                public int size() {
                    return object.size();
                }
            };
        }
    }

    private static final class ArrayView extends AbstractList<Object> {
        private final JsonNode array;

        ArrayView(JsonNode array) {
            this.array = array;
        }

        @Override
        public Object get(int index) {
            return value(array.get(index));
        }

        @Override
        public int size() {
            return array.size();
        }
    }
}
