package dev.atoll.sim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * report.json: the record as it is, fields in declaration order and counters in print order, so
 * two runs diff line by line; doubles written plainly (3600.0, 0.0001, never 1.0E-4) so any tool
 * reads them. Non-finite doubles are written as Jackson writes them ("NaN"), which it reads back.
 */
final class ReportJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(new SimpleModule("plain-doubles")
                    .addSerializer(Double.class, new PlainDouble())
                    .addSerializer(Double.TYPE, new PlainDouble()))
            .build();

    private ReportJson() {}

    static String of(SimReport report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            // A record of plain values always serialises; failing here is a bug.
            throw new UncheckedIOException("cannot write the report as JSON", e);
        }
    }

    private static final class PlainDouble extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider serializers) throws IOException {
            if (Double.isFinite(value)) {
                out.writeNumber(plain(value));
            } else {
                out.writeNumber(value.doubleValue());
            }
        }
    }

    /** A finite double without exponent: "3600.0", "0.0001". */
    static String plain(double value) {
        if (value == 0) {
            // Keep the sign of -0.0, which the record's equals tells apart from 0.0.
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        String text = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        return text.contains(".") ? text : text + ".0";
    }
}
