package dev.atoll.cli;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import picocli.CommandLine;

/** {@code HOST:PORT} on the command line, checked before anything starts. */
public final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        return parse(value);
    }

    public static InetSocketAddress parse(String value) {
        String text = value.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not HOST:PORT (for example 198.18.0.1:7000)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException("'" + value + "': the port must be between 0 and 65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CommandLine.TypeConversionException("'" + value + "': unknown host " + host);
        }
        return address;
    }

    /** A comma-separated list of HOST:PORT. */
    public static final class List implements CommandLine.ITypeConverter<java.util.List<InetSocketAddress>> {
        @Override
        public java.util.List<InetSocketAddress> convert(String value) {
            java.util.List<InetSocketAddress> all = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) all.add(parse(part));
            }
            if (all.isEmpty()) throw new CommandLine.TypeConversionException("give at least one HOST:PORT");
            return all;
        }
    }

    public static String text(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
