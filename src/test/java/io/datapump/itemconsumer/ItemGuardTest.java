package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.datapump.DataPumpProperties;
import io.datapump.failure.BillerDisabledException;
import io.datapump.failure.MalformedMessageException;
import io.datapump.failure.UnknownBillerException;
import io.datapump.failure.WrongModeException;
import io.datapump.message.ItemMessage;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.Lane;

import org.junit.jupiter.api.Test;

/** Which item messages may be delivered where, without Camel or Spring (the registry is a map). */
class ItemGuardTest {

    static final Map<String, Biller> BILLERS = Map.of(
            "acme", biller("acme", Lane.PRODUCTION, true, BillerMode.ADAPTER),
            "toy", biller("toy", Lane.DEMO, true, BillerMode.ADAPTER),
            "off", biller("off", Lane.PRODUCTION, false, BillerMode.ADAPTER),
            "metro", biller("metro", Lane.PRODUCTION, true, BillerMode.DIRECT));

    final ItemGuard guard = new ItemGuard(new BillerRegistry(null, new DataPumpProperties()) {
        @Override
        public Optional<Biller> find(String billerId) {
            return Optional.ofNullable(BILLERS.get(billerId));
        }

        @Override
        public Optional<Biller> findFresh(String billerId) {
            return find(billerId);
        }
    });

    @Test
    void anItemOfAKnownEnabledBillerOnItsOwnRouteIsAdmittedWithItsBiller() {
        assertThat(guard.check(adapter("acme", "production", "Payment"), "production", "Payment").id())
                .isEqualTo("acme");
        assertThat(guard.check(direct("metro", "production"), "production", "Payment").mode())
                .isEqualTo(BillerMode.DIRECT);
    }

    @Test
    void unknownAndDisabledBillersAreRefused() {
        assertThatThrownBy(() -> guard.check(adapter("nobody", "production", "Payment"), "production", "Payment"))
                .isInstanceOf(UnknownBillerException.class);
        assertThatThrownBy(() -> guard.check(adapter("off", "production", "Payment"), "production", "Payment"))
                .isInstanceOf(BillerDisabledException.class);
    }

    @Test
    void aMisroutedItemIsMalformed() {
        // wrong lane for the route, wrong type for the route, a demo biller's item on the production lane
        assertThatThrownBy(() -> guard.check(adapter("acme", "demo", "Payment"), "production", "Payment"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("arrived on the production lane");
        assertThatThrownBy(() -> guard.check(adapter("acme", "production", "PaperlessRegistration"), "production",
                "Payment")).isInstanceOf(MalformedMessageException.class).hasMessageContaining("topic");
        assertThatThrownBy(() -> guard.check(adapter("toy", "production", "Payment"), "production", "Payment"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("demo biller");
    }

    @Test
    void onlyADirectModeBillerAcceptsItemsFromItsSources() {
        assertThatThrownBy(() -> guard.check(direct("acme", "production"), "production", "Payment"))
                .isInstanceOf(WrongModeException.class).hasMessageContaining("adapter mode");
    }

    @Test
    void anIncompleteMessageIsMalformed() {
        ItemMessage noRecord = new ItemMessage("acme", "production", "Payment", 0, 5, "c", Instant.now(), null, 0);

        assertThatThrownBy(() -> guard.check(noRecord, "production", "Payment"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("lacks recordId");
    }

    private static ItemMessage adapter(String biller, String lane, String type) {
        return new ItemMessage(biller, lane, type, 7, 70, "c", Instant.now(), null, 0);
    }

    private static ItemMessage direct(String biller, String lane) {
        return new ItemMessage(biller, lane, "Payment", 0, 70, "c", Instant.now(), null, 0, "pay-70");
    }

    private static Biller biller(String id, Lane lane, boolean enabled, BillerMode mode) {
        return new Biller(id, id, lane, enabled, false, "jdbc:h2:mem:" + id, "http://cis/" + id, mode);
    }
}
