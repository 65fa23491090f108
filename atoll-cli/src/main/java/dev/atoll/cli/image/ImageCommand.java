package dev.atoll.cli.image;

import dev.atoll.cli.AtollCommand;
import dev.atoll.cli.ExitCodes;
import dev.atoll.model.image.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code atoll image import}: images enter the cloud at one site and travel to the others by digest. */
@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        description = "Manage images: import an OCI layout or docker-save archive at a site.",
        subcommands = {ImageCommand.Import.class})
public final class ImageCommand implements Callable<Integer> {
    @ParentCommand
    AtollCommand atoll;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: import");
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Store an image archive (OCI image layout tar, or a docker save tarball) at the site"
                    + " the CLI talks to. Any site can then run it: others fetch it by digest.",
            footerHeading = "%nExample:%n",
            footer = {
                "  atoll image import busybox.tar --name busybox:1.36",
                "  imported busybox:1.36 sha256:3f5a... (2.1Mi) at frankfurt"
            })
    static final class Import implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The archive.")
        Path file;

        @Option(names = "--name", paramLabel = "NAME:TAG", description = "Name the image (else: its archive's names).")
        String name;

        @Override
        public Integer call() {
            var session = image.atoll.session();
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "FILE: " + file + " is not a file");
            }
            if (name != null) {
                switch (ImageRef.parse(name)) {
                    case ImageRef.Result.Invalid i ->
                        throw new CommandLine.ParameterException(spec.commandLine(), "--name: " + i.reason());
                    case ImageRef.Result.Valid v -> {
                        if (v.ref().name().isEmpty() || v.ref().digest().isPresent()) {
                            throw new CommandLine.ParameterException(
                                    spec.commandLine(), "--name: give a name and tag such as busybox:1.36");
                        }
                    }
                }
            }
            var imported = image.atoll.client().importImage(file, Optional.ofNullable(name));
            session.out()
                    .printf(
                            "imported %s %s (%s) at %s%n",
                            imported.names().isEmpty() ? "<unnamed>" : String.join(",", imported.names()),
                            imported.digest(),
                            dev.atoll.cli.Text.memory(imported.size()),
                            String.join(",", imported.sites()));
            session.out().flush();
            return ExitCodes.OK;
        }
    }
}
