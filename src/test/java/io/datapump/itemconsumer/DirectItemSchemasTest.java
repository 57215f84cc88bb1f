package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.failure.SchemaViolationException;
import io.datapump.message.ItemType;

import org.junit.jupiter.api.Test;

/** The published contract for items sources publish directly, checked without Camel or Spring. */
class DirectItemSchemasTest {

    final ObjectMapper json = new ObjectMapper();
    final DirectItemSchemas schemas = new DirectItemSchemas(json);

    @Test
    void aCompleteDirectPaymentMatchesItsSchema() throws Exception {
        String message = "{\"sourceItemId\":\"pay-1\",\"billerId\":\"metro\",\"lane\":\"production\","
                + "\"itemType\":\"Payment\",\"sourceId\":1}";

        assertThatCode(() -> schemas.check(message, ItemType.PAYMENT)).doesNotThrowAnyException();
    }

    @Test
    void aDirectMessageWithMissingOrMistypedFieldsIsRefusedWithWhereAndWhy() {
        String message = "{\"sourceItemId\":\"pay-2\",\"billerId\":\"metro\",\"itemType\":\"Payment\","
                + "\"sourceId\":\"seven\"}";

        assertThatThrownBy(() -> schemas.check(message, ItemType.PAYMENT)).isInstanceOf(SchemaViolationException.class)
                .hasMessageContaining("pay-2").hasMessageContaining("schemas/payment.schema.json")
                .hasMessageContaining("sourceId");
    }

    @Test
    void onlyMessagesWithASourceIdentityAndNoRecordIdAreDirect() throws Exception {
        assertThat(DirectItemSchemas.isDirect(json.readTree("{\"sourceItemId\":\"a\"}"))).isTrue();
        assertThat(DirectItemSchemas.isDirect(json.readTree("{\"sourceItemId\":\"a\",\"recordId\":0}"))).isTrue();
        assertThat(DirectItemSchemas.isDirect(json.readTree("{\"sourceItemId\":\"a\",\"recordId\":9}"))).isFalse();
        assertThat(DirectItemSchemas.isDirect(json.readTree("{\"recordId\":9}"))).isFalse();
        // the pump's own messages are not checked against the sources' contract
        assertThatCode(() -> schemas.check("{\"recordId\":9,\"billerId\":\"acme\"}", ItemType.PAYMENT))
                .doesNotThrowAnyException();
    }
}
