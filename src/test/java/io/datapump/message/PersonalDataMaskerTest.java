package io.datapump.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The masking rules on the shapes personal data takes in logs and traces. */
class PersonalDataMaskerTest {

    final PersonalDataMasker masker = new PersonalDataMasker(PersonalDataMasker.DEFAULT_FIELDS);

    @Test
    void fieldsAreMaskedInJsonEscapedJsonXmlAndKeyValueText() {
        // given
        String json = "{\"cardNumber\":\"4111111111111111\",\"amount\":12.5,\"accountNumber\":1234567890}";
        String escaped = "{\\\"email\\\":\\\"ada@example.com\\\",\\\"currency\\\":\\\"USD\\\"}";
        String xml = "<firstName>Ada</firstName><currency>USD</currency>";
        String map = "{firstName=Ada, lastName=Lovelace, serviceAddress=1 Main Street, currency=USD}";

        // when / then
        assertThat(masker.mask(json))
                .isEqualTo("{\"cardNumber\":\"*****\",\"amount\":12.5,\"accountNumber\":\"*****\"}");
        assertThat(masker.mask(escaped)).isEqualTo("{\\\"email\\\":\\\"*****\\\",\\\"currency\\\":\\\"USD\\\"}");
        assertThat(masker.mask(xml)).isEqualTo("<firstName>*****</firstName><currency>USD</currency>");
        assertThat(masker.mask(map))
                .isEqualTo("{firstName=*****, lastName=*****, serviceAddress=*****, currency=USD}");
    }

    @Test
    void emailsAndCardNumbersAreMaskedAnywhereButIdsAndTimestampsAreNot() {
        // given
        String text = "paid by ada@example.com with 5555555555554444 at 1763812345678, exchange 5F3A-0000000000000012B";

        // when
        String masked = masker.mask(text);

        // then: the Luhn-valid card and the address go; a timestamp (not a card) and an exchange id stay
        assertThat(masked).isEqualTo("paid by ***** with ***** at 1763812345678, exchange 5F3A-0000000000000012B");
    }

    @Test
    void maskingTwiceChangesNothingMore() {
        // given
        String once = masker.mask("{\"email\":\"a@b.org\"} cardNumber=4111111111111111");

        // when / then
        assertThat(masker.mask(once)).isEqualTo(once);
    }
}
