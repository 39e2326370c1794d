package io.pgmux.admin.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pgmux.admin.AdminResult;
import io.pgmux.admin.FakeParameter;
import io.pgmux.admin.FakePoolerView;
import io.pgmux.admin.PgBouncerShowData;
import io.pgmux.admin.ShowSubject;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every SHOW has PgBouncer 1.25.2's columns, in its order, with its types, as transcribed in the test data. */
class PgBouncerColumnsTest {
    private static final PgBouncerShowData PGBOUNCER = PgBouncerShowData.load();
    private final ShowCatalog catalog = new ShowCatalog(ZoneId.of("UTC"));

    private ResultTable show(ShowSubject subject) {
        AdminResult result = catalog.show(subject, new FakePoolerView()).toCompletableFuture().join();
        return assertInstanceOf(AdminResult.Rows.class, result).table();
    }

    @Test
    void transcriptionCoversEverySubjectButHelp() {
        List<String> words = Arrays.stream(ShowSubject.values())
                .filter(s -> s != ShowSubject.HELP)
                .map(ShowSubject::word)
                .sorted()
                .toList();
        assertEquals(words, PGBOUNCER.columns().keySet().stream().sorted().toList());
    }

    @ParameterizedTest
    @EnumSource(value = ShowSubject.class, mode = EnumSource.Mode.EXCLUDE, names = "HELP")
    void hasPgBouncersColumnsInOrderWithTypes(ShowSubject subject) {
        assertEquals(PGBOUNCER.columns().get(subject.word()), show(subject).columns());
    }

    @Test
    void fixedRowsComeInPgBouncersOrder() {
        Map<String, List<String>> firstCells = new LinkedHashMap<>();
        for (String word : PGBOUNCER.rows().keySet()) {
            List<String> cells = new ArrayList<>();
            show(ShowSubject.find(word)).rows().forEach(row -> cells.add(row.get(0)));
            firstCells.put(word, cells);
        }
        assertEquals(PGBOUNCER.rows(), firstCells);
    }

    @Test
    void fakeParametersAreThoseOfPgBouncer() {
        Map<String, String> ours = Arrays.stream(FakeParameter.values())
                .collect(Collectors.toMap(FakeParameter::parameterName, FakeParameter::value, (a, b) -> a,
                        LinkedHashMap::new));
        assertEquals(PGBOUNCER.parameters(), ours);
    }

    @ParameterizedTest
    @EnumSource(FakeParameter.class)
    void fakeParameterIsOneTextColumnNamedAfterIt(FakeParameter parameter) {
        ResultTable table = ShowCatalog.parameter(parameter);
        assertEquals(List.of(new Column(parameter.parameterName(), PgType.TEXT)), table.columns());
        assertEquals(List.of(List.of(PGBOUNCER.parameters().get(parameter.parameterName()))), table.rows());
    }
}
