package dev.atoll.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only that the measurement runs and measures each kill; the figures themselves are for the report. */
class RestartLatencyTest {
    @TempDir
    Path workDir;

    @Test
    void measuresEveryKill() throws Exception {
        var figures = RestartLatency.measure(3, workDir);

        assertThat(figures.untilRunningMs()).hasSize(3).isSorted();
        assertThat(figures.untilStartedMs()).hasSize(3);
        assertThat(figures.describe()).startsWith("restart latency over 3 kills: until running median ");
    }
}
