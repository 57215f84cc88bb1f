package io.datapump.console;

import io.datapump.message.PersonalDataMasker;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback {@code %m}: the formatted message with payment and personal data masked (see logback-spring.xml). */
public class MaskingMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return PersonalDataMasker.current().mask(super.convert(event));
    }
}
