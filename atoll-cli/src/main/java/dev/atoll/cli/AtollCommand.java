package dev.atoll.cli;

import dev.atoll.cli.client.ApiClient;
import dev.atoll.cli.deploy.DeleteCommand;
import dev.atoll.cli.deploy.DeployCommand;
import dev.atoll.cli.deploy.ScaleCommand;
import dev.atoll.cli.deploy.ValidateCommand;
import dev.atoll.cli.inspect.DescribeCommand;
import dev.atoll.cli.inspect.EventsCommand;
import dev.atoll.cli.inspect.GetCommand;
import dev.atoll.cli.inspect.LogsCommand;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code atoll} command: global options and the list of subcommands. */
@Command(
        name = "atoll",
        mixinStandardHelpOptions = true,
        versionProvider = AtollCommand.Version.class,
        // Subcommands inherit the help options and the version provider (and a footer if they lack one).
        scope = ScopeType.INHERIT,
        description = "Atoll: one cloud made of many small sites. Deploy environments and watch them run.",
        subcommands = {
            dev.atoll.cli.dev.DevCommand.class,
            DeployCommand.class,
            GetCommand.class,
            DescribeCommand.class,
            LogsCommand.class,
            ScaleCommand.class,
            dev.atoll.cli.move.MoveCommand.class,
            dev.atoll.cli.move.DrainCommand.class,
            dev.atoll.cli.plan.PlanCommand.class,
            DeleteCommand.class,
            EventsCommand.class,
            ValidateCommand.class,
            dev.atoll.cli.image.ImageCommand.class,
            dev.atoll.cli.auth.TenantCommand.class,
            dev.atoll.cli.auth.TokenCommand.class,
            dev.atoll.cli.auth.AuditCommand.class,
            dev.atoll.cli.pki.InitCommand.class,
            dev.atoll.cli.pki.JoinTokenCommand.class,
            CompletionCommand.class,
            dev.atoll.cli.bench.BenchCommand.class,
            dev.atoll.cli.sim.SimCommand.class,
            dev.atoll.cli.agent.AgentCommand.class,
            dev.atoll.cli.site.SiteCommand.class,
        },
        footerHeading = "%nExample:%n",
        footer = {"  atoll deploy -f examples/hello.yaml", "  atoll get instances --environment hello -o wide"})
public final class AtollCommand implements Callable<Integer> {
    public static final String DEFAULT_SERVER = "http://127.0.0.1:7070";
    public static final String DEFAULT_TENANT = "default";

    private final Session session;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:ATOLL_SERVER:-" + DEFAULT_SERVER + "}",
            converter = ServerAddress.class,
            description = "Address of the Atoll API (default: $ATOLL_SERVER, else " + DEFAULT_SERVER + ").")
    private URI server;

    @Option(
            names = "--tenant",
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            description =
                    "Tenant to act for: the token's own (the default), which a request may name but not"
                            + " another; for token and audit commands, whose tokens or entries (another's needs a cloud admin).")
    private String tenant;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:ATOLL_TOKEN}",
            description = "Bearer token (default: $ATOLL_TOKEN, else the one `atoll dev` saved for the server in"
                    + " ~/.atoll/credentials.json).")
    private String token;

    public AtollCommand(Session session) {
        this.session = session;
    }

    /** Without a subcommand, show what there is to do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(session.out());
        return ExitCodes.OK;
    }

    public Session session() {
        return session;
    }

    public URI server() {
        return server;
    }

    /** The tenant given with --tenant, if any. */
    public Optional<String> explicitTenant() {
        return Optional.ofNullable(tenant);
    }

    public String tenant() {
        return explicitTenant().orElse(DEFAULT_TENANT);
    }

    /** A client for the server, acting for --tenant when given, else for the token's tenant. */
    public ApiClient client() {
        return new ApiClient(server, explicitTenant().orElse(null), token().orElse(null));
    }

    /** A client that names {@code tenant} on every call (null: none). */
    public ApiClient client(String tenant) {
        return new ApiClient(server, tenant, token().orElse(null));
    }

    /** --token, else $ATOLL_TOKEN, else what `atoll dev` saved for this server. */
    public Optional<String> token() {
        if (token != null && !token.isBlank()) return Optional.of(token.strip());
        return dev.atoll.cli.client.Credentials.ofUser().tokenFor(server);
    }

    /** Accepts http(s)://host[:port][/path] and says so when given anything else. */
    static final class ServerAddress implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = new URI(value.strip());
                if (uri.getHost() == null
                        || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not a server address like " + DEFAULT_SERVER);
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a server address like " + DEFAULT_SERVER);
            }
        }
    }

    /** The version the build wrote into the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AtollCommand.class.getPackage().getImplementationVersion();
            return new String[] {"atoll " + (version == null ? "development build" : version)};
        }
    }
}
