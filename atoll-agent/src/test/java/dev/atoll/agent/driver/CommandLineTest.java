package dev.atoll.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final Map<String, String> ENV = Map.of("ATOLL_PORT_HTTP", "8123", "PATH", "/usr/bin:/bin");

    @Test
    void bracedVariablesAreReplacedFromTheInstanceEnvironment() throws LaunchException {
        assertThat(CommandLine.expand("--port=${ATOLL_PORT_HTTP}", ENV)).isEqualTo("--port=8123");
    }

    @Test
    void doubleDollarIsALiteralDollar() throws LaunchException {
        assertThat(CommandLine.expand("cost $$5 ${ATOLL_PORT_HTTP}$$", ENV)).isEqualTo("cost $5 8123$");
    }

    @Test
    void unbracedVariablesAreLeftForTheShell() throws LaunchException {
        assertThat(CommandLine.expand("echo $HOME $", ENV)).isEqualTo("echo $HOME $");
    }

    @Test
    void anUnsetVariableIsAnError() {
        assertThatThrownBy(() -> CommandLine.expand("${ATOLL_PORT_HTPP}", ENV))
                .isInstanceOf(LaunchException.class)
                .hasMessage("command refers to ${ATOLL_PORT_HTPP}, which is not set");
    }

    @Test
    void theProgramIsFoundThroughPath() throws LaunchException {
        List<String> argv = CommandLine.prepare(List.of("sh", "-c", "echo ${ATOLL_PORT_HTTP}"), ENV);
        assertThat(argv.get(0)).endsWith("/sh").startsWith("/");
        assertThat(argv.subList(1, 3)).containsExactly("-c", "echo 8123");
    }

    @Test
    void aMistypedProgramIsNotFound() {
        assertThatThrownBy(() -> CommandLine.prepare(List.of("pyhton3", "-m", "http.server"), ENV))
                .isInstanceOf(LaunchException.class)
                .hasMessage("command not found: pyhton3");
    }

    @Test
    void anEmptyCommandIsAnError() {
        assertThatThrownBy(() -> CommandLine.prepare(List.of(), ENV)).hasMessage("command is empty");
    }
}
