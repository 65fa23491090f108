package dev.atoll.testhosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Naming rules that keep cleanup to the harness's own objects; no root needed. */
class HarnessRunsTest {
    @Test
    void cleanupRefusesAPrefixThatIsNotTheHarnesss() {
        assertThatThrownBy(() -> TestNetwork.cleanupLeftovers("veth"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with \"atb\"");
        assertThatThrownBy(() -> TestNetwork.cleanupLeftovers("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyNamesThatStartWithARunIdBelongToARun() {
        assertThat(HarnessRuns.runIdOf("atb3f9c-london-ctl")).contains("atb3f9c");
        assertThat(HarnessRuns.runIdOf("atb3f9ch12")).contains("atb3f9c");
        assertThat(HarnessRuns.runIdOf("atb3f9c")).contains("atb3f9c");
        assertThat(HarnessRuns.runIdOf("atbridge0")).isEmpty();
        assertThat(HarnessRuns.runIdOf("atb3F9C-x")).isEmpty();
        assertThat(HarnessRuns.runIdOf("eth0")).isEmpty();
    }
}
