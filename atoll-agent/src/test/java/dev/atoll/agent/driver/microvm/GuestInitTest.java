package dev.atoll.agent.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestInitTest {
    private static GuestInit init(Map<String, String> env, List<String> argv) {
        return new GuestInit("t.e.s.0", env, "/srv", argv, List.of("/cache/tmp"), false);
    }

    @Test
    void valuesReachTheShellUnexpandedWhateverQuotesOrDollarsTheyHold() throws Exception {
        String tricky = "it's $HOME and `id` and \"quoted\"";
        var process = new ProcessBuilder("/bin/sh", "-c", "printf %s " + GuestInit.quote(tricky)).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isZero();
        assertThat(printed).isEqualTo(tricky);
    }

    @Test
    void scriptExportsTheEnvironmentInOrderSkippingNamesAShellCannotHold() {
        var env = new java.util.LinkedHashMap<String, String>();
        env.put("FROM_IMAGE", "1");
        env.put("not-a-name", "2");
        env.put("FROM_SPEC", "3");

        String script = init(env, List.of("echo", "hi there")).script();

        assertThat(script)
                .containsSubsequence("export FROM_IMAGE='1'", "export FROM_SPEC='3'")
                .doesNotContain("not-a-name")
                .contains("mount -t tmpfs tmpfs '/cache/tmp'")
                .contains("cd '/srv' && 'echo' 'hi there'")
                .contains("echo \"atoll: exit $code\"");
    }

    @Test
    void archiveHoldsInitAndTheDirectoriesItMountsOnInNewcFormat() throws Exception {
        byte[] archive = init(Map.of(), List.of("true")).archive();

        assertThat(names(archive)).containsExactly("proc", "sys", "dev", "cache", "cache/tmp", "init", "TRAILER!!!");
        assertThat(archive.length % 4).isZero();
    }

    @Test
    void newcEntriesCarryTypeAndPermissions() throws Exception {
        var bytes = new ByteArrayOutputStream();
        var cpio = new NewcArchive(bytes);
        cpio.file("bin/tool", 0755, "abc".getBytes(StandardCharsets.UTF_8));
        cpio.symlink("bin/sh", "busybox");
        cpio.finish();
        String text = bytes.toString(StandardCharsets.US_ASCII);

        // c_mode is the second field after the magic; 0100755 and 0120777 in hex.
        assertThat(text.substring(14, 22)).isEqualTo(String.format("%08x", 0100755));
        assertThat(names(bytes.toByteArray())).containsExactly("bin/tool", "bin/sh", "TRAILER!!!");
    }

    /** Reads the entry names back, following each header's name and file sizes and the 4-byte padding. */
    private static List<String> names(byte[] archive) {
        var names = new ArrayList<String>();
        int at = 0;
        while (at < archive.length) {
            String header = new String(archive, at, 110, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("070701");
            int size = Integer.parseInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseInt(header.substring(94, 102), 16);
            String name = new String(archive, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            names.add(name);
            at = align(align(at + 110 + nameSize) + size);
            if (name.equals("TRAILER!!!")) break;
        }
        return names;
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    @Test
    void aGuestWithCardsLoadsTheirModulesAndAddressesEachCardFoundByItsMac() throws Exception {
        var network = new GuestNetwork(
                List.of(
                        new GuestNetwork.Card("atoll7t0", "02:a7:64:7f:ff:fe", "100.127.255.254/30", 1500),
                        new GuestNetwork.Card("atoll7t1", "02:a7:64:40:10:05", "100.64.16.5/20", 1450)),
                "100.127.255.253",
                "nameserver 100.127.255.253\n",
                List.of());
        var init = new GuestInit(
                "t.e.s.0", Map.of(), "/", List.of("true"), List.of(), true, java.util.Optional.of(network));

        String script = init.script();

        assertThat(script)
                .containsSubsequence(
                        "atoll_card '02:a7:64:7f:ff:fe' '100.127.255.254/30' 1500",
                        "atoll_card '02:a7:64:40:10:05' '100.64.16.5/20' 1450",
                        "ip route add default via '100.127.255.253'",
                        "/etc/resolv.conf",
                        "mount -o remount,ro /");
        assertThat(network.qemuOptions())
                .containsSubsequence(
                        "tap,id=net0,ifname=atoll7t0,script=no,downscript=no",
                        "virtio-net-device,netdev=net0,mac=02:a7:64:7f:ff:fe",
                        "tap,id=net1,ifname=atoll7t1,script=no,downscript=no",
                        "virtio-net-device,netdev=net1,mac=02:a7:64:40:10:05");
    }
}
