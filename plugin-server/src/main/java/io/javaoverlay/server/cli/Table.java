package io.javaoverlay.server.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table: upper-case headers, columns left-aligned and two spaces apart, no trailing blanks. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int width;

    Table(String... headers) {
        this.width = headers.length;
        rows.add(headers);
    }

    /** Adds a row; null cells print as {@code -}. */
    Table row(Object... cells) {
        if (cells.length != width) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + width);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toArray(String[]::new));
        return this;
    }

    /** True when only the header is there. */
    boolean isEmpty() {
        return rows.size() == 1;
    }

    /** The table, one line per row, each ending in a newline. */
    String render() {
        int[] w = new int[width];
        for (String[] r : rows) {
            for (int i = 0; i < width; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width; i++) {
                line.append(r[i]);
                if (i < width - 1) {
                    line.append(" ".repeat(w[i] - r[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
