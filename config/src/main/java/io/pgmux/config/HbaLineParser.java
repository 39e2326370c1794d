package io.pgmux.config;

import io.pgmux.config.HbaTokenizer.Token;
import io.pgmux.config.HbaTokenizer.Type;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one line of an HBA file into a rule as PgBouncer's parse_line does:
 * {@code type database user [address [mask]] method [map=name]}, or for {@code ldap} the rest of the line as options.
 */
final class HbaLineParser {
    /** What C's {@code strtoul(text, &end, 10)} accepts whole: an optional sign and decimal digits, maybe none. */
    private static final Pattern PREFIX_LENGTH = Pattern.compile("([+-]?)([0-9]*)");

    private final Path file;
    private final IdentMap identMap;

    /**
     * @param file the HBA file, against whose directory {@code @file} names are resolved
     * @param identMap the maps a {@code map=} option may name
     */
    HbaLineParser(Path file, IdentMap identMap) {
        this.file = file;
        this.identMap = identMap;
    }

    /**
     * The rule on a line; empty for a blank or comment line.
     *
     * @param notes receives warnings that do not cost the line
     * @throws LineSkipped where PgBouncer ignores the line
     */
    Optional<HbaRule> parse(int lineNumber, String line, Consumer<String> notes) throws LineSkipped {
        HbaTokenizer tokens = new HbaTokenizer(line);
        if (tokens.current().type() == Type.END) {
            return Optional.empty();
        }
        Token typeToken = tokens.current();
        HbaRuleType type = typeToken.word().flatMap(HbaRuleType::forKeyword)
                .orElseThrow(() -> new LineSkipped("unknown type " + typeToken.describe()));
        tokens.advance();
        HbaNames databases = HbaNamesParser.parse(tokens, file, "database", notes);
        HbaNames users = HbaNamesParser.parse(tokens, file, "user", notes);
        HbaAddress address = type == HbaRuleType.LOCAL ? HbaAddress.ALL : address(tokens, notes);
        Token methodToken = tokens.current();
        HbaMethod method = methodToken.word().flatMap(HbaMethod::forKeyword)
                .orElseThrow(() -> new LineSkipped("unsupported method " + methodToken.describe()));
        tokens.advance();
        HbaOptions options = method == HbaMethod.LDAP ? ldapOptions(tokens) : mapOption(tokens);
        if (tokens.current().type() != Type.END) {
            throw new LineSkipped("unsupported parameters: " + tokens.remainder().strip());
        }
        return Optional.of(new HbaRule(lineNumber, type, databases, users, address, method, options));
    }

    private static HbaAddress address(HbaTokenizer tokens, Consumer<String> notes) throws LineSkipped {
        if (tokens.acceptWord("all")) {
            return HbaAddress.ALL;
        }
        Token token = tokens.current();
        if (token.type() != Type.WORD) {
            throw new LineSkipped("did not find address, found " + token.describe());
        }
        tokens.advance();
        int slash = token.text().indexOf('/');
        String addressText = slash < 0 ? token.text() : token.text().substring(0, slash);
        InetAddress address = IpLiteral.parse(addressText)
                .orElseThrow(() -> new LineSkipped("failed to parse address \"" + addressText + "\""));
        int length = address.getAddress().length;
        InetAddress mask;
        if (slash >= 0) {
            String bits = token.text().substring(slash + 1);
            mask = IpLiteral.prefixMask(length, prefixLength(bits, length * 8));
        } else {
            Token maskToken = tokens.current();
            if (maskToken.type() != Type.WORD) {
                throw new LineSkipped("did not find mask, found " + maskToken.describe());
            }
            mask = IpLiteral.parse(maskToken.text(), length)
                    .orElseThrow(() -> new LineSkipped("failed to parse mask \"" + maskToken.text() + "\""));
            tokens.advance();
        }
        IpNetwork network = new IpNetwork(address, mask);
        if (!network.addressWithinMask()) {
            notes.accept("address does not match mask: " + address.getHostAddress() + " / " + mask.getHostAddress()
                    + "; this rule matches no client");
        }
        return network;
    }

    /**
     * The number after {@code /}, read as PgBouncer's strtoul reads it: {@code +8} is 8, {@code -0} and the empty
     * text are 0, and any other negative number wraps around to a huge one and is refused.
     */
    private static int prefixLength(String text, int maxBits) throws LineSkipped {
        Matcher m = PREFIX_LENGTH.matcher(text);
        // A sign with no digits converts nothing, so strtoul's end pointer stays on the sign.
        if (!m.matches() || m.group(2).isEmpty() && !m.group(1).isEmpty()) {
            throw new LineSkipped("invalid mask \"/" + text + "\"");
        }
        String digits = m.group(2).replaceFirst("^0+", "");
        int bits = digits.isEmpty() ? 0 : digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (bits > maxBits || bits != 0 && m.group(1).equals("-")) {
            throw new LineSkipped("invalid mask \"/" + text + "\"");
        }
        return bits;
    }

    private static HbaOptions ldapOptions(HbaTokenizer tokens) {
        String text = tokens.remainder().strip();
        tokens.skipToEnd();
        return HbaOptions.ldap(text);
    }

    private HbaOptions mapOption(HbaTokenizer tokens) throws LineSkipped {
        Token token = tokens.current();
        if (token.type() != Type.WORD) {
            return HbaOptions.NONE;
        }
        if (!token.text().startsWith("map=")) {
            throw new LineSkipped("unsupported option \"" + token.text() + "\" (only map=name is supported)");
        }
        String name = token.text().substring("map=".length());
        if (!identMap.contains(name)) {
            throw new LineSkipped("ident map \"" + name + "\" is not found in the ident file");
        }
        tokens.advance();
        return HbaOptions.map(name);
    }
}
