package io.datapump.console;

import io.datapump.message.PersonalDataMasker;
import org.apache.camel.spi.MaskingFormatter;

/**
 * The Camel log mask (registered as the bean {@value MaskingFormatter#CUSTOM_LOG_MASK_REF}, used by the Log EIP,
 * the log component and the tracer when {@code camel.main.log-mask=true}): payment and personal data as
 * {@link PersonalDataMasker} finds it.
 */
public class DataPumpMaskingFormatter implements MaskingFormatter {

    private final PersonalDataMasker masker;

    public DataPumpMaskingFormatter(PersonalDataMasker masker) {
        this.masker = masker;
    }

    @Override
    public String format(String source) {
        return masker.mask(source);
    }
}
