package dev.atoll.cli.client;

import java.util.List;

/** The answer to a create, update or scale: what was done, and the environment afterwards. */
public record DeployReply(String outcome, List<String> changedServices, RemoteEnvironment environment) {
    public DeployReply {
        changedServices = changedServices == null ? List.of() : List.copyOf(changedServices);
    }
}
