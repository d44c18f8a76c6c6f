package io.switchboard.sla;

import java.util.List;
import java.util.Map;

/** Business hours as the contract shows them: weekly periods as ["HH:MM","HH:MM"] pairs. */
public record Calendar(String id, String name, String timezone, Map<String, List<List<String>>> weekly,
    List<String> holidays) {
}
