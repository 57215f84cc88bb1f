package io.datapump.console;

import io.datapump.admin.ApiException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * A refusal on an operations page (an unknown biller, a form that makes no sense) answers with a page in the
 * console's frame, saying what was wrong, with the status the API would give; the API itself keeps its JSON errors.
 */
@ControllerAdvice(assignableTypes = {OpsPages.class, RegistryPages.class, DeadLetterPages.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PageErrors {

    @ExceptionHandler(ApiException.class)
    public String refused(ApiException e, Model model, HttpServletRequest request, HttpServletResponse response) {
        OpsPages.page(model, request, "");
        model.addAttribute("status", e.status().value());
        model.addAttribute("reason", e.status().getReasonPhrase());
        model.addAttribute("message", e.getMessage());
        response.setStatus(e.status().value());
        return "ops/error";
    }
}
