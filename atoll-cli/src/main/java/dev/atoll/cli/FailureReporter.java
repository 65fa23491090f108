package dev.atoll.cli;

import dev.atoll.cli.client.ApiException;
import dev.atoll.cli.client.ApiFailure;
import dev.atoll.model.spec.FieldError;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where a failed command is told to the user: a readable line (and the field errors),
 * never a stack trace, unless ATOLL_DEBUG is set for whoever debugs the CLI itself.
 */
final class FailureReporter implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        int code;
        if (e instanceof ApiException api) {
            code = report(api.failure(), err);
        } else {
            err.println("error: unexpected failure: " + e);
            code = ExitCodes.FAILED;
        }
        if (System.getenv("ATOLL_DEBUG") != null) e.printStackTrace(err);
        err.flush();
        return code;
    }

    static int report(ApiFailure failure, PrintWriter err) {
        return switch (failure) {
            case ApiFailure.Problem p -> {
                err.println("error: " + p.detail());
                for (FieldError error : p.errors()) err.println("  " + error);
                yield ExitCodes.FAILED;
            }
            case ApiFailure.Unreachable u -> {
                err.println("error: cannot reach Atoll at " + u.server() + " (is `atoll dev` running?)");
                yield ExitCodes.CANNOT_RUN;
            }
            case ApiFailure.Broken b -> {
                err.println("error: " + b.message());
                yield ExitCodes.FAILED;
            }
        };
    }
}
