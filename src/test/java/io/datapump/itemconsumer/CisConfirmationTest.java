package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which confirmation id a CIS's answer to an accepted item carries (no Spring, no Camel). */
class CisConfirmationTest {

    @Test
    void theConfiguredFieldOfAJsonAnswerIsTheConfirmationId() {
        assertThat(CisConfirmation.from("{\"status\":\"accepted\",\"confirmationId\":\"PAY-77812\"}", "confirmationId"))
                .isEqualTo("PAY-77812");
        assertThat(CisConfirmation.from(" {\"receipt\": 42}", "receipt")).isEqualTo("42");
    }

    @Test
    void anAnswerWithoutOneHasNone() {
        assertThat(CisConfirmation.from("{\"status\":\"accepted\"}", "confirmationId")).isNull();
        assertThat(CisConfirmation.from("{\"confirmationId\":{\"nested\":1}}", "confirmationId")).isNull();
        assertThat(CisConfirmation.from("{\"confirmationId\":\"  \"}", "confirmationId")).isNull();
        assertThat(CisConfirmation.from("OK", "confirmationId")).isNull();
        assertThat(CisConfirmation.from("{not json", "confirmationId")).isNull();
        assertThat(CisConfirmation.from("", "confirmationId")).isNull();
        assertThat(CisConfirmation.from(null, "confirmationId")).isNull();
        assertThat(CisConfirmation.from("{\"confirmationId\":\"x\"}", "")).isNull();
    }

    @Test
    void anAnswerTooLargeToBeAConfirmationIsNotRead() {
        String huge = "{\"confirmationId\":\"X\",\"pad\":\"" + "p".repeat(CisConfirmation.MAX_BODY) + "\"}";

        assertThat(CisConfirmation.from(huge, "confirmationId")).isNull();
    }
}
