package io.hull.customerio.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run measured: per item of the issue a table of goal vs measured (pass/fail only where the
 * issue sets a goal), free-form sections (profiles), and every raw number as JSON.
 */
final class Results {

    /** {@code verdict}: "pass", "FAIL" or "" (no goal, for information). */
    record Row(String item, String metric, String goal, String measured, String verdict) {
    }

    private final Map<String, Object> machine;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> sections = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> details = new LinkedHashMap<>();

    Results(Map<String, Object> machine) {
        this.machine = machine;
    }

    void row(String item, String metric, String goal, String measured, Boolean pass) {
        Row row = new Row(item, metric, goal, measured, pass == null ? "" : pass ? "pass" : "FAIL");
        rows.add(row);
        System.out.printf("[%s] %s: %s (goal %s) %s%n", item, metric, measured, goal.isEmpty() ? "-" : goal, row.verdict());
    }

    void info(String item, String metric, String measured) {
        row(item, metric, "", measured, null);
    }

    void detail(String scenario, String key, Object value) {
        details.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).put(key, value);
    }

    void section(String title, String markdown) {
        sections.put(title, markdown);
        System.out.println("\n## " + title + "\n" + markdown);
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Benchmark results\n\n## Machine\n\n");
        machine.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        String item = null;
        for (Row row : rows) {
            if (!row.item().equals(item)) {
                item = row.item();
                md.append("\n## ").append(item).append("\n\n| metric | goal | measured | |\n|---|---|---|---|\n");
            }
            md.append("| ").append(row.metric()).append(" | ").append(row.goal()).append(" | ").append(row.measured())
                    .append(" | ").append(row.verdict()).append(" |\n");
        }
        sections.forEach((title, text) -> md.append("\n## ").append(title).append("\n\n").append(text).append('\n'));
        return md.toString();
    }

    /** {@code <dir>/<stamp>.md} and {@code <dir>/<stamp>.json}. */
    void write(Path dir, String stamp) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("rows", rows);
        json.put("details", details);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(stamp + ".md"), markdown());
            new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(stamp + ".json").toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("\nresults: " + dir.resolve(stamp + ".md") + " and .json");
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
