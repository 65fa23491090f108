package dev.atoll.control.site;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.atoll.model.spec.HealthCheck;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How commands and snapshots are written to disk: JSON of the records, with the type of every
 * sealed variant named. Unknown fields fail loudly: a log we cannot read exactly is a broken
 * machine, not something to skip.
 */
final class SiteCodec {
    @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(SiteCommand.RegisterNode.class),
        @JsonSubTypes.Type(SiteCommand.PutEnvironment.class),
        @JsonSubTypes.Type(SiteCommand.DeleteEnvironment.class),
        @JsonSubTypes.Type(SiteCommand.ForgetEnvironment.class),
        @JsonSubTypes.Type(SiteCommand.RecordPlacement.class),
        @JsonSubTypes.Type(SiteCommand.RecordUnplaceable.class),
        @JsonSubTypes.Type(SiteCommand.ForgetPlacement.class),
        @JsonSubTypes.Type(SiteCommand.ReserveInstance.class),
        @JsonSubTypes.Type(SiteCommand.ReleaseInstance.class),
        @JsonSubTypes.Type(SiteCommand.ReportInstance.class),
        @JsonSubTypes.Type(SiteCommand.MarkNodeDown.class),
        @JsonSubTypes.Type(SiteCommand.MarkNodeUp.class),
        @JsonSubTypes.Type(SiteCommand.ClaimHome.class),
        @JsonSubTypes.Type(SiteCommand.ClaimHomes.class),
        @JsonSubTypes.Type(SiteCommand.StoreCopy.class),
        @JsonSubTypes.Type(SiteCommand.ForgetCopy.class),
        @JsonSubTypes.Type(SiteCommand.AdoptEnvironment.class),
        @JsonSubTypes.Type(SiteCommand.MergeAuth.class),
        @JsonSubTypes.Type(SiteCommand.RecordAudit.class),
        @JsonSubTypes.Type(SiteCommand.IssueJoinToken.class),
        @JsonSubTypes.Type(SiteCommand.ConsumeJoinToken.class),
        @JsonSubTypes.Type(SiteCommand.StartMove.class),
        @JsonSubTypes.Type(SiteCommand.MovePlaced.class),
        @JsonSubTypes.Type(SiteCommand.SwitchMove.class),
        @JsonSubTypes.Type(SiteCommand.EndMove.class),
        @JsonSubTypes.Type(SiteCommand.DrainNode.class),
        @JsonSubTypes.Type(SiteCommand.MigrateOut.class)
    })
    private interface CommandTypes {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "probe")
    @JsonSubTypes({
        @JsonSubTypes.Type(HealthCheck.Http.class),
        @JsonSubTypes.Type(HealthCheck.Tcp.class),
        @JsonSubTypes.Type(HealthCheck.Command.class)
    })
    private interface ProbeTypes {}

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .addMixIn(SiteCommand.class, CommandTypes.class)
            .addMixIn(HealthCheck.Probe.class, ProbeTypes.class)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private SiteCodec() {}

    static byte[] writeCommand(SiteCommand command) {
        try {
            return MAPPER.writerFor(SiteCommand.class).writeValueAsBytes(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SiteCommand readCommand(byte[] bytes) {
        try {
            return MAPPER.readValue(bytes, SiteCommand.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable site command in the Raft log: " + e.getMessage(), e);
        }
    }

    static byte[] writeState(SiteState state) {
        try {
            return MAPPER.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SiteState readState(byte[] bytes) {
        try {
            return MAPPER.readValue(bytes, SiteState.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable site snapshot: " + e.getMessage(), e);
        }
    }
}
