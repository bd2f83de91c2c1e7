package com.flashapp.whatsapp.sandbox.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Twilio's Content API (the part the product uses): create and fetch {@code twilio/text}, {@code twilio/quick-reply}
 * and {@code twilio/list-picker} templates, validated with Twilio's documented limits. Templates created here are
 * never approved: they are session content, refused outside the 24-hour window like free-form text.
 */
@ApplicationScoped
public class ContentTemplates {

    /** A created template: what the chat page needs to show it (body with {{n}} variables, buttons or list items). */
    public record Template(String sid, String friendlyName, String language, Map<String, String> variables,
                           String type, String body, String listButton, List<Action> actions, JsonNode types,
                           Instant dateCreated) {

        /** The body with {@code ContentVariables} (JSON) filled in, falling back to the samples like Twilio. */
        public String render(String contentVariables, ObjectMapper mapper) {
            var values = new LinkedHashMap<>(variables);
            if (contentVariables != null && !contentVariables.isBlank()) {
                try {
                    mapper.readTree(contentVariables).fields().forEachRemaining(e -> values.put(e.getKey(),
                            e.getValue().asText()));
                } catch (Exception e) {
                    // validated on send; nothing to fill
                }
            }
            var text = body;
            for (var e : values.entrySet()) {
                text = text.replace("{{" + e.getKey() + "}}", e.getValue());
            }
            return text;
        }
    }

    /** A button ({@code title}) or list item ({@code item}); {@code id} comes back as ButtonPayload. */
    public record Action(String id, String title, String description) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final Pattern VARIABLE_KEY = Pattern.compile("^[A-Za-z0-9_]{1,16}$");
    private static final List<String> SUPPORTED = List.of("twilio/text", "twilio/quick-reply", "twilio/list-picker");

    private final SandboxConfig config;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Template> bySid = new ConcurrentHashMap<>();

    public ContentTemplates(SandboxConfig config) {
        this.config = config;
    }

    /** Validates a create request as Twilio does (400 with Twilio's error JSON) and stores the template. */
    public Result create(JsonNode request) {
        if (request == null || !request.isObject()) {
            return Result.error("The request body must be a JSON object.");
        }
        var language = text(request, "language");
        if (language == null || language.isBlank()) {
            return Result.error("Missing required parameter language in the post body");
        }
        var typesNode = request.get("types");
        if (typesNode == null || !typesNode.isObject()) {
            return Result.error("Missing required parameter types in the post body");
        }
        var variables = new LinkedHashMap<String, String>();
        var variablesNode = request.get("variables");
        if (variablesNode != null && !variablesNode.isNull()) {
            if (!variablesNode.isObject()) {
                return Result.error("variables must be an object of sample values");
            }
            var fields = variablesNode.fields();
            while (fields.hasNext()) {
                var e = fields.next();
                if (!VARIABLE_KEY.matcher(e.getKey()).matches()) {
                    return Result.error("Variable key '" + e.getKey() + "' is invalid: letters, digits and _ only, "
                            + "at most 16 characters");
                }
                if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
                    return Result.error("Variable '" + e.getKey() + "' needs a non-empty sample value");
                }
                variables.put(e.getKey(), e.getValue().asText());
            }
        }
        // twilio-java writes every type, the unused ones as null
        var present = new ArrayList<String>();
        typesNode.fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                present.add(e.getKey());
            }
        });
        if (present.isEmpty()) {
            return Result.error("types must contain at least one content type");
        }
        String type = null;
        for (var name : present) {
            if (!SUPPORTED.contains(name)) {
                return Result.error("Content type '" + name + "' is not supported by this simulator");
            }
            type = type == null || "twilio/text".equals(type) ? name : type;
        }
        var node = typesNode.get(type);
        var body = text(node, "body");
        if (body == null || body.isBlank()) {
            return Result.error(type + " body is required");
        }
        int maxBody = "twilio/text".equals(type) ? 1600 : 1024;
        if (body.length() > maxBody) {
            return Result.error(type + " body exceeds " + maxBody + " characters");
        }
        var used = new HashSet<String>();
        var matcher = VARIABLE.matcher(body);
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        for (var name : used) {
            if (!VARIABLE_KEY.matcher(name).matches()) {
                return Result.error("Variable '{{" + name + "}}' is invalid: no spaces, at most 16 characters");
            }
            if (!variables.containsKey(name)) {
                return Result.error("Variable '{{" + name + "}}' has no sample value in variables");
            }
        }
        var actions = new ArrayList<Action>();
        String listButton = null;
        if ("twilio/quick-reply".equals(type)) {
            var list = node.get("actions");
            if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10) {
                return Result.error("twilio/quick-reply actions must have 1 to 10 buttons");
            }
            for (var a : list) {
                var actionType = text(a, "type");
                if (actionType != null && !"QUICK_REPLY".equals(actionType)) {
                    return Result.error("twilio/quick-reply action type must be QUICK_REPLY");
                }
                var title = text(a, "title");
                var id = text(a, "id");
                if (title == null || title.isBlank() || title.length() > 20) {
                    return Result.error("twilio/quick-reply action title is required, at most 20 characters");
                }
                if (id == null || id.isBlank() || id.length() > 200) {
                    return Result.error("twilio/quick-reply action id is required, at most 200 characters");
                }
                actions.add(new Action(id, title, null));
            }
        } else if ("twilio/list-picker".equals(type)) {
            listButton = text(node, "button");
            if (listButton == null || listButton.isBlank() || listButton.length() > 20) {
                return Result.error("twilio/list-picker button is required, at most 20 characters");
            }
            var list = node.get("items");
            if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10) {
                return Result.error("twilio/list-picker items must have 1 to 10 items");
            }
            for (var i : list) {
                var item = text(i, "item");
                var id = text(i, "id");
                var description = text(i, "description");
                if (item == null || item.isBlank() || item.length() > 24) {
                    return Result.error("twilio/list-picker item is required, at most 24 characters");
                }
                if (id == null || id.isBlank() || id.length() > 200) {
                    return Result.error("twilio/list-picker item id is required, at most 200 characters");
                }
                if (description != null && description.length() > 72) {
                    return Result.error("twilio/list-picker item description is at most 72 characters");
                }
                actions.add(new Action(id, item, description));
            }
        }
        if (actions.stream().map(Action::id).distinct().count() < actions.size()) {
            return Result.error(type + " ids must be unique");
        }
        var template = new Template(sid(), text(request, "friendly_name"), language, Map.copyOf(variables), type,
                body, listButton, List.copyOf(actions), typesNode, Instant.now());
        bySid.put(template.sid(), template);
        return new Result(template, null);
    }

    /** The created template, if any (approved templates configured elsewhere are unknown here). */
    public Optional<Template> find(String sid) {
        return sid == null ? Optional.empty() : Optional.ofNullable(bySid.get(sid));
    }

    /** Twilio's Content resource JSON. */
    public Map<String, Object> resource(Template t) {
        var view = new LinkedHashMap<String, Object>();
        var url = "https://content.twilio.com/v1/Content/" + t.sid();
        view.put("account_sid", config.twilio().accountSid());
        view.put("date_created", t.dateCreated().toString());
        view.put("date_updated", t.dateCreated().toString());
        view.put("friendly_name", t.friendlyName());
        view.put("language", t.language());
        view.put("links", Map.of("approval_create", url + "/ApprovalRequests/whatsapp",
                "approval_fetch", url + "/ApprovalRequests"));
        view.put("sid", t.sid());
        view.put("types", t.types());
        view.put("url", url);
        view.put("variables", t.variables());
        return view;
    }

    /** The outcome of a create: the template, or Twilio's 400. */
    public record Result(Template template, TwilioError error) {
        static Result error(String message) {
            // the code of Twilio's Content API validation errors is not documented here (unverified): 20001
            return new Result(null, TwilioError.of(400, 20001, message));
        }
    }

    private static String text(JsonNode node, String field) {
        var value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private String sid() {
        var bytes = new byte[16];
        random.nextBytes(bytes);
        return "HX" + HexFormat.of().formatHex(bytes);
    }
}
