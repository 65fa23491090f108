package dev.atoll.cli.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.cli.Table;
import dev.atoll.cli.Text;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code atoll plan show|apply}: the rebalancing plan each site's background optimizer keeps. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "The rebalancing plan each site keeps for its own placement: the moves its background optimizer"
                    + " proposes (packing, spread, user latency, energy, draining and overloaded nodes), and the"
                    + " objective before and after. Nothing moves until a cloud admin applies a plan."
        },
        subcommands = {PlanCommand.Show.class, PlanCommand.Apply.class},
        footerHeading = "%nExample:%n",
        footer = {"  atoll plan show", "  atoll plan show --site london", "  atoll plan apply london"})
public final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    AtollCommand atoll;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: show, apply");
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Print each site's plan: for a cloud admin the objective term by term (before, after, weight) and"
                        + " every move in the order it would be applied; for anyone else the moves of their own"
                        + " instances only. A site works out its plan when asked, at most once a minute."
                        + " With --region N each site plans over its region instead: itself and its N nearest"
                        + " sites by RTT, where its replicas may move (nearer their users, to greener or"
                        + " cheaper energy); the other sites' replicas are counted, never moved."
            },
            footerHeading = "%nExample:%n",
            footer = {
                "  atoll plan show",
                "  atoll plan show --site london -o json",
                "  atoll plan show --site london --region 2"
            })
    static final class Show implements Callable<Integer> {
        @ParentCommand
        PlanCommand plan;

        @Option(names = "--site", paramLabel = "SITE", description = "Only this site's plan.")
        String site;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--region",
                paramLabel = "N",
                defaultValue = "0",
                description = "Plan over each site and its N nearest sites (0 to 16; default 0: each site alone).")
        int region;

        @picocli.CommandLine.Mixin
        private dev.atoll.cli.OutputOption output;

        @Override
        public Integer call() {
            var session = plan.atoll.session();
            if (region < 0 || region > 16) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--region must be 0 to 16, not " + region);
            }
            JsonNode plans = plan.atoll.client().plansJson(Optional.ofNullable(site), region);
            PrintWriter out = session.out();
            switch (output.format()) {
                case JSON -> out.print(Text.prettyJson(plans));
                case YAML -> out.print(Text.yaml(plans));
                case TABLE, WIDE -> {
                    if (plans.isEmpty()) {
                        session.err()
                                .println(
                                        site == null
                                                ? "no site answered with a plan"
                                                : "site " + site + " did not answer with a plan");
                        session.err().flush();
                        return ExitCodes.FAILED;
                    }
                    for (JsonNode p : plans) print(out, p);
                }
            }
            out.flush();
            return ExitCodes.OK;
        }

        static void print(PrintWriter out, JsonNode plan) {
            out.println("site " + plan.path("site").asText() + ": plan of "
                    + plan.path("computedAt").asText()
                    + (plan.path("applying").asBoolean()
                            ? ", being applied (" + plan.path("applied").asInt() + " of "
                                    + plan.path("moves").size() + " moves asked for)"
                            : ""));
            String report = plan.path("report").asText("");
            if (!report.isEmpty()) {
                out.println(report.stripTrailing());
            } else if (plan.path("moves").isEmpty()) {
                out.println("No moves of your instances.");
            } else {
                Table table = Table.of("#", "INSTANCE", "FROM", "TO");
                for (JsonNode m : plan.path("moves"))
                    table.row(
                            m.path("order").asText(),
                            m.path("instance").asText(),
                            m.path("from").asText(),
                            m.path("to").asText());
                out.print(table.render());
            }
            out.println();
        }
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Apply a site's plan gradually: a few moves at a time under the site's move rate limit (two at"
                        + " once, ten a minute), each make before break through the mover, which checks every"
                        + " destination again. Needs the cloud admin's token."
            },
            footerHeading = "%nExample:%n",
            footer = {"  atoll plan apply london"})
    static final class Apply implements Callable<Integer> {
        @ParentCommand
        PlanCommand plan;

        @Parameters(index = "0", paramLabel = "SITE", description = "The site whose plan to apply.")
        String site;

        @Override
        public Integer call() {
            var session = plan.atoll.session();
            JsonNode answer = plan.atoll.client().applyPlan(site);
            int moves = answer.path("moves").size();
            session.out()
                    .println(
                            moves == 0
                                    ? "site " + site + "'s plan has no moves: nothing to apply"
                                    : "applying site " + site + "'s plan: " + moves
                                            + " move(s), a few at a time (atoll events --watch, atoll plan show --site "
                                            + site + ")");
            session.out().flush();
            return ExitCodes.OK;
        }
    }
}
