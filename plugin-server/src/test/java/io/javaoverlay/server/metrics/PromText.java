package io.javaoverlay.server.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a {@code # HELP}, a {@code # TYPE} or a sample of a family whose TYPE came first; label values
 * are unescaped. Returns sample → value, the sample written as {@code name{k="v",...}} with labels
 * sorted, or the bare name without labels.
 */
public final class PromText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");

    private PromText() {
    }

    public static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, String> types = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (t.matches()) {
                    if (types.put(t.group(1), t.group(2)) != null) {
                        throw new IllegalArgumentException("line " + n + ": second TYPE for " + t.group(1));
                    }
                } else if (!HELP.matcher(line).matches()) {
                    throw new IllegalArgumentException("line " + n + ": bad comment: " + line);
                }
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            if (!s.matches()) {
                throw new IllegalArgumentException("line " + n + ": not a sample: " + line);
            }
            String name = s.group(1);
            String family = family(name, types);
            if (family == null) {
                throw new IllegalArgumentException("line " + n + ": sample " + name + " without a TYPE line before it");
            }
            Map<String, String> labels = new java.util.TreeMap<>();
            if (s.group(3) != null && !s.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(s.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                    end = l.end();
                }
                if (end != s.group(3).length()) {
                    throw new IllegalArgumentException("line " + n + ": bad labels: " + s.group(3));
                }
            }
            double v = switch (s.group(4)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(s.group(4));
            };
            String key = labels.isEmpty() ? name : name + labels.entrySet().stream()
                    .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(java.util.stream.Collectors.joining(",", "{", "}"));
            if (!seen.add(key)) {
                throw new IllegalArgumentException("line " + n + ": duplicate sample " + key);
            }
            out.put(key, v);
        }
        return out;
    }

    private static String family(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_total", "_bucket", "_count", "_sum", "_created"}) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return null;
    }
}
