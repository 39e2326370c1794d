package io.pgmux.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The OS user name of a Unix-socket peer's uid, for the hba method {@code peer}. */
final class OsUsers {
    private static final Path PASSWD = Path.of("/etc/passwd");

    private OsUsers() {
    }

    /** The login name of {@code uid} from /etc/passwd, or null when unknown. */
    static String nameOf(int uid) {
        if (uid < 0) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(PASSWD);
            for (String line : lines) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[2].equals(String.valueOf(uid))) {
                    return fields[0];
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
