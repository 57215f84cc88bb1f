package io.datapump.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import org.springframework.jms.core.JmsTemplate;

/** Browses a dead-letter queue of the embedded broker without consuming it. */
public final class DeadLetterQueue {

    /** A dead-lettered message: its body and its properties (the failure headers). */
    public record Letter(String body, Map<String, Object> headers) {
        public Object header(String name) {
            return headers.get(name);
        }
    }

    private final JmsTemplate jms;
    private final String queue;

    public DeadLetterQueue(JmsTemplate jms, String queue) {
        this.jms = jms;
        this.queue = queue;
    }

    public List<Letter> letters() {
        List<Letter> letters = jms.browse(queue, (session, browser) -> {
            List<Letter> found = new ArrayList<>();
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message message = (Message) messages.nextElement();
                Map<String, Object> headers = new HashMap<>();
                for (Object name : Collections.list(message.getPropertyNames())) {
                    headers.put((String) name, message.getObjectProperty((String) name));
                }
                found.add(new Letter(message instanceof TextMessage t ? t.getText() : null, headers));
            }
            return found;
        });
        return letters == null ? List.of() : letters;
    }

    /** Letters for one item, by biller and record id headers. */
    public List<Letter> forItem(String billerId, long recordId) {
        return letters().stream()
                .filter(l -> billerId.equals(l.header("DataPumpBillerId"))
                        && Long.valueOf(recordId).equals(asLong(l.header("DataPumpRecordId"))))
                .toList();
    }

    private static Long asLong(Object value) {
        return value instanceof Number n ? n.longValue() : value == null ? null : Long.valueOf(value.toString());
    }
}
