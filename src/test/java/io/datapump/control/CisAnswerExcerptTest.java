package io.datapump.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the attempt history keeps of a CIS's answer (no Spring, no database). */
class CisAnswerExcerptTest {

    @Test
    void personalAndPaymentDataInTheAnswerAreMasked() {
        String answer = "{\"error\":\"declined\",\"email\":\"ada@example.com\",\"cardNumber\":\"4111111111111111\","
                + "\"detail\":\"card 5500005555555559 refused\"}";

        String kept = ControlRecords.cisAnswerExcerpt(answer);

        assertThat(kept).contains("declined").doesNotContain("ada@example.com").doesNotContain("4111111111111111")
                .doesNotContain("5500005555555559");
    }

    @Test
    void aLongAnswerIsCutToTheColumnAndWhitespaceCollapsed() {
        String answer = "<html>\n\n   <body>" + "x".repeat(5000) + "</body></html>";

        String kept = ControlRecords.cisAnswerExcerpt(answer);

        assertThat(kept).hasSize(ControlRecords.MAX_ANSWER_LENGTH).startsWith("<html> <body>").endsWith("…");
    }

    @Test
    void aCardNumberBeyondTheCutIsMaskedBeforeCutting() {
        // the number straddles the 1,000th character: masking first, then cutting, leaves no digits of it
        String answer = "e".repeat(990) + " 4111111111111111 end";

        String kept = ControlRecords.cisAnswerExcerpt(answer);

        assertThat(kept).doesNotContain("41111");
    }

    @Test
    void noAnswerKeepsNothing() {
        assertThat(ControlRecords.cisAnswerExcerpt(null)).isNull();
        assertThat(ControlRecords.cisAnswerExcerpt("  \n")).isNull();
    }
}
