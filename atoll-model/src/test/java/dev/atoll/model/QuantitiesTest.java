package dev.atoll.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {
    @ParameterizedTest(name = "{0} -> {1}m")
    @CsvSource({"2, 2000", "0.5, 500", "0.25, 250", "1.5, 1500", "500m, 500", "1m, 1", "0.001, 1", "0, 0", "' 2 ', 2000"
    })
    void cpuIsReadAsCoresOrMillicores(String text, long millis) {
        assertThat(Quantities.parseCpuMillis(text)).contains(millis);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "m", "-1", "0.0005", "1.5m", "2 cores", "1e3", "1k", "99999999999999999999"})
    void cpuThatIsNotAQuantityIsEmpty(String text) {
        assertThat(Quantities.parseCpuMillis(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}B")
    @CsvSource({
        "256Mi, 268435456",
        "1Gi, 1073741824",
        "1G, 1000000000",
        "1k, 1000",
        "1K, 1000",
        "1Ki, 1024",
        "1.5Gi, 1610612736",
        "1000, 1000",
        "1Pi, 1125899906842624"
    })
    void memoryIsReadWithBinaryOrDecimalUnitsOrAsBytes(String text, long bytes) {
        assertThat(Quantities.parseMemoryBytes(text)).contains(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "12Zi", "1gi", "Gi", "-1Gi", "1 Gi", "1e3", "9999999999Pi"})
    void memoryThatIsNotAQuantityIsEmpty(String text) {
        assertThat(Quantities.parseMemoryBytes(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1073741824, 1Gi", "1610612736, 1536Mi", "1000, 1000", "1024, 1Ki", "0, 0"})
    void memoryIsPrintedInTheLargestExactBinaryUnit(long bytes, String text) {
        assertThat(Quantities.formatMemory(bytes)).isEqualTo(text);
    }

    @Property
    void printedCpuReadsBack(@ForAll @LongRange(min = 0, max = 1_000_000_000L) long millis) {
        assertThat(Quantities.parseCpuMillis(Quantities.formatCpu(millis))).isEqualTo(Optional.of(millis));
    }

    @Property
    void printedMemoryReadsBack(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bytes) {
        assertThat(Quantities.parseMemoryBytes(Quantities.formatMemory(bytes))).isEqualTo(Optional.of(bytes));
    }
}
