package io.datapump.message;

import io.datapump.DataPumpProperties;
import io.datapump.failure.OversizedMessageException;

import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** Refuses a consumed message larger than datapump.max-message-bytes before it is parsed (poison input). */
@Component
public class MessageGuard {

    private final int maxBytes;

    public MessageGuard(DataPumpProperties properties) {
        this.maxBytes = properties.getMaxMessageBytes();
    }

    public void checkSize(@Body Object body) {
        long size = body instanceof byte[] bytes ? bytes.length
                : body instanceof String text ? text.length() : body == null ? 0 : String.valueOf(body).length();
        if (size > maxBytes) {
            throw new OversizedMessageException(size, maxBytes);
        }
    }
}
