package io.pgmux.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Numeric IPv4 and IPv6 addresses read as glibc's {@code inet_pton} reads them: dotted quads without leading zeros,
 * IPv6 groups with one {@code ::} and an optional dotted-quad tail, no zone, no host names. Never consults DNS.
 */
final class IpLiteral {
    static final int IPV4_LENGTH = 4;
    static final int IPV6_LENGTH = 16;

    private IpLiteral() {
    }

    /** An IPv6 address, or else an IPv4 one, in the order PgBouncer tries them. */
    static Optional<InetAddress> parse(String text) {
        Optional<InetAddress> v6 = parse(text, IPV6_LENGTH);
        return v6.isPresent() ? v6 : parse(text, IPV4_LENGTH);
    }

    /** An address of the family whose addresses are {@code length} bytes long. */
    static Optional<InetAddress> parse(String text, int length) {
        byte[] bytes = length == IPV4_LENGTH ? ipv4(text, 0) : ipv6(text);
        return bytes == null ? Optional.empty() : Optional.of(address(bytes));
    }

    /** The mask of {@code length} bytes whose first {@code bits} bits are set. */
    static InetAddress prefixMask(int length, int bits) {
        byte[] mask = new byte[length];
        for (int i = 0; i < bits; i++) {
            mask[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return address(mask);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            // Inet6Address.getByAddress keeps IPv4-mapped addresses IPv6, as inet_pton does.
            return bytes.length == IPV4_LENGTH
                    ? InetAddress.getByAddress(bytes)
                    : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
        }
    }

    /** Four decimal octets from {@code from} to the end of {@code s}; null if they are not exactly that. */
    private static byte[] ipv4(String s, int from) {
        byte[] out = new byte[IPV4_LENGTH];
        int octets = 0;
        int value = 0;
        boolean sawDigit = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (sawDigit && value == 0) {
                    return null;
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
                if (!sawDigit) {
                    if (++octets > IPV4_LENGTH) {
                        return null;
                    }
                    sawDigit = true;
                }
            } else if (c == '.' && sawDigit && octets < IPV4_LENGTH) {
                out[octets - 1] = (byte) value;
                value = 0;
                sawDigit = false;
            } else {
                return null;
            }
        }
        if (octets < IPV4_LENGTH) {
            return null;
        }
        out[IPV4_LENGTH - 1] = (byte) value;
        return out;
    }

    /** Sixteen bytes in IPv6 text form; null if {@code s} is not one. */
    private static byte[] ipv6(String s) {
        int n = s.length();
        if (n == 0 || s.charAt(0) == ':' && (n < 2 || s.charAt(1) != ':')) {
            return null;
        }
        byte[] out = new byte[IPV6_LENGTH];
        int filled = 0;
        int gap = -1;
        int groupStart = s.charAt(0) == ':' ? 1 : 0;
        int digits = 0;
        int value = 0;
        int i = groupStart;
        while (i < n) {
            char c = s.charAt(i++);
            int digit = hexValue(c);
            if (digit >= 0) {
                if (digits == 4) {
                    return null;
                }
                value = value << 4 | digit;
                digits++;
            } else if (c == ':') {
                groupStart = i;
                if (digits == 0) {
                    if (gap >= 0) {
                        return null;
                    }
                    gap = filled;
                    continue;
                }
                if (i == n || filled + 2 > IPV6_LENGTH) {
                    return null;
                }
                out[filled++] = (byte) (value >>> 8);
                out[filled++] = (byte) value;
                digits = 0;
                value = 0;
            } else {
                // A dotted quad may end the address; it is read again from the start of its group.
                byte[] quad = c == '.' && filled + IPV4_LENGTH <= IPV6_LENGTH ? ipv4(s, groupStart) : null;
                if (quad == null) {
                    return null;
                }
                System.arraycopy(quad, 0, out, filled, IPV4_LENGTH);
                filled += IPV4_LENGTH;
                digits = 0;
                break;
            }
        }
        if (digits > 0) {
            if (filled + 2 > IPV6_LENGTH) {
                return null;
            }
            out[filled++] = (byte) (value >>> 8);
            out[filled++] = (byte) value;
        }
        if (gap >= 0) {
            if (filled == IPV6_LENGTH) {
                return null;
            }
            int tail = filled - gap;
            System.arraycopy(out, gap, out, IPV6_LENGTH - tail, tail);
            Arrays.fill(out, gap, IPV6_LENGTH - tail, (byte) 0);
            filled = IPV6_LENGTH;
        }
        return filled == IPV6_LENGTH ? out : null;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
