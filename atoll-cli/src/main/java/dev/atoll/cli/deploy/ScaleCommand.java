package dev.atoll.cli.deploy;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Changes one service's replica count. */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description = "Set the number of replicas of one service of an environment (0 to 1000).",
        footerHeading = "%nExample:%n",
        footer = {"  atoll scale hello/web 9"})
public final class ScaleCommand implements Callable<Integer> {
    @ParentCommand
    private AtollCommand atoll;

    @Parameters(
            index = "0",
            paramLabel = "ENVIRONMENT/SERVICE",
            converter = ServiceRef.Converter.class,
            description = "The service to scale, e.g. hello/web.")
    private ServiceRef target;

    @Parameters(index = "1", paramLabel = "REPLICAS", description = "The new number of replicas.")
    private int replicas;

    @Override
    public Integer call() {
        var reply = atoll.client().scale(target.environment(), target.service(), replicas);
        var out = atoll.session().out();
        if ("unchanged".equals(reply.outcome())) {
            out.println(target + " already has " + replicas + (replicas == 1 ? " replica" : " replicas"));
        } else {
            out.println(target + " scaled to " + replicas + (replicas == 1 ? " replica" : " replicas"));
        }
        return ExitCodes.OK;
    }

    /** "hello/web". */
    record ServiceRef(String environment, String service) {
        @Override
        public String toString() {
            return environment + "/" + service;
        }

        static final class Converter implements CommandLine.ITypeConverter<ServiceRef> {
            @Override
            public ServiceRef convert(String value) {
                int slash = value.indexOf('/');
                if (slash <= 0 || slash == value.length() - 1 || value.indexOf('/', slash + 1) >= 0) {
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not ENVIRONMENT/SERVICE, e.g. hello/web");
                }
                return new ServiceRef(value.substring(0, slash), value.substring(slash + 1));
            }
        }
    }
}
