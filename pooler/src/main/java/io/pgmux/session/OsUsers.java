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

    /** The uid pgmux runs as (the owner of /proc/self), or -1 when unknown. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
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
