package io.pgmux.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgmux.admin.AdminCommand.Disable;
import io.pgmux.admin.AdminCommand.Enable;
import io.pgmux.admin.AdminCommand.Kill;
import io.pgmux.admin.AdminCommand.KillClient;
import io.pgmux.admin.AdminCommand.Pause;
import io.pgmux.admin.AdminCommand.Reconnect;
import io.pgmux.admin.AdminCommand.Rejected;
import io.pgmux.admin.AdminCommand.Reload;
import io.pgmux.admin.AdminCommand.Resume;
import io.pgmux.admin.AdminCommand.Set;
import io.pgmux.admin.AdminCommand.SetIgnored;
import io.pgmux.admin.AdminCommand.Show;
import io.pgmux.admin.AdminCommand.ShowParameter;
import io.pgmux.admin.AdminCommand.Shutdown;
import io.pgmux.admin.AdminCommand.Suspend;
import io.pgmux.admin.AdminCommand.WaitClose;
import io.pgmux.admin.control.ShutdownMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdminCommandParserTest {

    private static AdminCommand parse(String query) {
        return AdminCommandParser.parse(query);
    }

    private static Rejected invalid(String query) {
        return new Rejected(AdminError.invalidCommand(query), false);
    }

    private static final Rejected BAD_ARGUMENTS = new Rejected(AdminError.badArguments(), false);

    @ParameterizedTest
    @EnumSource(ShowSubject.class)
    void parsesEveryShowSubjectInAnyCase(ShowSubject subject) {
        assertEquals(new Show(subject), parse("SHOW " + subject.word().toUpperCase()));
        assertEquals(new Show(subject), parse("show " + subject.word()));
        assertEquals(new Show(subject), parse("Show \"" + subject.word() + "\";"));
    }

    @ParameterizedTest
    @EnumSource(ShowSubject.class)
    void parsesSelectLikeShow(ShowSubject subject) {
        assertEquals(new Show(subject), parse("select " + subject.word()));
    }

    @ParameterizedTest
    @EnumSource(FakeParameter.class)
    void parsesDriverParametersAsFakeShows(FakeParameter parameter) {
        assertEquals(new ShowParameter(parameter), parse("SHOW " + parameter.parameterName().toUpperCase()));
        assertEquals(new ShowParameter(parameter), parse("select " + parameter.parameterName()));
    }

    @Test
    void acceptsWhiteSpaceAndOneTrailingSemicolon() {
        assertEquals(new Show(ShowSubject.POOLS), parse(" \t\r\nshow\n\tpools \n; \r\n"));
        assertEquals(new Show(ShowSubject.POOLS), parse("show pools;"));
        assertEquals(invalid("show pools;;"), parse("show pools;;"));
        assertEquals(invalid("; show pools"), parse("; show pools"));
    }

    @Test
    void rejectsUnknownCommandsAndSubjectsWithTheWholeQuery() {
        assertEquals(new Rejected(new AdminError("08P01", "invalid command 'hello', use SHOW HELP;"), false),
                parse("hello"));
        assertEquals(invalid("SHOW"), parse("SHOW"));
        assertEquals(invalid("SHOW nothing"), parse("SHOW nothing"));
        assertEquals(invalid("SELECT 1"), parse("SELECT 1"));
        assertEquals(invalid("select version()"), parse("select version()"));
        assertEquals(invalid("SHOW POOLS now"), parse("SHOW POOLS now"));
        assertEquals(invalid(""), parse(""));
        assertEquals(invalid("SET"), parse("SET"));
        assertEquals(invalid("set log_connections"), parse("set log_connections"));
    }

    @Test
    void parsesDatabaseCommandsWithAndWithoutDatabase() {
        assertEquals(new Pause(null), parse("PAUSE"));
        assertEquals(new Pause("appdb"), parse("pause appdb;"));
        assertEquals(new Resume(null), parse("RESUME"));
        assertEquals(new Resume("appdb"), parse("resume appdb"));
        assertEquals(new Reconnect(null), parse("reconnect"));
        assertEquals(new Reconnect("appdb"), parse("RECONNECT appdb"));
        assertEquals(new WaitClose(null), parse("wait_close"));
        assertEquals(new WaitClose("appdb"), parse("WAIT_CLOSE appdb"));
        assertEquals(new Kill(null), parse("KILL"));
        assertEquals(new Kill("appdb"), parse("kill appdb"));
        assertEquals(new Disable("appdb"), parse("DISABLE appdb"));
        assertEquals(new Enable("appdb"), parse("enable appdb"));
    }

    @Test
    void keepsTheCaseOfDatabaseNamesAndUnquotesThem() {
        assertEquals(new Pause("AppDb"), parse("PAUSE AppDb"));
        assertEquals(new Pause("my-db.prod"), parse("PAUSE \"my-db.prod\""));
        assertEquals(new Pause("say \"hi\""), parse("PAUSE \"say \"\"hi\"\"\""));
        assertEquals(new Pause(null), parse("PAUSE \"\""));
    }

    @Test
    void rejectsUnquotedNamesWithOtherCharacters() {
        assertEquals(invalid("PAUSE my-db"), parse("PAUSE my-db"));
        assertEquals(invalid("PAUSE a b"), parse("PAUSE a b"));
        assertEquals(invalid("PAUSE \"open"), parse("PAUSE \"open"));
    }

    @Test
    void asksForADatabaseAfterTheAdminCheck() {
        Rejected required = new Rejected(AdminError.databaseRequired(), true);
        assertEquals(required, parse("DISABLE"));
        assertEquals(required, parse("ENABLE;"));
        assertEquals(required, parse("enable \"\""));
    }

    @Test
    void parsesCommandsWithoutArguments() {
        assertEquals(new Suspend(), parse("SUSPEND"));
        assertEquals(new Reload(), parse("reload;"));
        assertEquals(new Shutdown(ShutdownMode.IMMEDIATE), parse("SHUTDOWN"));
    }

    @Test
    void rejectsArgumentsWhereNoneIsTaken() {
        assertEquals(invalid("RELOAD now"), parse("RELOAD now"));
        assertEquals(invalid("SUSPEND appdb"), parse("SUSPEND appdb"));
    }

    @Test
    void parsesShutdownModes() {
        assertEquals(new Shutdown(ShutdownMode.WAIT_FOR_SERVERS), parse("SHUTDOWN WAIT_FOR_SERVERS"));
        assertEquals(new Shutdown(ShutdownMode.WAIT_FOR_CLIENTS), parse("shutdown wait_for_clients;"));
        assertEquals(new Shutdown(ShutdownMode.WAIT_FOR_CLIENTS), parse("shutdown \"Wait_For_Clients\""));
        assertEquals(invalid("SHUTDOWN LATER"), parse("SHUTDOWN LATER"));
    }

    @Test
    void readsKillClientIdsAsSscanfDoes() {
        assertEquals(new KillClient(1234), parse("KILL_CLIENT 1234"));
        assertEquals(new KillClient(12), parse("kill_client 12abc"));
        assertEquals(new KillClient(7), parse("KILL_CLIENT \" +7\""));
        assertEquals(new KillClient(-1), parse("KILL_CLIENT \"-1\""));
        assertEquals(new KillClient(-1), parse("KILL_CLIENT 99999999999999999999999"));
        assertEquals(new KillClient(Long.parseUnsignedLong("18446744073709551615")),
                parse("KILL_CLIENT 18446744073709551615"));
    }

    @Test
    void rejectsKillClientWithoutANumberAfterTheAdminCheck() {
        Rejected invalidPointer = new Rejected(AdminError.invalidClientPointer(), true);
        assertEquals(invalidPointer, parse("KILL_CLIENT"));
        assertEquals(invalidPointer, parse("KILL_CLIENT abc"));
        assertEquals(invalidPointer, parse("KILL_CLIENT \"-\""));
    }

    @Test
    void parsesSetWithWordsAndStrings() {
        assertEquals(new Set("log_connections", "1"), parse("SET log_connections = 1;"));
        assertEquals(new Set("log_connections", "0"), parse("set log_connections to 0"));
        assertEquals(new Set("server_check_query", "select 2"), parse("SET server_check_query = 'select 2'"));
        assertEquals(new Set("server_reset_query", "it's"), parse("set server_reset_query TO 'it''s';"));
        assertEquals(new Set("server_reset_query", ""), parse("set server_reset_query=''"));
        assertEquals(new Set("admin_users", "a,b"), parse("SET \"admin_users\" = \"a,b\""));
        assertEquals(new Set("Max_Client_Conn", "7"), parse("\n SET Max_Client_Conn=7 ; "));
    }

    @Test
    void rejectsSetThatDoesNotMatch() {
        assertEquals(invalid("set a = b c"), parse("set a = b c"));
        assertEquals(invalid("set a == b"), parse("set a == b"));
        assertEquals(invalid("set a = 'b"), parse("set a = 'b"));
    }

    @Test
    void ignoresSetOfDriverParameters() {
        assertEquals(new SetIgnored("client_encoding"), parse("SET client_encoding = 'UTF8'"));
        assertEquals(new SetIgnored("timezone"), parse("set TimeZone to 'UTC'"));
        assertEquals(new SetIgnored("datestyle"), parse("SET \"DateStyle\" = ISO"));
    }

    @Test
    void ignoresTheSessionSettingsPgjdbcSendsAfterLogin() {
        assertEquals(new SetIgnored("extra_float_digits"), parse("SET extra_float_digits = 3"));
        assertEquals(new SetIgnored("application_name"), parse("SET application_name = 'PostgreSQL JDBC Driver'"));
    }

    @Test
    void rejectsPartsTooLongForPgBouncersBuffers() {
        assertEquals(invalid("abcdefghijklmno"), parse("abcdefghijklmno"));
        assertEquals(BAD_ARGUMENTS, parse("abcdefghijklmnop"));
        String arg63 = "d".repeat(63);
        assertEquals(new Pause(arg63), parse("PAUSE " + arg63));
        assertEquals(BAD_ARGUMENTS, parse("PAUSE " + arg63 + "d"));
        assertEquals(BAD_ARGUMENTS, parse("PAUSE \"" + "d".repeat(62) + "\""));
        assertEquals(BAD_ARGUMENTS, parse("PAUSE \"" + "é".repeat(31) + "\""));
        assertEquals(BAD_ARGUMENTS, parse("SET " + "k".repeat(64) + " = 1"));
        assertEquals(new Set("k", "v".repeat(253)), parse("SET k = '" + "v".repeat(253) + "'"));
        assertEquals(BAD_ARGUMENTS, parse("SET k = '" + "v".repeat(254) + "'"));
    }

    @Test
    void rejectsAnEmptySetKey() {
        assertEquals(BAD_ARGUMENTS, parse("SET \"\" = 1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PAUSE \"", "SET x = '", "SET \"", "\""})
    void failsFastOnLongUnterminatedQuotes(String start) {
        String query = start + "a\"\"".repeat(20_000) + " b";
        AdminCommand command = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> parse(query));
        assertEquals(invalid(query), command);
    }
}
