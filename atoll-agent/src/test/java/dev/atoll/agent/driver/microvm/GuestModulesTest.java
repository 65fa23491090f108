package dev.atoll.agent.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.agent.driver.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestModulesTest {
    @TempDir
    Path trees;

    /** Debian 6.1's lines for the guest's cards, as modules.dep has them. */
    private Path debianLikeTree(String version, String builtin) throws IOException {
        Path dir = trees.resolve(version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("modules.dep"), """
                kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/virtio/virtio_ring.ko:
                kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
                kernel/net/core/failover.ko:
                kernel/drivers/net/dummy.ko:
                """);
        Files.writeString(dir.resolve("modules.builtin"), builtin);
        for (String line : Files.readAllLines(dir.resolve("modules.dep"))) {
            Path module = dir.resolve(line.substring(0, line.indexOf(':')));
            Files.createDirectories(module.getParent());
            Files.writeString(module, "elf");
        }
        return dir;
    }

    @Test
    void theCardsModulesComeWithWhatTheyNeedDependenciesFirst() throws Exception {
        debianLikeTree("6.1.0-57-cloud-amd64", "");

        List<Path> modules = GuestModules.forKernel(Path.of("/boot/vmlinuz-6.1.0-57-cloud-amd64"), List.of(trees));

        assertThat(modules.stream().map(p -> p.getFileName().toString()))
                .containsExactly(
                        "virtio_ring.ko",
                        "virtio.ko",
                        "virtio_mmio.ko",
                        "failover.ko",
                        "net_failover.ko",
                        "virtio_net.ko");
    }

    @Test
    void modulesTheKernelHasBuiltInAreNotLoaded() throws Exception {
        Path dir = debianLikeTree("6.9", "kernel/drivers/virtio/virtio_mmio.ko\n");

        List<Path> modules = GuestModules.inOrder(dir, GuestModules.NEEDED);

        assertThat(modules.stream().map(p -> p.getFileName().toString())).doesNotContain("virtio_mmio.ko");
        assertThat(modules.getLast().getFileName()).hasToString("virtio_net.ko");
    }

    @Test
    void aKernelWithoutAModuleTreeOrWithoutAVersionInItsNameIsRefusedSayingWhy() {
        assertThatThrownBy(() -> GuestModules.forKernel(Path.of("/boot/vmlinuz-7.0"), List.of(trees)))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("7.0 has no module tree");
        assertThatThrownBy(() -> GuestModules.forKernel(Path.of("/images/bzImage"), List.of(trees)))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("cannot tell the version");
    }
}
