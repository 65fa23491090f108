package dev.atoll.net.plumbing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code ip -o link show}: what plumbing needs to know about a device to decide whether it is already in
 * the wanted shape.
 *
 * @param peer what follows the name after '@': {@code if7} when a veth's peer is in another namespace, the peer's
 *     name when it is in the same one, empty when the device has no peer
 * @param peerNamespace for a veth, the name of the namespace holding its peer ({@code link-netns}); empty when the peer
 *     is in this namespace or in one that no longer has a name under /run/netns
 */
record Link(
        int index,
        String name,
        String peer,
        Set<String> flags,
        int mtu,
        Optional<String> master,
        Optional<String> peerNamespace,
        Optional<String> mac,
        Optional<String> alias) {

    private static final Pattern HEAD = Pattern.compile("^(\\d+):\\s+([^:@\\s]+)(?:@([^:\\s]+))?:\\s+<([^>]*)>(.*)$");
    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");
    private static final Pattern MASTER = Pattern.compile("\\bmaster (\\S+)");
    private static final Pattern PEER_NAMESPACE = Pattern.compile("\\blink-netns (\\S+)");
    private static final Pattern MAC = Pattern.compile("\\blink/ether (\\S+)");
    private static final Pattern ALIAS = Pattern.compile("\\\\\\s+alias (.*?)\\s*$");

    Link {
        flags = Set.copyOf(flags);
    }

    /** Parses the output of {@code ip -o link show}; lines that are not devices are skipped. */
    static List<Link> parseAll(String output) {
        List<Link> links = new ArrayList<>();
        for (String line : output.split("\n")) {
            parse(line).ifPresent(links::add);
        }
        return List.copyOf(links);
    }

    static Optional<Link> parse(String line) {
        Matcher head = HEAD.matcher(line.strip());
        if (!head.matches()) {
            return Optional.empty();
        }
        String rest = head.group(5);
        Optional<String> alias = find(ALIAS, rest);
        // The alias is free text and comes last; nothing in it may pass for a field.
        Matcher aliasAt = ALIAS.matcher(rest);
        String fields = aliasAt.find() ? rest.substring(0, aliasAt.start()) : rest;
        return Optional.of(new Link(
                Integer.parseInt(head.group(1)),
                head.group(2),
                head.group(3) == null ? "" : head.group(3),
                Set.of(head.group(4).split(",")),
                find(MTU, fields).map(Integer::parseInt).orElse(0),
                find(MASTER, fields),
                find(PEER_NAMESPACE, fields),
                find(MAC, fields),
                alias));
    }

    /** Administratively up (whether a carrier is there or not). */
    boolean up() {
        return flags.contains("UP");
    }

    /** The interface index of a veth's peer in another namespace, or -1. */
    int peerIndex() {
        return peer.matches("if\\d+") ? Integer.parseInt(peer.substring(2)) : -1;
    }

    private static Optional<String> find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
