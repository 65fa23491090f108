package dev.atoll.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class LandOutlinesTest {
    @Test
    void theLandResourceLoadsWithMoreThanAHundredRingsOfValidCoordinates() {
        List<double[]> rings = LandOutlines.rings();

        assertThat(rings).hasSizeGreaterThan(100);
        for (double[] ring : rings) {
            assertThat(ring.length).isEven().isGreaterThanOrEqualTo(6);
            for (int i = 0; i < ring.length; i += 2) {
                assertThat(ring[i]).isBetween(-180.0, 180.0);
                assertThat(ring[i + 1]).isBetween(-90.0, 90.0);
            }
        }
    }

    @Test
    void commentsAndBlankLinesAreSkipped() throws Exception {
        String text = "# a comment\n\n1,2 3,4 5,6\n";

        List<double[]> rings = LandOutlines.parse(new BufferedReader(new StringReader(text)));

        assertThat(rings).singleElement().isEqualTo(new double[] {1, 2, 3, 4, 5, 6});
    }

    @Test
    void aBrokenLineNamesItsNumber() {
        String text = "# a comment\n1,2 3;4\n";

        assertThatThrownBy(() -> LandOutlines.parse(new BufferedReader(new StringReader(text))))
                .hasMessageContaining("line 2")
                .hasMessageContaining("'3;4'");
    }
}
