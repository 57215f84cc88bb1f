package io.datapump.console;

import io.datapump.message.PersonalDataMasker;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/** Logback {@code %wEx}: stack traces whose messages (a CIS error body, a SQL value) are masked too. */
public class MaskingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(ch.qos.logback.classic.spi.IThrowableProxy tp) {
        return PersonalDataMasker.current().mask(super.throwableProxyToString(tp));
    }
}
