package dev.atoll.net.dns;

import java.util.List;
import org.xbill.DNS.Record;

/** What {@link NameTable#lookup} found for one question; the server turns it into a response code. */
public sealed interface Answer {
    /** NOERROR with records; {@code additional} holds the A records of SRV targets. */
    record Found(List<Record> answers, List<Record> additional) implements Answer {
        public Found {
            answers = List.copyOf(answers);
            additional = List.copyOf(additional);
        }
    }

    /** NXDOMAIN: no such name, or a name of another tenant (which must look the same). */
    record NoSuchName() implements Answer {}

    /** NOERROR with no records: the name exists but has none of the asked type right now. */
    record NoData() implements Answer {}

    /** REFUSED: not under {@code atoll.}; we answer our own zone only and do not recurse. */
    record Refused() implements Answer {}
}
