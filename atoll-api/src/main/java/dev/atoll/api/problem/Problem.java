package dev.atoll.api.problem;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.spec.FieldError;
import java.util.List;

/**
 * An RFC 9457 problem detail: what every error response of the API carries, as
 * application/problem+json. {@code errors} lists field errors and is written only when there are
 * some.
 */
public record Problem(int status, String title, String detail, List<FieldError> errors) {
    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        errors = List.copyOf(errors);
    }

    public static Problem of(int status, String detail) {
        return new Problem(status, titleOf(status), detail, List.of());
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        return new Problem(400, titleOf(400), detail, errors);
    }

    /** A bad request about one field: the detail names the field so a reader of only the sentence knows. */
    public static Problem badField(String path, String reason) {
        return invalid(path + ": " + reason, List.of(new FieldError(path, reason)));
    }

    public ObjectNode toJson() {
        var node = AtollJson.json().createObjectNode();
        node.put("type", "about:blank");
        node.put("title", title);
        node.put("status", status);
        node.put("detail", detail);
        if (!errors.isEmpty()) {
            var list = node.putArray("errors");
            for (var e : errors) list.addObject().put("path", e.path()).put("reason", e.reason());
        }
        return node;
    }

    static String titleOf(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 503 -> "Service Unavailable";
            case 500 -> "Internal Server Error";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
