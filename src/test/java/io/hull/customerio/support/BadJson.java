package io.hull.customerio.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Valid JSON with one value where it should not be, as careless senders make it: for the doors' fuzz tests. */
public final class BadJson {

    private BadJson() {
    }

    /**
     * Replaces one value, anywhere in {@code root} (fields of the root named in {@code kept} excepted), by a random
     * bad one; returns where and what, for the test's message.
     */
    public static String replaceOneValue(ObjectNode root, Random random, String... kept) {
        List<String> paths = new ArrayList<>();
        List<JsonNode> parents = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        collect(root, "", Set.of(kept), paths, parents, keys);
        int pick = random.nextInt(paths.size());
        JsonNode bad = badValue(random);
        if (parents.get(pick) instanceof ObjectNode object) {
            object.set((String) keys.get(pick), bad);
        } else {
            ((ArrayNode) parents.get(pick)).set((Integer) keys.get(pick), bad);
        }
        String shown = bad.toString();
        return paths.get(pick) + " = " + (shown.length() <= 80 ? shown : shown.substring(0, 80) + "…");
    }

    private static void collect(JsonNode node, String path, Set<String> kept, List<String> paths, List<JsonNode> parents,
                                List<Object> keys) {
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (path.isEmpty() && kept.contains(name)) {
                    continue;
                }
                paths.add(path + "." + name);
                parents.add(node);
                keys.add(name);
                collect(node.get(name), path + "." + name, kept, paths, parents, keys);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                paths.add(path + "[" + i + "]");
                parents.add(node);
                keys.add(i);
                collect(node.get(i), path + "[" + i + "]", kept, paths, parents, keys);
            }
        }
    }

    private static JsonNode badValue(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(16)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(Long.MAX_VALUE);
            case 3 -> f.numberNode(-1e300);
            case 4 -> f.numberNode(new BigInteger("1" + "0".repeat(40)));
            case 5 -> f.textNode("");
            case 6 -> f.textNode("with\u0000nul\u0007and\nbreaks");
            case 7 -> f.textNode("x".repeat(200_000));
            case 8 -> f.textNode("Infinity");
            case 9 -> f.textNode("-000001-01-01T00:00:00Z");
            case 10 -> f.arrayNode();
            case 11 -> f.objectNode();
            case 12 -> f.arrayNode().add(f.objectNode().put("id", "x")).add(1).add(f.nullNode());
            case 13 -> f.objectNode().set("nested", f.objectNode().set("deeper", f.arrayNode().add("\uD800")));
            case 14 -> f.textNode("2018-02-30T25:61:61Z");
            default -> f.numberNode(random.nextDouble());
        };
    }
}
