package dev.atoll.net.ipam;

/**
 * IPv4 addresses as unsigned 32-bit values held in an {@code int}. Only the plain dotted quad is
 * read: four decimal octets, no leading zeros, because {@code 100.064.0.1} reads as octal to some
 * tools and as decimal to others.
 */
public final class Ipv4 {
    private Ipv4() {}

    /** The address as an int, or IllegalArgumentException saying what is wrong with it. */
    public static int parse(String address) {
        if (address == null) throw new IllegalArgumentException("no address given");
        int value = 0;
        int octets = 0;
        int i = 0;
        int length = address.length();
        while (octets < 4) {
            int start = i;
            int octet = 0;
            while (i < length && i - start < 4 && isDigit(address.charAt(i))) {
                octet = octet * 10 + (address.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && address.charAt(start) == '0')) {
                throw new IllegalArgumentException(address + ": not an IPv4 address (four octets 0..255)");
            }
            value = (value << 8) | octet;
            octets++;
            if (octets < 4) {
                if (i >= length || address.charAt(i) != '.') {
                    throw new IllegalArgumentException(address + ": not an IPv4 address (four octets 0..255)");
                }
                i++;
            }
        }
        if (i != length) throw new IllegalArgumentException(address + ": not an IPv4 address (four octets 0..255)");
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /** Network byte order, as {@link java.net.InetAddress#getByAddress(byte[])} takes it. */
    public static byte[] bytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }
}
