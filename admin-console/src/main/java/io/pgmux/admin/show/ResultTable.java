package io.pgmux.admin.show;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A result set in text format: the columns for RowDescription and rows of cells (null for SQL NULL) for DataRow. */
public record ResultTable(List<Column> columns, List<List<String>> rows) {
    public ResultTable {
        columns = List.copyOf(columns);
        List<List<String>> copy = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells for " + columns.size()
                        + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
