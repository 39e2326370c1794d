package io.pgmux.admin.show;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** The definition of one SHOW result: columns in PgBouncer's order, each with how its cell is printed from an item. */
public final class ShowTable<E> {
    private final List<Column> columns;
    private final List<Function<? super E, String>> cells;

    private ShowTable(List<Column> columns, List<Function<? super E, String>> cells) {
        this.columns = List.copyOf(columns);
        this.cells = List.copyOf(cells);
    }

    /** Starts a definition whose rows are items of type E. */
    public static <E> Builder<E> builder() {
        return new Builder<>();
    }

    /** The columns, in order. */
    public List<Column> columns() {
        return columns;
    }

    /** One row per item, in the items' order. */
    public ResultTable render(List<? extends E> items) {
        List<List<String>> rows = new ArrayList<>(items.size());
        for (E item : items) {
            List<String> row = new ArrayList<>(cells.size());
            for (Function<? super E, String> cell : cells) {
                row.add(cell.apply(item));
            }
            rows.add(row);
        }
        return new ResultTable(columns, rows);
    }

    /** Adds columns one by one, each with its type and cell function. */
    public static final class Builder<E> {
        private final List<Column> columns = new ArrayList<>();
        private final List<Function<? super E, String>> cells = new ArrayList<>();

        private Builder() {
        }

        /** A text column; the function may return null. */
        public Builder<E> text(String name, Function<? super E, String> cell) {
            return add(name, PgType.TEXT, cell);
        }

        /** An int4 column. */
        public Builder<E> int4(String name, ToLongFunction<? super E> cell) {
            return add(name, PgType.INT4, item -> Long.toString(cell.applyAsLong(item)));
        }

        /** An int8 column. */
        public Builder<E> int8(String name, ToLongFunction<? super E> cell) {
            return add(name, PgType.INT8, item -> Long.toString(cell.applyAsLong(item)));
        }

        /** A numeric column holding an unsigned 64-bit counter. */
        public Builder<E> numeric(String name, ToLongFunction<? super E> cell) {
            return add(name, PgType.NUMERIC, item -> Long.toUnsignedString(cell.applyAsLong(item)));
        }

        /** The finished definition. */
        public ShowTable<E> build() {
            return new ShowTable<>(columns, cells);
        }

        private Builder<E> add(String name, PgType type, Function<? super E, String> cell) {
            columns.add(new Column(name, type));
            cells.add(cell);
            return this;
        }
    }
}
