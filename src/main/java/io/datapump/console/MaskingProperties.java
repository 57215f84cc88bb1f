package io.datapump.console;

import io.datapump.message.PersonalDataMasker;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** datapump.masking.*: which fields are payment or personal data, masked in logs, traces and the console. */
@Validated
@ConfigurationProperties(prefix = "datapump.masking")
public class MaskingProperties {

    @NotEmpty private List<String> fields = new ArrayList<>(PersonalDataMasker.DEFAULT_FIELDS);

    public List<String> getFields() { return fields; }
    public void setFields(List<String> fields) { this.fields = fields; }
}
