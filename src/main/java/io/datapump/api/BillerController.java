package io.datapump.api;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Status per biller: what a user polls to watch progress. */
@RestController
@RequestMapping("/api/billers")
public class BillerController {

    private final BillerStatusService status;

    public BillerController(BillerStatusService status) {
        this.status = status;
    }

    @GetMapping
    public Map<String, List<BillerStatus>> billers() {
        return Map.of("billers", status.all());
    }

    @GetMapping("/{id}")
    public ResponseEntity<?> biller(@PathVariable("id") String id) {
        return status.one(id).<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(Map.of("error", "unknown biller '" + id + "'")));
    }
}
