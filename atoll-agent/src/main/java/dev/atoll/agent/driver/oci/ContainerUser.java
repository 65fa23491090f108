package dev.atoll.agent.driver.oci;

import dev.atoll.agent.driver.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The user a container runs as, from the image's {@code user}: {@code uid}, {@code uid:gid}, or names
 * looked up in the image's own {@code /etc/passwd} and {@code /etc/group} (never the host's).
 */
record ContainerUser(int uid, int gid, String home) {
    static final ContainerUser ROOT = new ContainerUser(0, 0, "/root");

    static ContainerUser resolve(String user, Path rootfs) throws LaunchException {
        if (user.isBlank()) return ROOT;
        int colon = user.indexOf(':');
        String userPart = colon < 0 ? user : user.substring(0, colon);
        Optional<String[]> entry = passwdEntry(rootfs, userPart);
        int uid;
        if (isNumber(userPart)) {
            uid = Integer.parseInt(userPart);
        } else {
            uid = Integer.parseInt(entry.orElseThrow(() ->
                    new LaunchException("the image's user \"" + userPart + "\" is not in the image's /etc/passwd"))[2]);
        }
        int gid;
        if (colon >= 0) {
            String groupPart = user.substring(colon + 1);
            gid = isNumber(groupPart)
                    ? Integer.parseInt(groupPart)
                    : groupId(rootfs, groupPart)
                            .orElseThrow(() -> new LaunchException(
                                    "the image's group \"" + groupPart + "\" is not in the image's /etc/group"));
        } else {
            gid = entry.map(e -> Integer.parseInt(e[3])).orElse(0);
        }
        String home = entry.map(e -> e[5]).filter(h -> !h.isEmpty()).orElse(uid == 0 ? "/root" : "/");
        return new ContainerUser(uid, gid, home);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
    }

    /** The passwd line (split on ':') whose name, or uid when {@code user} is numeric, matches. */
    private static Optional<String[]> passwdEntry(Path rootfs, String user) {
        int field = isNumber(user) ? 2 : 0;
        return lines(rootfs.resolve("etc/passwd")).stream()
                .map(l -> l.split(":", -1))
                .filter(f -> f.length >= 7 && f[field].equals(user) && isNumber(f[2]) && isNumber(f[3]))
                .findFirst();
    }

    private static Optional<Integer> groupId(Path rootfs, String group) {
        return lines(rootfs.resolve("etc/group")).stream()
                .map(l -> l.split(":", -1))
                .filter(f -> f.length >= 3 && f[0].equals(group) && isNumber(f[2]))
                .map(f -> Integer.parseInt(f[2]))
                .findFirst();
    }

    private static List<String> lines(Path file) {
        // An absolute symlink would point into the host's /etc: read only regular files.
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return List.of();
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
