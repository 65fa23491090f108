package dev.atoll.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAlignedUnderUpperCaseHeaders() {
        var table = Table.of("name", "country").row("london", "GB").row("new-york", "US");

        assertThat(table.render()).isEqualTo("""
                NAME       COUNTRY
                london     GB
                new-york   US
                """);
    }

    @Test
    void emptyCellsPrintAsADashSoColumnsStayCountable() {
        var table =
                Table.of("ID", "MESSAGE", "PID").row("hello.web.0", null, "").row("hello.web.1", "", 42);

        assertThat(table.render().lines())
                .containsExactly(
                        "ID            MESSAGE   PID", "hello.web.0   -         -", "hello.web.1   -         42");
    }

    @Test
    void aCellWithANewLineStaysOnItsRow() {
        var table = Table.of("A", "B").row("x", "two\nlines");

        assertThat(table.render().lines()).hasSize(2).last().isEqualTo("x   two lines");
    }

    @Test
    void aRowOfTheWrongWidthIsABug() {
        assertThatThrownBy(() -> Table.of("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
