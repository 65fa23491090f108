package dev.atoll.net.plumbing;

import java.util.regex.Pattern;

/** IPv4 literals. Parsed by hand: {@code InetAddress.getByName} would resolve a name it does not recognise. */
final class Ipv4 {
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Ipv4() {}

    /** The four octets of {@code text}, which must be a dotted-quad IPv4 literal. */
    static int[] parse(String text) {
        if (text == null || !DOTTED_QUAD.matcher(text).matches()) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        String[] parts = text.split("\\.");
        int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            octets[i] = Integer.parseInt(parts[i]);
            if (octets[i] > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
        }
        return octets;
    }
}
